"""WebSocket consumers: translate a live sandbox into snapshot + delta messages (``protocol.py``).

``SandboxConsumer`` serves ``/ws/sandbox/<id>/?token=<watch token>``. The watch token, or
the session (or account) that owns the sandbox, admits a watcher; anyone else is refused
before the handshake completes. On connect it joins ``sandbox.<id>`` and sends one
``cluster.snapshot``; a small pump then waits for the sandbox's change notice (or a
one-second timeout) and sends what happened since as one ``cluster.delta``, at most one per
``BATCH_SECONDS``. ``{"type": "resume", "resourceVersion": N}`` replays from N (or sends a
fresh snapshot when N is too old). No simulation happens here: the housekeeper thread ticks
watched sandboxes, and the lock is only ever tried, never waited on, from the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kubelearn.live import protocol
from kubelearn.live.groups import sandbox_group
from kubelearn.sandboxes import housekeeper
from kubelearn.sandboxes.provision import may_watch
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

BATCH_SECONDS = 0.25  # at most one delta per tick
PUMP_WAIT = 1.0  # look at the store at least this often, even without a change notice
LOCK_RETRY = 0.01
REFUSED = 4403


class SandboxConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    live: LiveSandbox | None = None
    pump: asyncio.Task[None] | None = None
    group: str | None = None

    async def connect(self) -> None:
        self.sandbox_id = self.scope["url_route"]["kwargs"]["sandbox_id"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        session, user = self.scope.get("session"), self.scope.get("user")
        if not await database_sync_to_async(may_watch)(self.sandbox_id, token, session, user):
            await self.close(code=REFUSED)
            return
        self.live = await database_sync_to_async(runtime().open)(self.sandbox_id)
        if self.live is None:
            await self.close(code=REFUSED)
            return
        self.version: int | None = None
        self.sending = asyncio.Lock()
        self.group = sandbox_group(self.sandbox_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
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

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        version = protocol.parse_resume(content)
        if version is None:
            await self.send_json(protocol.error('expected {"type": "resume", "resourceVersion": <int>}'))
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
