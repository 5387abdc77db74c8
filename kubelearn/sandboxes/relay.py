"""Relaying between server processes: the owner's delta feed, and REST requests to the owner.

* **Deltas.** While some other process has WebSocket watchers on a sandbox (its hub renews
  their interest with a forwarded ``snapshot`` every few seconds), the owner runs a publisher
  task that waits for the sandbox's change notice and sends each batch — a ``cluster.delta``
  with ``fromResourceVersion``/``resourceVersion``, or a snapshot when the history no longer
  reaches back — to the group ``sandbox.<id>``, paced like the hubs (``live/fanout.py``: at
  most one frame per ``BATCH_SECONDS``, the first after a quiet spell at once). Each process
  with watchers has ONE channel in that group, its hub's, which hands the frame to all its
  sockets and heals a gap (``group_send`` silently drops messages for full channels) with one
  catch-up. When the owning process has watchers too, its hub computes each frame once and
  hands it to the publisher (``publish``) before sending it to its own sockets.
* **REST facade.** ``ScaleOutMiddleware`` wraps the HTTP app: a ``/k8s/<key>/…`` request for
  a sandbox another process owns is forwarded whole (method, path, query string, headers,
  body) as the ``http`` command; the owner runs it through its own Django app — so the key is
  authorised again there — and streams the response back (start, then body chunks). Watches
  and ``logs -f`` are proxied the same way: the owner holds the watch and streams its lines.
  The owner stops a stream whose reader is gone when its reply channel fills up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from . import forwarding, ownership
from .runtime import LiveSandbox, runtime

logger = logging.getLogger(__name__)

REMOTE_WATCH_SECONDS = 10.0  # a remote watcher's interest lasts this long after its last snapshot call
HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"upgrade", b"te", b"trailer"}
STREAM_CHECK_SECONDS = 30.0

_publishers: dict[str, Publisher] = {}


class Publisher:
    """Publishes one owned sandbox's deltas to ``sandbox.<id>`` while remote watchers exist."""

    def __init__(self, live: LiveSandbox) -> None:
        self.live = live
        self.until = time.monotonic() + REMOTE_WATCH_SECONDS
        self.version = live.cluster.store.revision
        self.last_sent = float("-inf")
        self._sending = asyncio.Lock()
        self.task = asyncio.get_running_loop().create_task(self._run(), name=f"publish-{live.id}")

    async def _run(self) -> None:
        from kubelearn.live.fanout import PUMP_WAIT, LocalHub, hub_for, pace

        self.live.watch()  # the housekeeper ticks it and never evicts it while remote clients look
        try:
            while time.monotonic() < self.until and runtime().get(self.live.id) is self.live:
                hub = hub_for(self.live.id)
                if isinstance(hub, LocalHub) and hub.live is self.live and not hub.closing:
                    await self.live.wait_for_change(PUMP_WAIT)  # this process's hub hands us its frames
                    continue
                await pace(self.live, self.version, self.last_sent)
                if self.live.cluster.store.revision != self.version:  # not a timeout, not sent by the hub
                    await self.publish()
        except Exception:
            logger.exception("publishing sandbox %s failed", self.live.id)
        finally:
            self.live.unwatch()
            if _publishers.get(self.live.id) is self:
                del _publishers[self.live.id]

    async def publish(self, message: dict[str, Any] | None = None) -> None:
        """Send the next frame: ``message`` if it continues from the last one sent, else a fresh catch-up."""
        from kubelearn.live import protocol
        from kubelearn.live.fanout import catch_up
        from kubelearn.live.groups import sandbox_group

        async with self._sending:  # frames leave in order, each continuing the one before
            if message is not None:
                if message["type"] == protocol.DELTA:
                    follows = message["fromResourceVersion"] == self.version
                else:  # a snapshot: anything but a repeat of the last one
                    follows = message["resourceVersion"] != self.version
                if not follows:
                    message = None  # sent already, or not the next one: look for ourselves
            if message is None:
                message = await catch_up(self.live, self.version)
                if message is None:
                    return
            self.version, self.last_sent = message["resourceVersion"], asyncio.get_running_loop().time()
            await get_channel_layer().group_send(
                sandbox_group(self.live.id), {"type": "sandbox.delta", "message": message}
            )


async def publish(live: LiveSandbox, message: dict[str, Any]) -> None:
    """The owner's hub made a frame: send it to the other processes first (one catch-up for both).

    Remote watchers are the long way round (Redis, then their process's own sends), so they go
    before this process's sockets. Nothing happens unless a remote hub keeps a publisher alive.
    """
    publisher = _publishers.get(live.id)
    if publisher is None or publisher.live is not live or publisher.task.done():
        return
    try:
        await publisher.publish(message)
    except Exception:  # Redis trouble must not stop the local sockets' frames
        logger.exception("publishing sandbox %s failed", live.id)


def remote_watcher(live: LiveSandbox) -> None:
    """Another process has watchers on this (owned) sandbox: publish its deltas for a while."""
    publisher = _publishers.get(live.id)
    if publisher is None or publisher.task.done() or publisher.live is not live:
        _publishers[live.id] = Publisher(live)
    else:
        publisher.until = time.monotonic() + REMOTE_WATCH_SECONDS


# --- the REST facade across processes ----------------------------------------------------

_http_app: Any = None


def locate_key(key: str) -> tuple[str, str] | None:
    """(sandbox id, owner) when another process owns the key's sandbox; None to serve it here."""
    resolver = runtime().key_resolver
    sandbox_id = resolver(key) if resolver is not None else None
    if sandbox_id is None:
        return None
    owner = runtime().owner_elsewhere(sandbox_id)
    return (sandbox_id, owner) if owner else None


class ScaleOutMiddleware:
    """ASGI wrapper: start the command listener; forward facade requests to the sandbox's owner."""

    def __init__(self, app: Any, http_app: Any) -> None:
        global _http_app
        self.app = app
        _http_app = http_app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not ownership.enabled() or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        forwarding.ensure_listening()
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/k8s/") and not scope.get("kubelearn.forwarded"):
            key = path.split("/")[2]
            located = await database_sync_to_async(locate_key)(key) if key else None
            if located is not None:
                await proxy_http(located[0], located[1], scope, receive, send)
                return
        await self.app(scope, receive, send)


async def proxy_http(sandbox_id: str, owner: str, scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = [[k, v] for k, v in scope.get("headers", []) if k.lower() not in HOP_BY_HOP]
    command = {
        "command": "http",
        "sandbox": sandbox_id,
        "method": scope["method"],
        "path": scope["path"],
        "query_string": scope.get("query_string", b""),
        "headers": headers,
        "body": body,
    }
    try:
        answer, reply = await forwarding.request(owner, command)
    except forwarding.ForwardError as exc:
        await _plain(send, 503, f"the sandbox's server process did not answer: {exc}")
        return
    if answer.get("kind") != "start":
        await _plain(send, 503, str(answer.get("error", "bad reply")))
        return
    await send({"type": "http.response.start", "status": answer["status"], "headers": answer["headers"]})
    more = True
    while more:
        try:
            chunk = await forwarding.receive(reply, STREAM_CHECK_SECONDS)
        except forwarding.ForwardError:
            holder = await sync_to_async(ownership.owner_of)(sandbox_id)
            if holder == owner:
                continue  # a quiet watch: the owner is alive, keep waiting
            chunk = {"body": b"", "more": False}
        more = bool(chunk.get("more"))
        await send({"type": "http.response.body", "body": chunk.get("body", b""), "more_body": more})


async def _plain(send: Any, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [[b"content-type", b"text/plain"]]})
    await send({"type": "http.response.body", "body": text.encode()})


@forwarding.handler("http")
async def serve_forwarded_http(message: dict[str, Any]) -> None:
    """Owner side: run the request through this process's Django app, stream the reply back."""
    reply, layer = message["reply"], get_channel_layer()
    if _http_app is None:
        await layer.send(reply, {"type": "forward.reply", "error": "no HTTP application here"})
        return
    path = str(message["path"])
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": str(message["method"]),
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": bytes(message.get("query_string", b"")),
        "root_path": "",
        "headers": [(bytes(k), bytes(v)) for k, v in message.get("headers", [])],
        "client": ("127.0.0.1", 0),
        "server": ("forwarded", 80),
        "kubelearn.forwarded": True,
    }
    body, gone = bytes(message.get("body", b"")), asyncio.Event()
    sent_body = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(event: dict[str, Any]) -> None:
        if gone.is_set():
            raise OSError("the forwarding process went away")
        if event["type"] == "http.response.start":
            out = {"kind": "start", "status": event["status"], "headers": [list(h) for h in event.get("headers", [])]}
        elif event["type"] == "http.response.body":
            out = {"kind": "body", "body": event.get("body", b""), "more": bool(event.get("more_body"))}
        else:
            return
        try:
            await layer.send(reply, {"type": "forward.reply", **out})
        except Exception:  # ChannelFull: nobody reads the stream any more
            gone.set()
            raise

    with contextlib.suppress(OSError, asyncio.CancelledError):
        await _http_app(scope, receive, send)
