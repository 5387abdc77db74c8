"""Load and fault runs over the scale-out shape (issue 8): shared by ``bench/soak.py`` and the suite.

``run(Options(...))`` starts a private Redis, one SQLite file and two daphne processes
(``_soakstack.py``), gives each of N students a sandbox of its own (``_soakclient.py``), and for
``seconds`` lets every student watch its sandbox over one WebSocket on a random process while
it applies, creates, patches, deletes and scales through the REST facade of a random process
every few seconds (jittered), so about half of all calls are forwarded to the owner. Optionally,
at ``fault_at`` seconds:

* ``kill`` — SIGKILL process ``a``. Its sandboxes' leases (``kubelearn:owner:<id>``) are polled
  until process ``b`` holds every one; the load balancer (the students' server list) drops
  ``a``, and every client reconnects with the browser's back-off and resumes.
* ``restart_redis`` — stop the private redis-server for ``redis_down_seconds`` and start it
  again (empty: no persistence). Probes then ask both processes, until they answer, for a REST
  call (one of them forwarded) and a WebSocket snapshot: the recovery time.

Errors inside the fault window (from the fault until recovery plus ``GRACE``; after a Redis
restart at least until ``FORWARD_TIMEOUT`` has run out for commands lost with its data) are
counted as ``disrupted``; outside it every check must be clean: no 5xx, no transport error, no unexpected
4xx, no traceback in the daphne logs, no stream gap, duplicate or rewind, every acknowledged
write delivered to its author's stream and visible through the facade at the end. Writes
lost to a kill -9 shortly after they were acknowledged are listed apart
(``lost_in_crash_window``) and fail the run too: with Redis, ``SANDBOX_DURABLE_WRITES``
saves every write before it is acknowledged (``kubelearn/sandboxes/persistence.py``). Loopback only; every loop is bounded in time.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis
import websockets

from bench import _soakstack
from bench._soakclient import CONFIGMAPS, DEPLOYMENT, Call, Student, http

PREFIX = "kubelearn:owner:"  # kubelearn/sandboxes/ownership.py
FORWARD_TIMEOUT = 10.0  # kubelearn/sandboxes/forwarding.py: a command lost with Redis's data fails this late
GRACE = 3.0
SETUP_CONCURRENCY = 16
SETTLE_SECONDS = 20.0
PROBE_SECONDS = 60.0


@dataclass
class Options:
    students: int = 200
    seconds: float = 300.0
    kill: bool = False
    restart_redis: bool = False
    fault_at: float | None = None  # seconds into the run; default: half way
    lease_seconds: float = 10.0
    save_seconds: float = 1.0
    think_seconds: float = 3.0  # mean pause between a student's actions (uniform 0.5x-1.5x)
    redis_down_seconds: float = 1.0
    seed: int = 8
    base_env: dict[str, str] | None = None
    workdir: Path | None = None
    progress: Callable[[str], None] | None = None


@dataclass
class Fault:
    kind: str
    started: float = 0.0
    ended: float = 0.0  # end of the tolerance window
    affected: int = 0  # kill: sandboxes the killed process owned
    reowned: list[float] = field(default_factory=list)  # kill: seconds until b held each lease
    recovered: float | None = None  # restart: seconds from Redis up until both processes answer
    log_offsets: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Report:
    options: Options
    students_ready: int = 0
    calls: int = 0
    request_ms: list[float] = field(default_factory=list)
    delta_ms: list[float] = field(default_factory=list)
    writes: int = 0
    undelivered: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)
    disrupted: int = 0
    tracebacks: list[str] = field(default_factory=list)
    tolerated_tracebacks: int = 0
    gaps: int = 0
    duplicates: int = 0
    rewinds: int = 0
    stream_problems: list[str] = field(default_factory=list)
    undelivered_streams: list[str] = field(default_factory=list)  # per student: what its stream looked like
    lost: list[str] = field(default_factory=list)
    lost_in_crash_window: list[str] = field(default_factory=list)
    stale_reads: list[str] = field(default_factory=list)
    reconnects: int = 0
    unexpected_disconnects: int = 0
    refused_handshakes: int = 0
    fault: Fault | None = None
    survivors_alive: bool = True
    workdir: Path | None = None

    def failures(self) -> list[str]:
        """Every check that did not hold, in words (empty: the run passed)."""
        out = []
        if self.students_ready < self.options.students:
            out.append(f"only {self.students_ready} of {self.options.students} students got set up")
        for label, items in (
            ("5xx answers", self.server_errors),
            ("transport errors", self.transport_errors),
            ("unexpected 4xx answers", self.client_errors),
            ("tracebacks in the daphne logs", self.tracebacks),
            ("acknowledged writes lost", self.lost),
            # Durable writes (on with Redis) save before acknowledging: not even a kill -9 may lose one.
            ("acknowledged writes lost to the kill", self.lost_in_crash_window),
            ("stale reads of acknowledged writes", self.stale_reads),
            ("acknowledged writes never delivered to the author's stream", self.undelivered),
            ("students with undelivered writes", self.undelivered_streams),
            ("stream problems", self.stream_problems),
        ):
            if items:
                out.append(f"{len(items)} {label}: " + " | ".join(items[:3]))
        # After a fault a restored sandbox restarts from its last snapshot: a stream that had seen
        # later (unsaved) versions rewinds (reported as a figure). Without one it means lost history.
        if self.gaps or self.duplicates or (self.rewinds and self.fault is None):
            out.append(f"stream: {self.gaps} gaps, {self.duplicates} duplicates, {self.rewinds} rewinds")
        if self.unexpected_disconnects:
            out.append(f"{self.unexpected_disconnects} WebSocket disconnects outside the fault window")
        if not self.survivors_alive:
            out.append("a process that was not killed exited")
        fault = self.fault
        if fault is not None and fault.kind == "kill":
            if len(fault.reowned) < fault.affected:
                out.append(f"only {len(fault.reowned)} of {fault.affected} sandboxes were owned again")
            elif fault.reowned and max(fault.reowned) > self.options.lease_seconds + 5:
                out.append(f"re-ownership took {max(fault.reowned):.1f} s (lease {self.options.lease_seconds} s + 5)")
        if fault is not None and fault.kind == "restart-redis" and fault.recovered is None:
            out.append(f"the processes did not recover within {PROBE_SECONDS:.0f} s of the Redis restart")
        return out


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(options: Options) -> Report:
    """One soak run, start to finish; processes and the private Redis are always stopped."""
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="kubelearn-soak-"))
    stack = _soakstack.start(workdir, options.students, options.lease_seconds, options.save_seconds, options.base_env)
    try:
        report = asyncio.run(_Run(options, stack).main())
    finally:
        stack.stop()
    allowed: dict[str, list[tuple[int, int]]] = {}
    if report.fault is not None:
        allowed = {name: [span] for name, span in report.fault.log_offsets.items()}
    report.tracebacks, report.tolerated_tracebacks = stack.tracebacks(allowed)
    report.workdir = workdir
    if options.workdir is None and not report.failures():
        shutil.rmtree(workdir, ignore_errors=True)
        report.workdir = None
    return report


class _Run:
    def __init__(self, options: Options, stack: _soakstack.Stack) -> None:
        self.options = options
        self.stack = stack
        self.alive = [server.url for server in stack.servers]
        self.report = Report(options)
        self.redis = redis.Redis.from_url(stack.redis.url, socket_timeout=2, socket_connect_timeout=2)
        self.students = [
            Student(i, sandbox, random.Random(options.seed * 100_003 + i), lambda: self.alive)
            for i, sandbox in enumerate(stack.sandboxes)
        ]

    def _say(self, text: str) -> None:
        if self.options.progress is not None:
            self.options.progress(text)

    async def main(self) -> Report:
        options, report = self.options, self.report
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def setup(student: Student) -> bool:
            async with gate:
                return await student.setup()

        ready = await asyncio.gather(*(setup(s) for s in self.students))
        report.students_ready = sum(ready)
        stop = asyncio.Event()
        watchers = []
        for student in self.students:
            watchers.append(asyncio.create_task(student.watch(stop)))
            if len(watchers) % 20 == 0:
                await asyncio.sleep(0.1)  # a class connects in waves
        await self._until(lambda: all(s.stream.last is not None for s in self.students), 120)
        self._say(f"{report.students_ready} students set up and watching; running {options.seconds:.0f} s")
        started = time.monotonic()
        deadline = started + options.seconds
        fault_task = None
        if options.kill or options.restart_redis:
            at = started + (options.fault_at if options.fault_at is not None else options.seconds / 2)
            fault_task = asyncio.create_task(self._kill(at) if options.kill else self._restart_redis(at))
        ticker = asyncio.create_task(self._progress(started, deadline))
        await asyncio.gather(*(self._student(s, deadline) for s in self.students))
        ticker.cancel()
        if fault_task is not None:
            report.fault = await fault_task
        await self._until(self._caught_up, SETTLE_SECONDS)
        await self._verify()
        stop.set()
        await asyncio.gather(*watchers, return_exceptions=True)
        report.survivors_alive = all(s.alive() for s in self.stack.servers if s.url in self.alive)
        self._tally()
        return report

    async def _until(self, condition: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    async def _progress(self, started: float, deadline: float) -> None:
        while time.monotonic() < deadline:
            await asyncio.sleep(30)
            calls = [c for s in self.students for c in s.calls]
            bad = sum(1 for c in calls if not 200 <= c.status < 300)
            self._say(f"{time.monotonic() - started:5.0f} s: {len(calls)} calls, {bad} failed")

    async def _student(self, student: Student, deadline: float) -> None:
        think = self.options.think_seconds
        await asyncio.sleep(student.rng.uniform(0, think))
        while time.monotonic() < deadline:
            await student.act()
            await asyncio.sleep(think * student.rng.uniform(0.5, 1.5))

    def _caught_up(self) -> bool:
        return all(not s.writes or (s.stream.last or 0) >= s.writes[-1][1] for s in self.students)

    # --- faults ----------------------------------------------------------------------------

    def _leases(self) -> dict[str, str]:
        ids = [s.sandbox["id"] for s in self.students]
        values = self.redis.mget([PREFIX + i for i in ids])
        return {i: v.decode() for i, v in zip(ids, values, strict=True) if v is not None}

    def _offsets(self) -> dict[str, int]:
        return {server.name: server.log_size() for server in self.stack.servers}

    async def _kill(self, at: float) -> Fault:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        victim = self.stack.servers[0]
        fault = Fault("kill")
        leases = await asyncio.to_thread(self._leases)
        affected = [i for i, owner in leases.items() if victim.process_id_part in owner]
        fault.affected = len(affected)
        before = self._offsets()
        fault.started = time.monotonic()
        victim.kill()
        self.alive.remove(victim.url)  # the load balancer's health check drops it
        self._say(f"killed process a (pid {victim.process.pid}), which owned {len(affected)} sandboxes")
        reowned: dict[str, float] = {}
        deadline = fault.started + self.options.lease_seconds + 30
        while len(reowned) < len(affected) and time.monotonic() < deadline:
            values = await asyncio.to_thread(self.redis.mget, [PREFIX + i for i in affected])
            now = time.monotonic()
            for sandbox_id, value in zip(affected, values, strict=True):
                if value is not None and victim.process_id_part not in value.decode() and sandbox_id not in reowned:
                    reowned[sandbox_id] = now - fault.started
            await asyncio.sleep(0.1)
        fault.reowned = sorted(reowned.values())
        await asyncio.sleep(GRACE)
        fault.ended = time.monotonic()
        after = self._offsets()
        fault.log_offsets = {name: (before[name], after[name]) for name in before}
        return fault

    async def _restart_redis(self, at: float) -> Fault:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        fault = Fault("restart-redis")
        before = self._offsets()
        fault.started = time.monotonic()
        await asyncio.to_thread(self.stack.redis.stop)
        self._say("stopped the private redis-server")
        await asyncio.sleep(self.options.redis_down_seconds)
        await asyncio.to_thread(self.stack.redis.start)
        up = time.monotonic()
        self._say(f"redis-server up again after {up - fault.started:.1f} s; probing both processes")
        deadline = up + PROBE_SECONDS
        while time.monotonic() < deadline:
            if await self._probe():
                fault.recovered = time.monotonic() - up
                break
            await asyncio.sleep(0.2)
        # A forwarded command sent just before the stop vanished with Redis's data: its caller
        # (a REST call, a WebSocket relay) learns that only when FORWARD_TIMEOUT runs out.
        await asyncio.sleep(max(0.0, fault.started + FORWARD_TIMEOUT - time.monotonic()) + GRACE)
        fault.ended = time.monotonic()
        after = self._offsets()
        fault.log_offsets = {name: (before[name], after[name]) for name in before}
        return fault

    async def _probe(self) -> bool:
        """A REST call and a WebSocket snapshot through each process, for two students' sandboxes."""
        for base in self.alive:
            for student in self.students[:2]:
                try:
                    status, _ = await http("GET", student.api(base, CONFIGMAPS), timeout=5)
                    if status != 200:
                        return False
                    async with websockets.connect(student.ws_url(base), origin=base, open_timeout=5) as ws:
                        first = json.loads(await asyncio.wait_for(ws.recv(), 5))
                        if first.get("type") != "cluster.snapshot":
                            return False
                except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                    return False
        return True

    # --- the verdict -----------------------------------------------------------------------

    async def _verify(self) -> None:
        """Every acknowledged object, read back through the facade of a random process."""
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def check(student: Student) -> None:
            async with gate:
                for _ in range(5):
                    base = student.rng.choice(self.alive)
                    try:
                        cm_status, cms = await http("GET", student.api(base, CONFIGMAPS))
                        dep_status, dep = await http("GET", student.api(base, DEPLOYMENT))
                    except (OSError, TimeoutError):
                        await asyncio.sleep(1)
                        continue
                    if cm_status == 200 and dep_status == 200:
                        for what, text in student.compare(json.loads(cms), json.loads(dep)):
                            self._loss(student, what, text, time.monotonic(), self.report.lost)
                        return
                    await asyncio.sleep(1)
                self.report.lost.append(f"{student.sandbox['name']}: could not be read back")

        await asyncio.gather(*(check(s) for s in self.students))

    def _in_window(self, start: float, end: float) -> bool:
        fault = self.report.fault
        return fault is not None and start <= fault.ended and end >= fault.started

    def _loss(self, student: Student, what: str, text: str, when: float, bucket: list[str]) -> None:
        """File a missing acknowledged write: apart when the kill may have taken it (crash window)."""
        fault = self.report.fault
        if fault is not None and fault.kind == "kill" and when >= fault.started:
            acked = [t for t in student.acks.get(what, []) if t <= fault.started]
            window = self.options.save_seconds + 1.0
            later = [t for t in student.acks.get(what, []) if fault.started < t <= when]
            if acked and acked[-1] >= fault.started - window and not later:
                self.report.lost_in_crash_window.append(text)
                return
        bucket.append(text)

    def _tally(self) -> None:
        report = self.report
        for student in self.students:
            for call in student.calls:
                self._classify(student, call)
            for what, text, when in student.stale_reads:
                self._loss(student, what, text, when, report.stale_reads)
            missing = 0
            for started, version in student.writes:
                received = student.stream.delivered(version)
                if received is None:
                    missing += 1
                    report.undelivered.append(f"{student.sandbox['name']}@{version}")
                elif received >= started and not self._in_window(started, received):  # else a no-op write
                    report.delta_ms.append((received - started) * 1000)
            stream = student.stream
            if missing:  # say what the stream looked like, so an undelivered write can be told apart
                last = stream.frames[-1][0] if stream.frames else None
                report.undelivered_streams.append(
                    f"{student.sandbox['name']}: {missing} of {len(student.writes)} writes, stream at "
                    f"v{stream.last}, {stream.connections} connection(s), {len(stream.frames)} frames, last "
                    + (f"{time.monotonic() - last:.0f} s before the tally" if last is not None else "never")
                )
            report.writes += len(student.writes)
            report.gaps += stream.gaps
            report.duplicates += stream.duplicates
            report.rewinds += stream.rewinds
            report.stream_problems.extend(f"{student.sandbox['name']}: {p}" for p in stream.problems)
            report.reconnects += max(0, stream.connections - 1)
            report.refused_handshakes += student.refused
            for when in student.disconnects + student.handshake_5xx:
                if not self._in_window(when, when):
                    report.unexpected_disconnects += 1
            report.server_errors.extend(
                f"{student.sandbox['name']}: WebSocket handshake 5xx"
                for when in student.handshake_5xx
                if not self._in_window(when, when)
            )

    def _classify(self, student: Student, call: Call) -> None:
        report = self.report
        report.calls += 1
        if 200 <= call.status < 300:
            if not self._in_window(call.started, call.ended):
                report.request_ms.append((call.ended - call.started) * 1000)
            return
        if self._in_window(call.started, call.ended):
            report.disrupted += 1
            return
        text = f"{student.sandbox['name']} {call.op} {call.what}: {call.status or call.detail} {call.detail[:160]}"
        if call.status == 0:
            report.transport_errors.append(text)
        elif call.status >= 500:
            report.server_errors.append(text)
        else:
            self._loss(student, call.what, text, call.started, report.client_errors)
