"""Sandboxes survive restarts: snapshots of each store in the database, written after changes.

The runtime keeps live clusters in memory; this module is the bridge to ``Sandbox`` rows:

* ``load(id)`` (installed as ``runtime().loader``) restores a sandbox that is not in memory
  from its snapshot (``Cluster.restore``) on the next request; ``resolve_key(key)``
  (``runtime().key_resolver``) maps a kubeconfig access key to the sandbox id.
* ``changed()`` marks a sandbox dirty and wakes the housekeeper thread, which saves it
  throttled: the first change after a quiet spell is written at once (leading edge), later
  ones at most every ``SANDBOX_SAVE_SECONDS`` (default 1.0) per sandbox (trailing edge).
  That is the durability promise: a crash loses at most the last second of changes, and a
  clean shutdown (SIGTERM/SIGINT ends daphne normally) loses nothing, because an ``atexit``
  hook flushes everything. Callers that need a write *now* call ``flush(id)`` (sync) or
  ``await aflush(id)``.
* Durable writes (``SANDBOX_DURABLE_WRITES``, on by default when ``REDIS_URL`` is set): every
  write a request makes (``LiveSandbox.changed()``: the REST facade, forwarded commands, page
  actions) is saved before it is acknowledged, so a kill -9 of the owning process loses no
  acknowledged object; simulated time's own progress stays throttled. Snapshots are numbered
  when taken and an older one never overwrites a newer one.
* ``evict_idle()`` flushes and drops sandboxes nobody touched for ``SANDBOX_IDLE_SECONDS``
  (default 900) and nobody watches.

Simulated time does not pass while a sandbox is out of memory: it resumes where its last
snapshot stopped. DB writes happen only in sync code (the housekeeper thread, views,
``atexit``); async code uses ``aflush``.
"""

from __future__ import annotations

import logging
import time
import zlib

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from kubelearn.cluster import Cluster

from . import housekeeper, ownership, quotas, snapshots
from .models import Sandbox, key_digest
from .runtime import LiveSandbox, runtime
from .snapshots import EncodedJSON

logger = logging.getLogger(__name__)
# sha256(access key) -> (sandbox id, when this process last verified it against the row).
_KEY_CACHE: dict[str, tuple[str, float]] = {}
# How long a verified key is trusted for a sandbox held elsewhere: every forwarded kubectl call
# resolves its key, and a database read per call was a tenth of a relaying process's time
# (bench/soak.py). Keys never change; a deleted sandbox's key then finds no sandbox anyway.
KEY_CACHE_SECONDS = 60.0
KEY_CACHE_LIMIT = 20_000


def save_interval() -> float:
    return float(getattr(settings, "SANDBOX_SAVE_SECONDS", 1.0))


def idle_seconds() -> float:
    return float(getattr(settings, "SANDBOX_IDLE_SECONDS", 900))


def durable() -> bool:
    return bool(getattr(settings, "SANDBOX_DURABLE_WRITES", False))


def limits() -> quotas.Limits:
    return quotas.Limits(**getattr(settings, "SANDBOX_LIMITS", {}))


def attach(live: LiveSandbox) -> LiveSandbox:
    """Give a live sandbox its quotas and its persistence hook."""
    quotas.install(live.cluster, limits())
    if _on_change not in live.on_change:
        live.on_change.append(_on_change)
    if _on_commit not in live.on_commit:
        live.on_commit.append(_on_commit)
    housekeeper.ensure_started()
    return live


def _on_change(live: LiveSandbox) -> None:
    housekeeper.wake()


def _on_commit(live: LiveSandbox) -> None:
    """A request's write, about to be acknowledged (``lock`` held): save it now when durable."""
    if durable():
        save_held(live)


def load(sandbox_id: str) -> LiveSandbox | None:
    """The loader: rebuild a sandbox from its row (None if there is no such sandbox)."""
    row = Sandbox.objects.filter(pk=sandbox_id).first()
    if row is None:
        return None
    cluster = Cluster.restore(row.snapshot) if row.snapshot else Cluster(seed=zlib.crc32(row.id.encode()))
    live = LiveSandbox(row.id, cluster, speed=row.speed, paused=row.paused)
    live.last_saved = time.monotonic()
    _remember(row)
    return attach(live)


def resolve_key(access_key: str) -> str | None:
    """The key resolver: sandbox id for an access key, or None (the facade answers 401)."""
    cached = _KEY_CACHE.get(key_digest(access_key))
    if cached is not None:
        sandbox_id, verified = cached
        if runtime().get(sandbox_id) is not None or time.monotonic() - verified < KEY_CACHE_SECONDS:
            return sandbox_id  # the digest matched a key this process verified with compare_digest
    row = Sandbox.by_access_key(access_key)
    if row is None:
        return None
    _remember(row)
    return row.id


def _remember(row: Sandbox) -> None:
    if len(_KEY_CACHE) >= KEY_CACHE_LIMIT:
        _KEY_CACHE.clear()  # rare: thousands of sandboxes seen; the next calls verify again
    _KEY_CACHE[row.access_key_sha256] = (row.id, time.monotonic())


def forget(sandbox_id: str) -> None:
    """Drop a sandbox from memory and caches without saving it (it is being deleted)."""
    runtime().drop(sandbox_id)
    for digest in [d for d, (i, _) in _KEY_CACHE.items() if i == sandbox_id]:
        del _KEY_CACHE[digest]


def save(live: LiveSandbox) -> None:
    """Write the sandbox's snapshot now (sync code only). Saves of one sandbox stay in order."""
    with live.save_lock:
        with live.lock:
            data, seq = _take(live)
            speed, paused = live.speed, live.paused
        _write(live, data, seq, speed, paused)


def save_held(live: LiveSandbox) -> None:
    """Write now with the sandbox's ``lock`` held (a hand-over's last write, a durable commit)."""
    data, seq = _take(live)
    _write(live, data, seq, live.speed, live.paused)


def _take(live: LiveSandbox) -> tuple[EncodedJSON, int]:
    """A numbered snapshot, encoded (``lock`` held: the stored objects are shared, not copied)."""
    live.dirty = False
    live.last_saved = time.monotonic()
    live.snapshot_seq += 1
    return snapshots.encode(live.cluster.snapshot(copy=False)), live.snapshot_seq


def _write(live: LiveSandbox, data: EncodedJSON, seq: int, speed: float, paused: bool) -> None:
    with live.write_lock:
        if seq <= live.written_seq:
            return  # a newer snapshot is already in the database
        try:
            Sandbox.objects.filter(pk=live.id).update(snapshot=data, speed=speed, paused=paused, updated=timezone.now())
        except Exception:
            live.dirty = True  # try again on the next round
            raise
        live.written_seq = seq


def flush(sandbox_id: str) -> bool:
    """Save the sandbox now if it has unsaved changes; True if it wrote."""
    live = runtime().get(sandbox_id)
    if live is None or not live.dirty:
        return False
    save(live)
    return True


async def aflush(sandbox_id: str) -> bool:
    return await sync_to_async(flush)(sandbox_id)


def flush_all() -> int:
    return sum(flush(live.id) for live in runtime().live())


def save_due(now: float | None = None) -> int:
    """The throttled writer's round: save dirty sandboxes whose last save is old enough."""
    now = time.monotonic() if now is None else now
    written = 0
    for live in runtime().live():
        if live.dirty and now - live.last_saved >= save_interval():
            save(live)
            written += 1
    return written


def evict_idle(now: float | None = None) -> list[str]:
    """Flush and drop sandboxes idle for ``SANDBOX_IDLE_SECONDS`` that nobody watches."""
    now = time.monotonic() if now is None else now
    evicted = runtime().evict_idle(idle_seconds(), now, before_drop=lambda live: live.dirty and save(live))
    for sandbox_id in evicted:
        ownership.release(sandbox_id)  # saved: the next process to need it may restore it
    return evicted


def renew_leases() -> list[str]:
    """Extend this process's sandbox leases; drop (unsaved) the sandboxes whose lease was lost."""
    lost = ownership.renew(runtime().live_ids())
    for sandbox_id in lost:
        logger.warning("lost the lease of sandbox %s to another process; dropping it", sandbox_id)
        runtime().drop(sandbox_id)
    return lost


def flush_and_release_all() -> int:
    """At exit: write everything, then hand every sandbox over to whoever needs it next."""
    written = flush_all()
    for sandbox_id in runtime().live_ids():
        ownership.release(sandbox_id)
    return written


def install() -> None:
    """Called from ``AppConfig.ready``: wire the runtime to the database."""
    runtime().loader = load
    runtime().key_resolver = resolve_key
    runtime().claim = ownership.claim if ownership.enabled() else None
    housekeeper.on_exit(flush_and_release_all)
