"""Server-side time from an apply to the first delta leaving the sandbox consumer, 100 sandboxes live.

Run: ``.venv/bin/python bench/apply_to_delta.py`` (``make bench`` runs every script here).
In one process, against ``kubelearn.asgi.application`` and a throwaway SQLite database: 100
sandboxes, each holding a 3-replica Deployment and watched by a connected WebSocket
(``channels.testing.WebsocketCommunicator``), so the housekeeper ticks all of them. Round-robin,
a worker thread (as a Django view would) takes a sandbox's lock, applies a ConfigMap and calls
``changed()``; the clock runs from just before the apply until that ConfigMap's delta comes
out of the consumer. Applies to one sandbox are ~100 round-robin turns apart, so they do not
meet the consumer's 250 ms batching pause. The floor is a bare echo consumer over the same
in-process transport, 100 connections open; the ratio says what the sandbox path adds.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from typing import Any

from _common import figure

SANDBOXES = 100
SAMPLES = 600
ORIGIN = (b"origin", b"http://127.0.0.1")
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", resources: {requests: {cpu: 100m, memory: 64Mi}}}]
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bench-{n}}}\ndata: {{n: '{n}'}}\n"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup_django(workdir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kubelearn.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def drain(ws: Any) -> None:
    while not ws.output_queue.empty():
        ws.output_queue.get_nowait()


async def first_delta_with(ws: Any, name: str) -> float:
    """Wait for the delta whose events include the ConfigMap ``name``; perf_counter when it arrived."""
    while True:
        message = await ws.receive_json_from(timeout=5)
        if message.get("type") == "cluster.snapshot" and any(
            o.get("metadata", {}).get("name") == name for o in message["objects"]
        ):
            return time.perf_counter()
        for event in message.get("events", ()):
            if event["object"].get("kind") == "ConfigMap" and event["object"]["metadata"]["name"] == name:
                return time.perf_counter()


async def apply_to_delta() -> list[float]:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from kubelearn.asgi import application
    from kubelearn.sandboxes.provision import create_sandbox
    from kubelearn.sandboxes.runtime import runtime

    def make() -> list[tuple[str, str]]:
        rows = [create_sandbox() for _ in range(SANDBOXES)]
        for row in rows:
            live = runtime().open(row.id)
            assert live is not None
            with live.lock:
                live.advance()
                live.cluster.apply_text(DEPLOYMENT, source="web.yaml")
                live.cluster.step(15)
                live.changed()
        return [(row.id, row.watch_token) for row in rows]

    ids = await sync_to_async(make)()
    sockets = []
    for sandbox_id, token in ids:
        ws = WebsocketCommunicator(application, f"/ws/sandbox/{sandbox_id}/?token={token}", headers=[ORIGIN])
        connected, _ = await ws.connect(timeout=10)
        assert connected
        assert (await ws.receive_json_from(timeout=5))["type"] == "cluster.snapshot"
        sockets.append(ws)

    def apply(sandbox_id: str, n: int) -> float:
        live = runtime().open(sandbox_id)
        assert live is not None
        with live.lock:
            started = time.perf_counter()
            live.advance()
            results = live.cluster.apply_text(CONFIGMAP.format(n=n), source="cm.yaml")
            assert all(r.ok for r in results)
            live.changed()
        return started

    timings: list[float] = []
    try:
        for n in range(SAMPLES):
            index = n % SANDBOXES
            ws = sockets[index]
            drain(ws)
            started = await asyncio.to_thread(apply, ids[index][0], n)
            arrived = await first_delta_with(ws, f"bench-{n}")
            timings.append((arrived - started) * 1000)
    finally:
        for ws in sockets:
            await ws.disconnect()
    return timings


async def echo_floor() -> list[float]:
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.testing import WebsocketCommunicator

    class Echo(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
        async def receive_json(self, content: Any, **kwargs: Any) -> None:
            await self.send_json(content)

    app = Echo.as_asgi()
    sockets = []
    for _ in range(SANDBOXES):
        ws = WebsocketCommunicator(app, "/echo/")
        connected, _ = await ws.connect(timeout=10)
        assert connected
        sockets.append(ws)
    timings: list[float] = []
    try:
        for n in range(SAMPLES):
            ws = sockets[n % SANDBOXES]
            started = time.perf_counter()
            await ws.send_json_to({"type": "echo", "n": n})
            assert (await ws.receive_json_from(timeout=5))["n"] == n
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        for ws in sockets:
            await ws.disconnect()
    return timings


def main() -> None:
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(workdir)
        delta = asyncio.run(apply_to_delta())
        floor = asyncio.run(echo_floor())
    p50, p99 = statistics.median(delta), percentile(delta, 0.99)
    e50, e99 = statistics.median(floor), percentile(floor, 0.99)
    figure("apply_to_first_delta_p50_100_sandboxes", p50, "ms", 20, "lower")
    figure("apply_to_first_delta_p99_100_sandboxes", p99, "ms", 20, "lower")
    figure("websocket_echo_floor_p50", e50, "ms", 1, "lower")
    figure("websocket_echo_floor_p99", e99, "ms", 5, "lower")
    figure("apply_to_delta_over_echo_p50_ratio", p50 / e50 if e50 else 0.0, "x", 20, "lower")
    print(
        f"# {len(delta)} applies over {SANDBOXES} watched sandboxes in {time.monotonic() - began:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
