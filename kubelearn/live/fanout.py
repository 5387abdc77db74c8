"""One hub per sandbox per process: each frame is computed and encoded once, then sent to every watcher.

A class projecting one sandbox to 300 browsers used to compute and JSON-encode every change
300 times, and to relay each of the owner's frames through the channel layer once per socket.
Now every ``SandboxConsumer`` (a *watcher*) joins its process's hub for the sandbox:

* **Frames.** The hub coalesces changes into at most one frame per ``BATCH_SECONDS`` (the
  first change after a quiet spell goes out at once), computes it with one
  ``protocol.catch_up`` and one ``json.dumps``, and hands the same text to each watcher whose
  client is exactly at the frame's ``fromResourceVersion``. The versions number the frames: a
  watcher anywhere else (it resumed, or a frame passed it while it was busy) gets its own
  catch-up, a delta or a snapshot, as before. A snapshot frame fits every watcher.
* **Owner or relay.** In the process that owns the sandbox (a ``LocalHub``) the frames come
  from the store. Elsewhere (a ``RemoteHub``) they come from the owner's publisher
  (``sandboxes/relay.py``) through the group ``sandbox.<id>``, which the hub joins with ONE
  channel of its own, so the owner's ``group_send`` reaches one channel per process, not one
  per socket. A frame that does not continue the hub's version (``group_send`` drops messages
  for a full channel) is healed with one forwarded catch-up for everyone; every
  ``REMOTE_TOUCH`` seconds the hub asks anyway, which keeps the owner's publisher alive.
* **Service restart.** When the owner stops answering, or this process drops its own copy
  (``live.dropped``: handed over, deleted, lease lost), every watcher is closed with
  ``SERVICE_RESTART`` and the browsers reconnect, to wherever the sandbox lives now.
* **Sending.** Daphne's send is a synchronous write into Twisted's transport buffer, so one
  slow client never holds up the others and sending in turn is enough; every ``SEND_BURST``
  sends the hub yields, so the reactor puts the first sockets' bytes on the wire while it goes
  on. A watcher busy with a catch-up of its own is skipped and looks at the hub's last frame
  when it is done.

A hub starts with its first watcher and is closed (its loops cancelled, the group left) when
the last one leaves. New snapshots are cached while the sandbox's version stands still, so a
class connecting at once costs one snapshot, not one each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from channels.layers import get_channel_layer

from kubelearn.live import protocol
from kubelearn.live.groups import sandbox_group
from kubelearn.sandboxes import forwarding, relay
from kubelearn.sandboxes.runtime import LiveSandbox

logger = logging.getLogger(__name__)

BATCH_SECONDS = 0.25  # at most four frames a second per sandbox
PUMP_WAIT = 1.0  # look at the store at least this often, even without a change notice
REMOTE_TOUCH = 3.0  # a relay hub asks the owner to catch it up this often (keeps the publisher alive)
LOCK_FIRST_RETRY, LOCK_RETRY = 0.0005, 0.01
CATCH_UP_ROUNDS = 4  # a watcher chasing a fast stream gives up here; the next frame retries
GROUP_REFRESH = 3600.0  # re-join the group well before channels_redis' group_expiry (a day) forgets us
# RFC 6455's 1012 "service restart", moved into the application range: daphne (autobahn) sends
# only 1000 or 3000-4999 and raises on 1012 instead of closing. Browsers reconnect on any code.
SERVICE_RESTART = 4012
SEND_BURST = 16  # sends between two yields to the loop, so the first sockets' bytes leave early


class Watcher(Protocol):
    """What a hub needs of a consumer: the version its client holds, a send lock, send and close."""

    version: int | None
    sending: asyncio.Lock

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None: ...

    async def close(self, code: int | None = None, reason: str | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class Frame:
    """An encoded message: a delta from ``since`` (None for a snapshot) to ``version``."""

    since: int | None
    version: int
    text: str


def encode(message: protocol.SnapshotMessage | protocol.DeltaMessage) -> Frame:
    """The one ``json.dumps`` of a message, whoever it is for."""
    since = message.get("fromResourceVersion") if message["type"] == protocol.DELTA else None
    return Frame(since, message["resourceVersion"], json.dumps(message, separators=(",", ":")))


async def catch_up(live: LiveSandbox, version: int | None) -> protocol.SnapshotMessage | protocol.DeltaMessage | None:
    """``protocol.catch_up`` from the event loop: the sandbox lock is tried, never waited on.

    A change notice arrives while the request that made the change still holds the lock, so
    the retries start short (half a millisecond) and back off to ``LOCK_RETRY``: a fixed
    10 ms nap here was most of a frame's delay.
    """
    pause = LOCK_FIRST_RETRY
    while not live.lock.acquire(blocking=False):  # a threading lock has no awaitable: try, nap, retry
        await asyncio.sleep(pause)
        pause = min(pause * 2, LOCK_RETRY)
    try:
        return protocol.catch_up(live.cluster.store, version)
    finally:
        live.lock.release()


async def pace(live: LiveSandbox, version: int | None, last_sent: float) -> None:
    """Wait for a change after ``version`` (or ``PUMP_WAIT``), then until ``BATCH_SECONDS`` after the last frame."""
    await live.wait_for_change(PUMP_WAIT, since=version)
    loop = asyncio.get_running_loop()
    pause = last_sent + BATCH_SECONDS - loop.time()
    if pause > 0:
        await asyncio.sleep(pause)


class Hub:
    """The watchers of one sandbox in this process, and the frames they share."""

    def __init__(self, sandbox_id: str) -> None:
        self.sandbox_id = sandbox_id
        self.group = sandbox_group(sandbox_id)
        self.watchers: set[Watcher] = set()
        self.version: int | None = None  # of the last frame
        self.last: Frame | None = None
        self.loop = asyncio.get_running_loop()
        self.channel: str | None = None
        self.snapshot: Frame | None = None  # cached; see fresh_snapshot()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing: asyncio.Future[None] | None = None
        self.ready = self._spawn(self._start())

    # --- life -----------------------------------------------------------------------

    def serves(self, live: LiveSandbox | None, owner: str | None) -> bool:
        raise NotImplementedError

    async def _begin(self) -> None:
        """Set the starting version (and whatever else) before the loops run."""

    async def _run(self) -> None:
        raise NotImplementedError

    async def _on_event(self, event: dict[str, Any]) -> None:
        """A message on the hub's channel (group ``sandbox.<id>``)."""

    async def _start(self) -> None:
        layer = get_channel_layer()
        try:
            self.channel = await layer.new_channel()
            await layer.group_add(self.group, self.channel)
            await self._begin()
        except BaseException:
            _forget(self)
            raise
        self._spawn(self._listen())
        self._spawn(self._supervise())

    async def _supervise(self) -> None:
        """Run the frame loop; if it ever fails, close every watcher (service restart) so browsers start afresh."""
        try:
            await self._run()
        except Exception:
            logger.exception("hub %s failed", self.sandbox_id)
            await self._abandon()

    async def _listen(self) -> None:
        layer = get_channel_layer()
        assert self.channel is not None
        while True:
            try:
                event = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub %s: receive failed", self.sandbox_id)
                await asyncio.sleep(1.0)
                continue
            await self._on_event(event)

    @property
    def closing(self) -> bool:
        return self._closing is not None

    async def close(self) -> None:
        """Cancel the loops and leave the group (idempotent; safe from inside a loop)."""
        if self._closing is None:
            _forget(self)
            self._closing = asyncio.ensure_future(self._shut_down())
        await asyncio.shield(self._closing)

    async def _shut_down(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.channel is not None:
            with contextlib.suppress(Exception):
                await get_channel_layer().group_discard(self.group, self.channel)

    async def _abandon(self) -> None:
        """The owner is gone: close every watcher with ``SERVICE_RESTART`` (browsers reconnect) and stop."""
        _forget(self)
        for watcher in list(self.watchers):
            with contextlib.suppress(Exception):
                await watcher.close(code=SERVICE_RESTART)
        await self.close()

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- watchers -------------------------------------------------------------------

    async def add(self, watcher: Watcher) -> bool:
        """Serve ``watcher`` (its snapshot now, the shared frames after); False when it was closed (service restart)."""
        self.watchers.add(watcher)
        try:
            try:
                await asyncio.shield(self.ready)
            except Exception as exc:
                return await self._refuse(watcher, repr(exc))
            return await self.catch_up(watcher)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # the consumer itself is being cancelled
                await self.remove(watcher)
                raise
            return await self._refuse(watcher, "the hub was closed while starting")

    async def _refuse(self, watcher: Watcher, why: str) -> bool:
        logger.info("hub %s did not start: %s", self.sandbox_id, why)
        await self.remove(watcher)
        await watcher.close(code=SERVICE_RESTART)
        return False

    async def remove(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)
        if not self.watchers:
            await self.close()

    async def catch_up(self, watcher: Watcher, resume: bool = False, version: int | None = None) -> bool:
        """Send ``watcher`` what its client needs (from ``version`` when resuming); False when closed."""
        async with watcher.sending:  # one answer at a time, so frames chain
            if resume:
                watcher.version = version
            for _ in range(CATCH_UP_ROUNDS):
                try:
                    frame = await self._answer(watcher.version)
                except forwarding.ForwardError:
                    await watcher.close(code=SERVICE_RESTART)
                    return False
                if frame is not None and frame.version != watcher.version:
                    watcher.version = frame.version
                    await watcher.send(text_data=frame.text)
                # A frame broadcast meanwhile skipped this watcher: take it now if it fits.
                last = self.last
                if last is None or watcher.version is None or watcher.version >= last.version:
                    break
                if last.since == watcher.version:
                    watcher.version = last.version
                    await watcher.send(text_data=last.text)
                    break
        return True

    async def _answer(self, version: int | None) -> Frame | None:
        """What a watcher at ``version`` needs (None: nothing); may raise ``ForwardError``."""
        raise NotImplementedError

    async def broadcast(self, frame: Frame) -> None:
        """Send the frame to every watcher it fits; schedule a catch-up for those it does not."""
        self.version, self.last = frame.version, frame
        for count, watcher in enumerate(list(self.watchers), 1):
            if count % SEND_BURST == 0:
                await asyncio.sleep(0)  # let the reactor write the last burst out while we go on
            current = watcher.version
            if current is None or watcher.sending.locked() or current == frame.version:
                continue  # connecting or busy (its catch-up looks at self.last), or already there
            if frame.since is not None and frame.since != current:  # a delta that does not fit
                if current < frame.version:  # (a watcher ahead of it waits for the next one)
                    self._spawn(self.catch_up(watcher))
                continue
            try:
                async with watcher.sending:  # free, so this does not wait
                    watcher.version = frame.version
                    await watcher.send(text_data=frame.text)
            except Exception:
                logger.exception("hub %s: a send failed", self.sandbox_id)


class LocalHub(Hub):
    """This process owns the sandbox: frames come from its store, paced by its change notices."""

    def __init__(self, sandbox_id: str, live: LiveSandbox) -> None:
        self.live = live
        super().__init__(sandbox_id)

    def serves(self, live: LiveSandbox | None, owner: str | None) -> bool:
        return live is self.live and not live.dropped

    async def _begin(self) -> None:
        self.version = self.live.cluster.store.revision

    async def _run(self) -> None:
        last_sent = float("-inf")
        while True:
            await pace(self.live, self.version, last_sent)
            if self.live.dropped:  # handed over, deleted or its lease lost: this copy is stale
                await self._abandon()
                return
            if self.live.cluster.store.revision == self.version:
                continue  # a timeout: nothing new
            message = await catch_up(self.live, self.version)
            if message is not None:
                last_sent = self.loop.time()
                # Remote hubs first: theirs is the long way, and group_send's four Redis round trips
                # would otherwise each wait for a burst of our sends to finish.
                await relay.publish(self.live, message)
                await self.broadcast(encode(message))

    async def _answer(self, version: int | None) -> Frame | None:
        if version is None:
            return await self.fresh_snapshot()
        message = await catch_up(self.live, version)
        return encode(message) if message is not None else None

    async def fresh_snapshot(self) -> Frame:
        """A snapshot at the store's revision; encoded once while the revision stands still."""
        cached = self.snapshot
        if cached is not None and cached.version == self.live.cluster.store.revision:
            return cached
        message = await catch_up(self.live, None)
        self.snapshot = encode(message)
        return self.snapshot


class RemoteHub(Hub):
    """Another process owns the sandbox: relay its publisher's frames, heal gaps, keep it publishing."""

    def __init__(self, sandbox_id: str, owner: str) -> None:
        self.owner = owner
        self._relaying = asyncio.Lock()
        self._snapshotting: asyncio.Future[Frame] | None = None
        super().__init__(sandbox_id)

    def serves(self, live: LiveSandbox | None, owner: str | None) -> bool:
        return live is None and owner == self.owner

    async def _call(self, version: int | None) -> Any:
        grant = forwarding.grant(self.sandbox_id, "watch")  # each watcher passed may_watch before joining
        return await forwarding.call(self.owner, "snapshot", self.sandbox_id, grant, version=version)

    async def _begin(self) -> None:
        self.snapshot = encode(await self._call(None))  # joined first: no frame after it is missed
        self.version = self.snapshot.version

    async def _run(self) -> None:
        joined = time.monotonic()
        while True:
            await asyncio.sleep(REMOTE_TOUCH)
            try:
                message = await self._call(self.version)
            except forwarding.ForwardError:
                await self._abandon()
                return
            if message is not None:
                await self._relay(message)
            if time.monotonic() - joined > GROUP_REFRESH and self.channel is not None:
                await get_channel_layer().group_add(self.group, self.channel)
                joined = time.monotonic()

    async def _on_event(self, event: dict[str, Any]) -> None:
        message = event.get("message")
        if event.get("type") == "sandbox.delta" and isinstance(message, dict):
            await self._relay(message)

    async def _relay(self, message: dict[str, Any]) -> None:
        """One frame from the owner: broadcast it if it continues the hub's version, else heal the gap."""
        async with self._relaying:
            version = message.get("resourceVersion")
            if not isinstance(version, int) or (self.version is not None and version <= self.version):
                return
            if message.get("type") == protocol.DELTA and message.get("fromResourceVersion") != self.version:
                try:
                    message = await self._call(self.version)  # one catch-up for every watcher
                except forwarding.ForwardError:
                    await self._abandon()
                    return
                if message is None or message["resourceVersion"] <= (self.version or 0):
                    return
            await self.broadcast(encode(message))

    async def _answer(self, version: int | None) -> Frame | None:
        if version is None:
            return await self.fresh_snapshot()
        message = await self._call(version)
        return encode(message) if message is not None else None

    async def fresh_snapshot(self) -> Frame:
        """The cached snapshot while no frame has passed it, else one shared forwarded call."""
        cached = self.snapshot
        if cached is not None and cached.version == self.version:
            return cached
        if self._snapshotting is None or self._snapshotting.done():
            self._snapshotting = self._spawn(self._take_snapshot())
        return await asyncio.shield(self._snapshotting)

    async def _take_snapshot(self) -> Frame:
        self.snapshot = encode(await self._call(None))
        return self.snapshot


# --- the registry: one hub per sandbox in this process ------------------------------------

_hubs: dict[str, Hub] = {}


def hub_for(sandbox_id: str) -> Hub | None:
    """This process's current hub for the sandbox, if any watcher is connected."""
    return _hubs.get(sandbox_id)


def _forget(hub: Hub) -> None:
    if _hubs.get(hub.sandbox_id) is hub:
        del _hubs[hub.sandbox_id]


async def join(watcher: Watcher, sandbox_id: str, live: LiveSandbox | None, owner: str | None) -> Hub | None:
    """Add ``watcher`` to the sandbox's hub (made on first use); None when it was closed (service restart).

    Pass the live sandbox when this process owns it, else the owner's process id.
    """
    hub = _hubs.get(sandbox_id)
    loop = asyncio.get_running_loop()
    if hub is None or hub.closing or hub.loop is not loop or not hub.serves(live, owner):
        if live is not None:
            hub = LocalHub(sandbox_id, live)
        else:
            assert owner is not None
            hub = RemoteHub(sandbox_id, owner)
        _hubs[sandbox_id] = hub
    return hub if await hub.add(watcher) else None
