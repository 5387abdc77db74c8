"""The soak run's clients: a tiny HTTP client, the stream checker, and one simulated student.

A student owns one sandbox, watches it over one WebSocket like the browser's ``Connection``
(``static/js/protocol.js``: resume from the last version on every reconnect, back-off of 1 s
doubling to 30 s with jitter) and, every few seconds, drives it like kubectl through the REST
facade: server-side apply, create, merge-patch and delete of ConfigMaps, and ``kubectl scale``
of its Deployment. It keeps a model of what the server acknowledged, so the run can check at
the end that nothing acknowledged was lost, and mid-run that it reads its own writes.

The HTTP client speaks just enough HTTP/1.1 (one connection per request, like a fresh kubectl)
that the run needs no dependency beyond the pinned ``websockets``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
DEPLOYMENT = "/apis/apps/v1/namespaces/default/deployments/web"
NAMES = tuple(f"soak-{i}" for i in range(4))
APPLY = "application/apply-patch+yaml"
MERGE = "application/merge-patch+json"
WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}


async def http(
    method: str,
    url: str,
    body: Any = None,
    content_type: str = "application/json",
    timeout: float = 30.0,  # noqa: ASYNC109 - a per-request bound, as kubectl's --request-timeout
) -> tuple[int, bytes]:
    """One request on a fresh connection; (status, body). Raises OSError/TimeoutError on transport errors."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\nAccept: application/json\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            writer.write(head.encode() + data)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    header, _, payload = raw.partition(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/"):
        raise ConnectionError(f"no HTTP response from {parts.netloc}")
    headers = dict(line.lower().split(b": ", 1) for line in lines[1:] if b": " in line)
    if headers.get(b"transfer-encoding") == b"chunked":
        payload = _dechunk(payload)
    return int(lines[0].split()[1]), payload


def _dechunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


@dataclass
class Call:
    """One REST call as the student saw it."""

    started: float
    ended: float
    op: str
    what: str  # the object: a ConfigMap name, "deployment" or "list"
    status: int  # 0: transport error (refused, reset, timeout)
    detail: str = ""


@dataclass
class Stream:
    """Checks one client's frames as the browser's ``ClusterState`` applies them.

    Within the protocol a delta continues exactly at the last version the client holds
    (``fromResourceVersion`` == last), a snapshot resets; after a reconnect the client sends
    ``resume`` with its last version and the reply (a delta from that version) may repeat what
    the connect snapshot already covered. Anything else is a gap, a duplicate or a rewind.
    """

    last: int | None = None
    resume_from: int | None = None
    connections: int = 0
    gaps: int = 0
    duplicates: int = 0
    rewinds: int = 0
    malformed: int = 0
    frames: list[tuple[float, int, int]] = field(default_factory=list)  # (received, from or -1, to)
    problems: list[str] = field(default_factory=list)

    def opened(self) -> int | None:
        """A new connection: the version to resume from (the browser sends it on open)."""
        self.connections += 1
        self.resume_from = self.last
        return self.last

    def _problem(self, text: str) -> None:
        if len(self.problems) < 5:
            self.problems.append(text)

    def receive(self, message: dict[str, Any], now: float) -> str:
        """Apply a frame; returns "ok", "gap" (the caller resumes), "duplicate" or "ignored"."""
        kind = message.get("type")
        if kind == "cluster.snapshot":
            version = message.get("resourceVersion")
            if not isinstance(version, int):
                self.malformed += 1
                return "ignored"
            if self.last is not None and version < self.last:
                self.rewinds += 1  # a restored sandbox behind what the client saw (judged by the caller)
            self.last = version
            self.frames.append((now, -1, version))
            return "ok"
        if kind != "cluster.delta":
            return "ignored"
        start, end = message.get("fromResourceVersion"), message.get("resourceVersion")
        if not isinstance(start, int) or not isinstance(end, int) or end <= start:
            self.malformed += 1
            self._problem(f"malformed delta {start}->{end}")
            return "ignored"
        if self.last is None or start > self.last:
            self.gaps += 1
            self._problem(f"delta {start}->{end} after {self.last}")
            return "gap"
        if start == self.last or (start == self.resume_from and end > self.last):
            self.last = end
            self.frames.append((now, start, end))
            return "ok"
        if start == self.resume_from:  # the resume reply repeats what the connect snapshot held
            return "duplicate"
        self.duplicates += 1
        self._problem(f"delta {start}->{end} repeats versions up to {self.last}")
        return "duplicate"

    def delivered(self, version: int) -> float | None:
        """When the first frame carrying ``version`` arrived (None: never).

        A write that changed nothing (a scale to the current size) answers with the version the
        object already had, which may have arrived before the write was even sent.
        """
        for received, start, end in self.frames:
            if start < version <= end:
                return received
        return None


@dataclass
class Student:
    """One learner: a sandbox, a WebSocket on it, and a model of what the server acknowledged."""

    index: int
    sandbox: dict[str, str]
    rng: random.Random
    servers: Callable[[], list[str]]  # the load balancer's healthy backends (base URLs)
    present: dict[str, str] = field(default_factory=dict)  # ConfigMap name -> acknowledged data.v
    uncertain: set[str] = field(default_factory=set)  # a write failed: its outcome is unknown
    acks: dict[str, list[float]] = field(default_factory=dict)  # object -> when each acknowledged write returned
    replicas: int | None = None
    stream: Stream = field(default_factory=Stream)
    calls: list[Call] = field(default_factory=list)
    writes: list[tuple[float, int]] = field(default_factory=list)  # (started, resourceVersion) acknowledged
    stale_reads: list[tuple[str, str, float]] = field(default_factory=list)  # (object, problem, when)
    refused: int = 0  # WebSocket handshakes refused with a 4xx
    handshake_5xx: list[float] = field(default_factory=list)
    disconnects: list[float] = field(default_factory=list)
    counter: int = 0

    @property
    def key(self) -> str:
        return self.sandbox["server"].split("/k8s/", 1)[1]

    def api(self, base: str, path: str) -> str:
        return f"{base}/k8s/{self.key}{path}"

    def ws_url(self, base: str) -> str:
        path = self.sandbox["ws"].split("/ws/", 1)[1]
        return f"ws://{base.removeprefix('http://')}/ws/{path}"

    def _pick(self) -> str:
        return self.rng.choice(self.servers())

    async def request(
        self, op: str, what: str, method: str, path: str, body: Any = None, content_type: str = MERGE
    ) -> Any:
        """One call on a random backend; the decoded body of a 2xx answer, else None."""
        started = time.monotonic()
        try:
            status, raw = await http(method, self.api(self._pick(), path), body, content_type)
        except (OSError, TimeoutError) as exc:
            self.calls.append(Call(started, time.monotonic(), op, what, 0, type(exc).__name__))
            return None
        ended = time.monotonic()
        if not 200 <= status < 300:
            self.calls.append(Call(started, ended, op, what, status, raw[:300].decode(errors="replace")))
            return None
        self.calls.append(Call(started, ended, op, what, status))
        try:
            return json.loads(raw)
        except ValueError:
            return {}

    def _acknowledged(self, started: float, answer: Any, what: str) -> None:
        self.acks.setdefault(what, []).append(time.monotonic())
        version = (answer.get("metadata") or {}).get("resourceVersion") if isinstance(answer, dict) else None
        if isinstance(version, str) and version.isdigit():
            self.writes.append((started, int(version)))

    async def setup(self) -> bool:
        """Create the Deployment the student will scale (retried: setup is not measured)."""
        for _ in range(5):
            started = time.monotonic()
            answer = await self.request(
                "setup", "deployment", "POST", "/apis/apps/v1/namespaces/default/deployments", WEB, "application/json"
            )
            if answer is not None:
                self.replicas = 1
                self._acknowledged(started, answer, "deployment")
                self.calls.pop()  # setup calls are not part of the figures
                return True
            self.calls.pop()
            await asyncio.sleep(1.0)
        return False

    async def act(self) -> None:
        """One kubectl-like action, chosen at random, updating the model only on a 2xx."""
        self.counter += 1
        value = f"{self.index}-{self.counter}"
        name = self.rng.choice(NAMES)
        roll = self.rng.random()
        if roll < 0.1:
            await self.read()
        elif roll < 0.35:
            await self.scale(self.rng.randint(1, 3))
        elif roll < 0.6 or name in self.uncertain:
            await self.apply(name, value)
        elif name in self.present and roll < 0.8:
            await self.delete(name)
        elif name in self.present:
            await self.patch(name, value)
        else:
            await self.create(name, value)

    async def apply(self, name: str, value: str) -> None:
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"v": value}}
        started = time.monotonic()
        path = f"{CONFIGMAPS}/{name}?fieldManager=soak&force=true"
        answer = await self.request("apply", name, "PATCH", path, json.dumps(body).encode(), APPLY)
        self._settle(name, started, answer, value)

    async def create(self, name: str, value: str) -> None:
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"v": value}}
        started = time.monotonic()
        answer = await self.request("create", name, "POST", CONFIGMAPS, body, "application/json")
        self._settle(name, started, answer, value)

    async def patch(self, name: str, value: str) -> None:
        started = time.monotonic()
        answer = await self.request("patch", name, "PATCH", f"{CONFIGMAPS}/{name}", {"data": {"v": value}})
        self._settle(name, started, answer, value)

    async def delete(self, name: str) -> None:
        # A delete's answer carries the object's old version: there is no delta latency to measure.
        answer = await self.request("delete", name, "DELETE", f"{CONFIGMAPS}/{name}")
        if answer is None:
            self.uncertain.add(name)
            return
        self.present.pop(name, None)
        self.uncertain.discard(name)
        self.acks.setdefault(name, []).append(time.monotonic())

    def _settle(self, name: str, started: float, answer: Any, value: str) -> None:
        if answer is None:
            self.uncertain.add(name)
            return
        self.present[name] = value
        self.uncertain.discard(name)
        self._acknowledged(started, answer, name)

    async def scale(self, replicas: int) -> None:
        started = time.monotonic()
        answer = await self.request(
            "scale", "deployment", "PATCH", f"{DEPLOYMENT}/scale", {"spec": {"replicas": replicas}}
        )
        if answer is None:
            self.replicas = None  # unknown until the next acknowledged scale
            return
        self.replicas = replicas
        self._acknowledged(started, answer, "deployment")

    async def read(self) -> None:
        """``kubectl get configmaps``: every acknowledged write must be visible to its author."""
        answer = await self.request("get", "list", "GET", CONFIGMAPS)
        if answer is not None:
            now = time.monotonic()
            self.stale_reads.extend((what, problem, now) for what, problem in self.compare(answer, None))

    def compare(self, configmaps: dict[str, Any], deployment: dict[str, Any] | None) -> list[tuple[str, str]]:
        """Differences between the server's objects and the acknowledged model (uncertain ones skipped)."""
        seen = {
            item["metadata"]["name"]: (item.get("data") or {}).get("v")
            for item in configmaps.get("items", [])
            if item["metadata"]["name"] in NAMES
        }
        problems = []
        for name in NAMES:
            if name in self.uncertain:
                continue
            want = self.present.get(name)
            if seen.get(name) != want:
                problems.append(
                    (name, f"{self.sandbox['name']}/{name}: acknowledged {want!r}, server has {seen.get(name)!r}")
                )
        if deployment is not None and self.replicas is not None:
            have = (deployment.get("spec") or {}).get("replicas")
            if have != self.replicas:
                problems.append(
                    (
                        "deployment",
                        f"{self.sandbox['name']}/web: acknowledged {self.replicas} replicas, server has {have}",
                    )
                )
        return problems

    async def watch(self, stop: asyncio.Event) -> None:
        """The browser's ``Connection``: reconnect with back-off, resume from the last version."""
        attempt = 0
        while not stop.is_set():
            base = self._pick()
            try:
                async with websockets.connect(
                    self.ws_url(base), origin=base, open_timeout=20, max_size=16 * 1024 * 1024
                ) as ws:
                    attempt = 0
                    version = self.stream.opened()
                    if version is not None:
                        await ws.send(json.dumps({"type": "resume", "resourceVersion": version}))
                    await self._read(ws, stop)
            except InvalidStatus as exc:
                if exc.response.status_code >= 500:
                    self.handshake_5xx.append(time.monotonic())
                else:
                    self.refused += 1
            except (OSError, TimeoutError, ConnectionClosed):
                pass
            if stop.is_set():
                return
            self.disconnects.append(time.monotonic())
            delay = min(30.0, 2.0**attempt) * (0.85 + self.rng.random() * 0.3)
            attempt += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def _read(self, ws: Any, stop: asyncio.Event) -> None:
        reader = asyncio.ensure_future(ws.recv())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                done, _ = await asyncio.wait({reader, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if reader not in done:
                    return
                message = json.loads(reader.result())
                if self.stream.receive(message, time.monotonic()) == "gap":
                    await ws.send(json.dumps({"type": "resume", "resourceVersion": self.stream.last}))
                reader = asyncio.ensure_future(ws.recv())
        finally:
            for task in (reader, stopping):
                task.cancel()
            with contextlib.suppress(BaseException):
                await reader
