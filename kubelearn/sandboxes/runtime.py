"""The sandbox runtime: the live clusters this process holds, advanced in real time.

A sandbox is one mini cluster with an id, an owner and a secret access key. This module
keeps the live ``Cluster`` objects of one server process, advances each one's simulated
clock by the wall time that passed (times its speed, unless paused) whenever someone looks
at it, and tells waiting watchers when it changed. Persistence (snapshots in the database,
``persistence.py``) hangs off ``changed()`` through ``on_change``; the housekeeper thread
(``housekeeper.py``) ticks watched sandboxes, writes snapshots and evicts idle ones.

Interface used by the REST facade and the WebSocket consumers::

    sandbox = runtime().open_by_key(access_key)      # None: unknown key (401)
    with sandbox.lock:
        sandbox.advance()
        ... sandbox.cluster.api.create(...) ...
        sandbox.changed()

    sandbox.watch() / sandbox.unwatch()               # a streaming watcher follows it
    await sandbox.wait_for_change(timeout)           # from async code, without the lock

A ``LiveSandbox`` object stops being this process's copy when it is dropped: evicted, deleted,
its lease lost, or handed over to another process (``hand_over``, used by
``forwarding.take_over``). Then ``dropped`` is set, everyone waiting in ``wait_for_change``
wakes up at once, and the ``runtime().on_drop`` callbacks run. Whoever keeps a reference (a
WebSocket consumer, a page request) must check ``live.dropped`` (or ``runtime().get(id) is
not live``) after waking or taking the lock, and stop using the object: writes to it are lost.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kubelearn.cluster import Cluster

# A simulation step larger than this is split, so a sandbox woken after an hour catches up
# in bounded chunks instead of one giant step.
MAX_CATCH_UP_SECONDS = 600.0
MIN_SPEED, MAX_SPEED = 0.25, 4.0


@dataclass(eq=False)
class LiveSandbox:
    id: str
    cluster: Cluster
    speed: float = 1.0
    paused: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    last_wall: float = field(default_factory=time.monotonic)
    last_used: float = field(default_factory=time.monotonic)
    dirty: bool = False
    # Persistence bookkeeping (persistence.py): when the last snapshot was taken, and a lock
    # that keeps concurrent saves of this sandbox in order.
    last_saved: float = 0.0
    save_lock: threading.Lock = field(default_factory=threading.Lock)
    # Snapshots are numbered when taken; a write older than the last one written is skipped
    # (``write_lock`` is always the innermost lock, so a save may run with ``lock`` held).
    snapshot_seq: int = 0
    written_seq: int = 0
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # WebSocket consumers and facade watches currently following this sandbox: the ticker
    # advances watched sandboxes, and eviction skips them.
    watchers: int = 0
    _waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=list)
    _waiters_lock: threading.Lock = field(default_factory=threading.Lock)
    on_change: list[Callable[[LiveSandbox], None]] = field(default_factory=list)
    # Called by ``changed()`` only (a write someone will acknowledge), not by ticks: with
    # durable writes on, persistence saves the snapshot here, before the answer is sent.
    on_commit: list[Callable[[LiveSandbox], None]] = field(default_factory=list)
    # Set once the runtime forgot this object (see the module docstring); never cleared.
    dropped: bool = False

    def advance(self, now: float | None = None) -> None:
        """Bring simulated time up to the wall clock (call with ``lock`` held)."""
        now = time.monotonic() if now is None else now
        elapsed = max(0.0, now - self.last_wall)
        self.last_wall = now
        self.last_used = now
        if self.paused or elapsed <= 0:
            return
        revision = self.cluster.store.revision
        self.cluster.step(min(elapsed * self.speed, MAX_CATCH_UP_SECONDS))
        if self.cluster.store.revision != revision:
            self._notify()

    def changed(self) -> None:
        """A request changed the store (call with ``lock`` held, before answering it).

        Commit hooks run first (with durable writes, the snapshot is in the database before
        the caller acknowledges the write), then everyone waiting for news is woken.
        """
        self.dirty = True
        for callback in list(self.on_commit):
            callback(self)  # a durable save clears ``dirty``: the housekeeper need not write it again
        self._announce()

    def _notify(self) -> None:
        """The store changed (a request or simulated time): persist later, wake the waiters."""
        self.dirty = True
        self._announce()

    def _announce(self) -> None:
        for callback in list(self.on_change):
            callback(self)
        self._wake_waiters()

    def mark_dropped(self) -> None:
        """The runtime forgot this object: flag it and wake its waiters so they notice now."""
        self.dropped = True
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        with self._waiters_lock:
            waiters, self._waiters = self._waiters, []
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)

    def watch(self) -> None:
        """Someone started following this sandbox (tick it in real time, never evict it)."""
        with self._waiters_lock:
            self.watchers += 1

    def unwatch(self) -> None:
        with self._waiters_lock:
            self.watchers = max(0, self.watchers - 1)

    def set_speed(self, speed: float | None = None, paused: bool | None = None) -> None:
        """Change speed (clamped to 0.25–4) or pause; time so far is simulated at the old rate."""
        with self.lock:
            self.advance()
            if speed is not None:
                self.speed = min(MAX_SPEED, max(MIN_SPEED, float(speed)))
            if paused is not None:
                self.paused = bool(paused)

    async def wait_for_change(self, timeout: float, since: int | None = None) -> bool:  # noqa: ASYNC109 - the facade's interface
        """Wait (without the lock) until ``changed()`` is called or ``timeout`` passes.

        With ``since`` (the revision the caller last saw), return at once when the store is
        already past it: checked after registering, so a change that landed while the caller
        was busy sending is not missed until the timeout.
        """
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        with self._waiters_lock:
            self._waiters.append((loop, event))
        try:
            if since is not None and self.cluster.store.revision != since:
                return True
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._waiters_lock:
                self._waiters = [w for w in self._waiters if w[1] is not event]


class SandboxRuntime:
    """The live sandboxes of this process, by id; loading and saving is delegated to ``store``."""

    def __init__(self) -> None:
        self._live: dict[str, LiveSandbox] = {}
        self._lock = threading.RLock()
        # Hooks the persistence layer installs: load(id) -> LiveSandbox | None, key_to_id(key) -> id | None.
        self.loader: Callable[[str], LiveSandbox | None] | None = None
        self.key_resolver: Callable[[str], str | None] | None = None
        # Installed with Redis (ownership.py): claim(id) -> None when this process holds the
        # sandbox's lease (acquiring it if free), else the owning process's id.
        self.claim: Callable[[str], str | None] | None = None
        # Called (from whichever thread dropped it, without the runtime lock) with every
        # sandbox this process forgets; asyncio code must hop back with call_soon_threadsafe.
        self.on_drop: list[Callable[[LiveSandbox], None]] = []

    def add(self, sandbox: LiveSandbox) -> LiveSandbox:
        with self._lock:
            previous = self._live.get(sandbox.id)
            self._live[sandbox.id] = sandbox
        if previous is not None and previous is not sandbox:
            self._dropped(previous)
        return sandbox

    def open(self, sandbox_id: str) -> LiveSandbox | None:
        """The live sandbox, restored from the database if needed (sync code only: may query).

        With several processes, only the lease holder restores it: None when another process
        owns the sandbox (``owner_elsewhere`` says which; forward to it, ``forwarding.py``).
        """
        with self._lock:
            live = self._live.get(sandbox_id)
            if live is None and self.claim is not None and self.claim(sandbox_id) is not None:
                return None
            if live is None and self.loader is not None:
                live = self.loader(sandbox_id)
                if live is not None:
                    self._live[sandbox_id] = live
            if live is not None:
                live.last_used = time.monotonic()  # eviction looks at this under the same lock
            return live

    def owner_elsewhere(self, sandbox_id: str) -> str | None:
        """The other process that owns this sandbox, or None when it is (or can be) ours."""
        if self.claim is None or self.get(sandbox_id) is not None:
            return None
        return self.claim(sandbox_id)

    def get(self, sandbox_id: str) -> LiveSandbox | None:
        """The sandbox if it is in memory (never loads: safe from the event loop)."""
        with self._lock:
            return self._live.get(sandbox_id)

    def open_by_key(self, access_key: str) -> LiveSandbox | None:
        if self.key_resolver is None:
            return None
        sandbox_id = self.key_resolver(access_key)
        return self.open(sandbox_id) if sandbox_id else None

    def drop(self, sandbox_id: str) -> None:
        with self._lock:
            live = self._live.pop(sandbox_id, None)
        if live is not None:
            self._dropped(live)

    def hand_over(
        self,
        sandbox_id: str,
        final_write: Callable[[LiveSandbox], object],
        release: Callable[[str], object],
    ) -> LiveSandbox | None:
        """Write the sandbox one last time, forget it and ``release(id)`` its lease.

        All under the runtime lock, so no ``open()`` here can reload the sandbox in between
        (a copy without a lease); ``final_write(live)`` also holds the sandbox's ``save_lock``
        and ``lock`` (the order ``evict_idle`` and ``persistence.save`` use), so no request
        changes it between that write and the drop. If either raises, nothing is dropped.
        Returns the dropped object, or None when the sandbox was not in memory (the lease is
        released all the same).
        """
        with self._lock:
            live = self._live.get(sandbox_id)
            if live is None:
                release(sandbox_id)
                return None
            with live.save_lock, live.lock:
                final_write(live)
                release(sandbox_id)
                del self._live[sandbox_id]
        self._dropped(live)
        return live

    def _dropped(self, live: LiveSandbox) -> None:
        live.mark_dropped()
        for callback in list(self.on_drop):
            callback(live)

    def evict_idle(
        self, idle_seconds: float, now: float, before_drop: Callable[[LiveSandbox], object] | None = None
    ) -> list[str]:
        """Drop sandboxes unused for ``idle_seconds`` and unwatched; ``before_drop`` saves them.

        Runs under the runtime lock, so an ``open()`` racing with eviction either touched the
        sandbox first (and keeps it) or loads it again after the save.
        """
        evicted: list[LiveSandbox] = []
        with self._lock:
            for sandbox_id, live in list(self._live.items()):
                if live.watchers or now - live.last_used < idle_seconds:
                    continue
                if before_drop is not None:
                    before_drop(live)
                del self._live[sandbox_id]
                evicted.append(live)
        for live in evicted:
            self._dropped(live)
        return [live.id for live in evicted]

    def live_ids(self) -> list[str]:
        with self._lock:
            return list(self._live)

    def live(self) -> list[LiveSandbox]:
        with self._lock:
            return list(self._live.values())


_RUNTIME = SandboxRuntime()


def runtime() -> SandboxRuntime:
    """This process's runtime (one per process: with Redis, each sandbox is owned by one process)."""
    return _RUNTIME
