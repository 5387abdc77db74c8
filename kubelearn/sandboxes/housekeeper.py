"""The per-process housekeeper: real-time ticking, throttled snapshot writes, idle eviction.

One daemon thread per server process, started lazily when the first sandbox goes live.
Every ``TICK_SECONDS`` (or at once when a sandbox changes) it

1. advances every *watched* sandbox to the wall clock (``LiveSandbox.advance``), so pods
   start, probes pass and the browser animates without any request (the simulation runs in
   this thread, never inside the event loop; ``changed()`` wakes the consumers);
2. writes due snapshots (``persistence.save_due``);
3. every ``EVICT_EVERY_SECONDS``, flushes and drops idle sandboxes;
4. with Redis, every third of ``SANDBOX_LEASE_SECONDS``, renews this process's ownership
   leases (``ownership.py``) and drops sandboxes whose lease another process took.

A thread rather than an asyncio task because the REST facade must persist and tick even when
no WebSocket is open, and a step of simulation should not stall the event loop. Setting
``SANDBOX_HOUSEKEEPER = False`` (the test suites do) keeps it from starting and idles a
running one; tests call ``run_once()`` themselves.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

from .runtime import runtime

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.25
EVICT_EVERY_SECONDS = 30.0

_wake = threading.Event()
_thread: threading.Thread | None = None
_start_lock = threading.Lock()
_exit_hooks: list[Callable[[], object]] = []


def enabled() -> bool:
    return bool(getattr(settings, "SANDBOX_HOUSEKEEPER", True))


def wake() -> None:
    """A sandbox changed: save it soon (the thread applies the throttle)."""
    _wake.set()


def started() -> bool:
    return _thread is not None and _thread.is_alive()


def ensure_started() -> None:
    global _thread
    if not enabled() or started():
        return
    with _start_lock:
        if not started():
            _thread = threading.Thread(target=_loop, name="sandbox-housekeeper", daemon=True)
            _thread.start()


def tick_watched(now: float | None = None) -> int:
    """Advance every watched, running sandbox to ``now``; returns how many were advanced."""
    count = 0
    for live in runtime().live():
        if live.watchers and not live.paused:
            with live.lock:
                live.advance(now)
            count += 1
    return count


_last_renewal = 0.0


def renew_due(now: float) -> None:
    global _last_renewal
    from . import ownership, persistence

    if ownership.enabled() and now - _last_renewal >= ownership.lease_seconds() / 3:
        _last_renewal = now
        persistence.renew_leases()


def run_once(now: float | None = None, last_eviction: float = 0.0) -> float:
    """One round of housekeeping; returns the time of the last eviction pass."""
    from . import persistence  # persistence imports this module

    now = time.monotonic() if now is None else now
    renew_due(now)
    tick_watched(now)
    persistence.save_due(now)
    if now - last_eviction >= EVICT_EVERY_SECONDS:
        persistence.evict_idle(now)
        last_eviction = now
    return last_eviction


def _loop() -> None:
    last_eviction = time.monotonic()
    while True:
        _wake.wait(TICK_SECONDS)
        _wake.clear()
        if not enabled():
            continue
        try:
            last_eviction = run_once(last_eviction=last_eviction)
        except Exception:
            logger.exception("sandbox housekeeping failed")
        finally:
            close_old_connections()


def on_exit(hook: Callable[[], object]) -> None:
    """Run ``hook`` when a process that started the housekeeper exits cleanly (flush_all)."""
    _exit_hooks.append(hook)


@atexit.register
def _at_exit() -> None:
    if not started():
        return  # only server processes hold sandboxes worth flushing
    for hook in _exit_hooks:
        try:
            hook()
        except Exception:
            logger.exception("flushing sandboxes at exit failed")
