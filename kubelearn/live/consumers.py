"""WebSocket consumers: translate a live sandbox into snapshot + delta messages (``protocol.py``).

``SandboxConsumer`` serves ``/ws/sandbox/<id>/?token=<watch token>``. The watch token, or
the session (or account) that owns the sandbox, admits a watcher; anyone else is refused
before the handshake completes. On connect it joins ``sandbox.<id>`` and sends one
``cluster.snapshot``; a small pump then waits for the sandbox's change notice (or a
one-second timeout) and sends what happened since as one ``cluster.delta``, at most one per
``BATCH_SECONDS``. ``{"type": "resume", "resourceVersion": N}`` replays from N (or sends a
fresh snapshot when N is too old). No simulation happens here: the housekeeper thread ticks
watched sandboxes, and the lock is only ever tried, never waited on, from the event loop.

With Redis, the sandbox may live in another process (``kubelearn/sandboxes/ownership.py``).
Then the consumer is a relay: the snapshot (and every resume) comes from the owner as a
forwarded ``snapshot`` command, and the owner's deltas arrive through the group
``sandbox.<id>`` (``sandbox.delta``); one that does not continue exactly at the client's
version is replaced by a catch-up from the owner. Every ``REMOTE_TOUCH`` seconds the relay
asks the owner to catch it up anyway (keeping the owner's publisher alive and healing any
frame ``group_send`` dropped). When the owner stops answering (it died; its lease expires)
the socket closes with 1012 "service restart" and the browser reconnects, to a process that
restores the sandbox from its snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kubelearn.live import protocol, ratelimit
from kubelearn.live.groups import sandbox_group
from kubelearn.sandboxes import forwarding, housekeeper
from kubelearn.sandboxes.provision import may_watch
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

BATCH_SECONDS = 0.25  # at most one delta per tick
PUMP_WAIT = 1.0  # look at the store at least this often, even without a change notice
LOCK_RETRY = 0.01
REFUSED = 4403
SERVICE_RESTART = 1012
REMOTE_TOUCH = 3.0


class SandboxConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    live: LiveSandbox | None = None
    pump: asyncio.Task[None] | None = None
    group: str | None = None
    owner: str | None = None  # another process owns the sandbox: relay mode

    async def connect(self) -> None:
        self.sandbox_id = self.scope["url_route"]["kwargs"]["sandbox_id"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        session, user = self.scope.get("session"), self.scope.get("user")
        if not await database_sync_to_async(may_watch)(self.sandbox_id, token, session, user):
            await self.close(code=REFUSED)
            return
        self.live = await database_sync_to_async(runtime().open)(self.sandbox_id)
        if self.live is None:
            self.owner = await database_sync_to_async(runtime().owner_elsewhere)(self.sandbox_id)
            if self.owner is None:  # the lease just became free: it is ours now
                self.live = await database_sync_to_async(runtime().open)(self.sandbox_id)
            if self.live is None and self.owner is None:
                await self.close(code=REFUSED)
                return
        self.version: int | None = None
        self.sending = asyncio.Lock()
        self.group = sandbox_group(self.sandbox_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        if self.owner is not None:
            self.grant = forwarding.grant(self.sandbox_id, "watch")  # checked by may_watch above
            if await self.relay_catch_up():
                self.pump = asyncio.create_task(self._touch())
            return
        assert self.live is not None
        self.live.watch()
        housekeeper.ensure_started()
        await self.send_news()
        self.pump = asyncio.create_task(self._pump())

    async def disconnect(self, code: int) -> None:
        if self.pump is not None:
            self.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.pump
        if self.live is not None:
            self.live.unwatch()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

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
        if self.owner is not None:
            self.version = version
            await self.relay_catch_up()
            return
        await self.send_news(resume_from=version)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def sandbox_changed(self, event: dict[str, Any]) -> None:
        """Group message from another process's broadcaster: look for news now."""
        await self.send_news()

    async def sandbox_delta(self, event: dict[str, Any]) -> None:
        """The owner's delta batch (group ``sandbox.<id>``); local consumers read the store instead."""
        if self.owner is None or self.version is None:
            return
        message = event.get("message") or {}
        version = message.get("resourceVersion")
        if not isinstance(version, int) or version <= self.version:
            return
        if message.get("type") == protocol.DELTA and message.get("fromResourceVersion") == self.version:
            async with self.sending:
                self.version = version
                await self.send_json(message)
        else:  # a snapshot, or a gap (a dropped frame): ask the owner what this client needs
            await self.relay_catch_up()

    async def relay_catch_up(self) -> bool:
        """Ask the owner for what the client needs after ``self.version``; close when it is gone."""
        assert self.owner is not None
        async with self.sending:  # one answer at a time, so frames chain
            try:
                message = await forwarding.call(
                    self.owner, "snapshot", self.sandbox_id, self.grant, version=self.version
                )
            except forwarding.ForwardError:
                await self.close(code=SERVICE_RESTART)
                return False
            if message is not None and message["resourceVersion"] != self.version:
                self.version = message["resourceVersion"]
                await self.send_json(message)
            return True

    async def _touch(self) -> None:
        while True:
            await asyncio.sleep(REMOTE_TOUCH)
            if not await self.relay_catch_up():
                return

    async def send_news(self, resume_from: int | None = None) -> None:
        async with self.sending:
            if resume_from is not None:
                self.version = resume_from
            message = await self._collect()
            if message is not None:
                self.version = message["resourceVersion"]
                await self.send_json(message)

    async def _collect(self) -> protocol.SnapshotMessage | protocol.DeltaMessage | None:
        assert self.live is not None
        lock = self.live.lock
        # A request or a tick holds the threading lock: yield to the loop and retry.
        while not lock.acquire(blocking=False):  # noqa: ASYNC110 - a threading lock has no awaitable
            await asyncio.sleep(LOCK_RETRY)
        try:
            return protocol.catch_up(self.live.cluster.store, self.version)
        finally:
            lock.release()

    async def _pump(self) -> None:
        assert self.live is not None
        while True:
            await self.live.wait_for_change(PUMP_WAIT)
            await self.send_news()
            await asyncio.sleep(BATCH_SECONDS)
