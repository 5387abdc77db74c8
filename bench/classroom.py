"""Classroom fan-out: one instructor change reaching N WebSocket clients over two processes.

Run: ``.venv/bin/python bench/classroom.py [--clients 300] [--changes 5]`` (needs Redis at
127.0.0.1:6379; ``make bench`` runs it). Two daphne processes share a Redis database (groups,
ownership lease) and one SQLite file; half the clients watch the demo sandbox through process A
(the owner), half through process B (which relays the owner's frames). Each change is a
ConfigMap POSTed to A's REST facade; latency is from the POST to the moment each client has the
delta carrying it (the first time it has it: a repeat, or a delta that does not continue the
client's version, is counted and reported on stderr). Memory per client is the growth of both
processes' RSS while the clients connect, divided by their number. On stderr also: how long the
class took to join, CPU per change of A, B and the clients (the clients share this one process
and a core, so their own cost is inside every latency), and A's and B's percentiles.
``--per-change`` prints each change; ``--warm`` makes one untimed POST first. Loopback only;
bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis
import websockets
from _common import figure

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-classroom-" + "x" * 48
REDIS_DB = 13


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_ms(pid: int) -> float:
    """User + system CPU time the process has used so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    daphne = Path(sys.executable).with_name("daphne")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "kubelearn.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.read() == b"ok":
                    return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"daphne did not start:\n{log.read_text(errors='replace')}")


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


RETRIES: list[int] = []


async def _connect(uri: str, origin: str) -> tuple[websockets.ClientConnection, int]:
    """Connect and read the snapshot (its version), retrying with back-off as the browser's module does."""
    delay = 0.5
    for attempt in range(6):
        try:
            ws = await websockets.connect(uri, origin=origin, max_size=8 * 1024 * 1024, open_timeout=30)
            snapshot = json.loads(await ws.recv())
            return ws, snapshot["resourceVersion"]
        except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError):
            RETRIES.append(attempt)
            await asyncio.sleep(delay)
            delay *= 2
    raise SystemExit(f"could not connect to {uri}")


PROBLEMS: dict[str, int] = {"duplicate deliveries": 0, "frames that did not chain": 0}


async def _client(
    index: int, uri: str, origin: str, ready: asyncio.Event, seen: dict[str, dict[int, float]], stop: asyncio.Event
) -> None:
    """Record when this client first has each change; count repeats and frames that skip a version.

    A plain ``recv`` loop (no per-message timeout task): the 300 clients share one process and
    one core, and their own overhead is part of every latency measured here.
    """
    ws, version = await _connect(uri, origin)
    closer = asyncio.create_task(_close_on(stop, ws))
    async with ws:
        ready.set()
        async for raw in ws:  # ends when the stop event closes the socket
            now = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") == "cluster.delta" and message.get("fromResourceVersion") != version:
                PROBLEMS["frames that did not chain"] += 1
            version = message.get("resourceVersion", version)
            for event in message.get("events") or ():
                name = event.get("object", {}).get("metadata", {}).get("name", "")
                if name.startswith("bench-change-"):
                    arrivals = seen.setdefault(name, {})
                    if index in arrivals:
                        PROBLEMS["duplicate deliveries"] += 1
                    else:
                        arrivals[index] = now
    await closer


async def _close_on(stop: asyncio.Event, ws: websockets.ClientConnection) -> None:
    await stop.wait()
    await ws.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def _run(args: argparse.Namespace, a_url: str, b_url: str, show: dict, pids: list[int]) -> None:
    path = show["ws"].split("/ws/", 1)[1]
    uris = [f"ws://{url.removeprefix('http://')}/ws/{path}" for url in (a_url, b_url)]
    rss_before = sum(_rss_kib(pid) for pid in pids)
    joining = time.perf_counter()
    seen: dict[str, dict[int, float]] = {}
    stop = asyncio.Event()
    tasks, readies = [], []
    for index in range(args.clients):
        ready = asyncio.Event()
        readies.append(ready)
        uri = uris[index % 2]
        origin = uri.replace("ws://", "http://").split("/ws/")[0]
        tasks.append(asyncio.create_task(_client(index, uri, origin, ready, seen, stop)))
        if index % 25 == 24:
            await asyncio.sleep(0.05)  # connect in waves, as a class joining does
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        joined = time.perf_counter() - joining
    except TimeoutError:
        waiting = [sum(not r.is_set() for r in readies[side::2]) for side in (0, 1)]
        raise SystemExit(
            f"clients still without a snapshot after 120 s: {waiting[0]} on A, {waiting[1]} on B"
        ) from None
    await asyncio.sleep(1.0)
    rss_after = sum(_rss_kib(pid) for pid in pids)
    api = show["server"].replace(show["server"].split("/k8s/")[0], a_url)
    latencies: list[float] = []
    cpu_before = [_cpu_ms(pid) for pid in (*pids, os.getpid())]
    by_process: list[list[float]] = [[], []]
    posts: list[float] = []
    for change in range(args.changes):
        name = f"bench-change-{change}"
        started = time.perf_counter()
        await asyncio.to_thread(
            _post,
            f"{api}/api/v1/namespaces/default/configmaps",
            {"metadata": {"name": name}, "data": {"n": str(change)}},
        )
        posts.append((time.perf_counter() - started) * 1000)
        deadline = time.monotonic() + 20
        while len(seen.get(name, ())) < args.clients and time.monotonic() < deadline:  # noqa: ASYNC110 - polling a counter shared by 300 tasks
            await asyncio.sleep(0.02)
        arrivals = seen.get(name, {})
        latencies.extend((t - started) * 1000 for t in arrivals.values())
        for index, t in arrivals.items():
            by_process[index % 2].append((t - started) * 1000)
        if args.per_change and arrivals:
            got = sorted((t - started) * 1000 for t in arrivals.values())
            first, median, last = got[0], got[len(got) // 2], got[-1]
            print(
                f"change {change}: POST {posts[-1]:.0f} ms; first {first:.0f}, median {median:.0f}, last {last:.0f} ms",
                file=sys.stderr,
            )
        missing = args.clients - len(arrivals)
        if missing:
            print(f"change {change}: {missing} of {args.clients} clients did not get it", file=sys.stderr)
        await asyncio.sleep(0.5)
    cpu = [
        (_cpu_ms(pid) - before) / max(1, args.changes)
        for pid, before in zip((*pids, os.getpid()), cpu_before, strict=True)
    ]
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for problem, count in PROBLEMS.items():
        if count:
            print(f"{problem}: {count}", file=sys.stderr)
    # Where the time goes (stderr, not figures): joining, the POST itself, owner vs relaying process, CPU.
    print(f"all {args.clients} clients had their snapshot {joined:.1f} s after the first connected", file=sys.stderr)
    print(f"CPU per change: A {cpu[0]:.0f} ms, B {cpu[1]:.0f} ms, the clients {cpu[2]:.0f} ms", file=sys.stderr)
    if latencies and all(by_process):
        a, b = (f"{_percentile(v, 0.5):.0f}/{_percentile(v, 0.99):.0f}" for v in by_process)
        print(f"POST p50 {_percentile(posts, 0.5):.0f} ms; p50/p99 on A {a} ms, on B {b} ms", file=sys.stderr)
    if latencies:
        figure(f"classroom_fanout_p50_{args.clients}_clients", _percentile(latencies, 0.5), "ms", 50, "lower")
        figure(f"classroom_fanout_p99_{args.clients}_clients", _percentile(latencies, 0.99), "ms", 250, "lower")
    figure("classroom_deliveries", len(latencies) / max(1, args.changes * args.clients) * 100, "%", 100, "higher")
    figure("classroom_connect_retries", len(RETRIES), "retries", 0, "lower")
    figure("memory_per_connected_client", (rss_after - rss_before) / max(1, args.clients), "KiB", 100, "lower")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--warm", action="store_true", help="one untimed POST before the clients connect")
    parser.add_argument("--per-change", action="store_true", help="print each change's latencies to stderr")
    args = parser.parse_args()
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="kubelearn-bench-classroom-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SECRET_KEY": SECRET,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kubelearn.settings",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    a, a_url = _start(env, workdir / "a.log")
    b, b_url = _start(env, workdir / "b.log")
    try:
        subprocess.run(
            [*manage, "sandbox", "kubeconfig", "demo", "--server", a_url],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        show = json.loads(
            subprocess.run(
                [*manage, "sandbox", "show", "demo", "--server", a_url],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        # Make A the owner before the clients arrive, as the instructor's first action would.
        api = show["server"]
        with urllib.request.urlopen(f"{api}/api/v1/namespaces/default/pods", timeout=30) as response:
            response.read()
        if args.warm:  # one untimed POST first: the first one pays Django's and the facade's one-time costs
            _post(f"{api}/api/v1/namespaces/default/configmaps", {"metadata": {"name": "warm-up"}, "data": {"n": "0"}})
        asyncio.run(_run(args, a_url, b_url, show, [a.pid, b.pid]))
    finally:
        for process in (a, b):
            process.send_signal(signal.SIGTERM)
        for process in (a, b):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        client.flushdb()


if __name__ == "__main__":
    main()
