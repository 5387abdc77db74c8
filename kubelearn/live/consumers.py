"""WebSocket consumers: translate a live sandbox into snapshot + delta messages (``protocol.py``).

``SandboxConsumer`` serves ``/ws/sandbox/<id>/?token=<watch token>``. The watch token, or
the session (or account) that owns the sandbox, admits a watcher; anyone else is refused
before the handshake completes. Once accepted it joins this process's hub for the sandbox
(``fanout.py``), which sends it one ``cluster.snapshot`` and then the frames it shares with
every other watcher here: ``cluster.delta`` messages, computed and encoded once each, at most
four a second. ``{"type": "resume", "resourceVersion": N}`` replays from N (or sends a fresh
snapshot when N is too old). No simulation happens here: the housekeeper thread ticks watched
sandboxes, and the lock is only ever tried, never waited on, from the event loop.

With Redis, the sandbox may live in another process (``kubelearn/sandboxes/ownership.py``);
then the hub relays the owner's frames, and closes the socket with 4012 "service restart"
when the owner stops answering, so the browser reconnects to a process that restores the
sandbox from its snapshot. A consumer has no channel-layer channel of its own: the hub holds
the one subscription per process, so a class costs Redis nothing per socket.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kubelearn.live import fanout, protocol, ratelimit
from kubelearn.sandboxes import housekeeper
from kubelearn.sandboxes.provision import may_watch
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

REFUSED = 4403
SERVICE_RESTART = fanout.SERVICE_RESTART
# Not a configured alias: get_channel_layer() returns None, so Channels gives the socket no
# channel and no receive loop of its own (the hub has the process's one).
NO_CHANNEL_LAYER = "kubelearn.live.no-channel-per-socket"


def _admit(sandbox_id: str, token: str, session: Any, user: Any) -> tuple[LiveSandbox | None, str | None] | None:
    """None to refuse; else (the live sandbox when it is ours, else the owning process's id).

    One trip to the sync thread per connection, not three: a class connecting at once queues
    every check through that one thread, and daphne drops a handshake that waits more than five
    seconds. The owner is looked up first, so a relaying process asks Redis once per connection
    (one lease lookup, not two), and an owning one not at all. (A thread pool instead of the one
    thread joined no faster and cost about 18 KiB per client in per-thread malloc arenas.)
    """
    if not may_watch(sandbox_id, token, session, user):
        return None
    owner = runtime().owner_elsewhere(sandbox_id)
    if owner is not None:
        return None, owner
    live = runtime().open(sandbox_id)  # ours, or the lease was free and now is
    if live is None:  # another process claimed it in between
        owner = runtime().owner_elsewhere(sandbox_id)
    return None if live is None and owner is None else (live, owner)


class SandboxConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    channel_layer_alias = NO_CHANNEL_LAYER
    live: LiveSandbox | None = None
    hub: fanout.Hub | None = None
    version: int | None = None  # what the client holds; the hub keeps it current
    watching = False  # live.watch() was called

    async def connect(self) -> None:
        self.sandbox_id = self.scope["url_route"]["kwargs"]["sandbox_id"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        session, user = self.scope.get("session"), self.scope.get("user")
        admitted = await database_sync_to_async(_admit)(self.sandbox_id, token, session, user)
        if admitted is None:
            await self.close(code=REFUSED)
            return
        self.live, owner = admitted
        self.sending = asyncio.Lock()
        await self.accept()
        if self.live is not None:
            self.live.watch()
            self.watching = True
            housekeeper.ensure_started()
        try:
            self.hub = await fanout.join(self, self.sandbox_id, self.live, owner)  # None: closed (service restart)
        except asyncio.CancelledError:  # daphne gave up on the socket before connect() returned
            await self.disconnect(SERVICE_RESTART)
            raise

    async def disconnect(self, code: int) -> None:
        hub, self.hub = self.hub, None
        if hub is not None:
            await hub.remove(self)
        if self.live is not None and self.watching:
            self.watching = False
            self.live.unwatch()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Size cap and token bucket (``ratelimit.py``) before any message is decoded."""
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > ratelimit.MAX_MESSAGE_BYTES:
            await self.close(code=ratelimit.CLOSE_TOO_BIG)
            return
        bucket = self.__dict__.setdefault("bucket", ratelimit.TokenBucket())
        if not bucket.take():
            if bucket.flooding:
                await self.close(code=ratelimit.CLOSE_POLICY)
            elif bucket.refused == 1 or bucket.refused % 5 == 0:
                await self.send_json(protocol.error("rate limit: too many messages, slow down"))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        version = protocol.parse_resume(content)
        if version is None:
            await self.send_json(protocol.error('expected {"type": "resume", "resourceVersion": <int>}'))
            return
        if self.hub is not None:
            await self.hub.catch_up(self, resume=True, version=version)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None
