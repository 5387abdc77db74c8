"""Which server process simulates a sandbox: an ownership lease in Redis, with expiry.

Kubernetes elects one active kube-controller-manager with a ``Lease`` object that the leader
renews and the others wait to expire (``client-go/tools/leaderelection``); this is the same
idea per sandbox. With ``REDIS_URL`` set, ``kubelearn:owner:<id>`` holds the id of the one
process that has the sandbox live in memory::

    SET kubelearn:owner:<id> <process id> NX PX <lease ms>      acquire
    if GET == me: PEXPIRE                                      renew (housekeeper, every lease/3)
    if GET == me: DEL                                          release (eviction, hand-over, exit)

A process that dies stops renewing; ``SANDBOX_LEASE_SECONDS`` (default 10) later another one
acquires the lease and restores the sandbox from its database snapshot. Simplified: no
fencing tokens — a process that was paused longer than the lease notices at its next renewal,
drops its copy and stops writing (a write in between could overwrite the new owner's first
snapshot). A process that wants a sandbox another one holds either forwards its work there or
asks for a hand-over (``forwarding.run_sync``/``take_over``): the holder writes the snapshot,
forgets the sandbox and deletes the lease, all before anyone can restore it. Without
``REDIS_URL`` every sandbox is "mine": one process, no Redis calls.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
from typing import Any

from django.conf import settings

PREFIX = "kubelearn:owner:"

# After a Redis restart (or flush) every lease is gone while the owners still hold their sandboxes
# in memory: another process claiming one at once would restore a second copy from the database
# (split brain; bench/soak.py --restart-redis lost acknowledged writes that way). So the first
# process holding sandboxes that finds the marker ``<prefix>~epoch`` missing sets it plus a
# ``<prefix>~quiet`` key for one lease: meanwhile only renewals re-take leases, claims of free
# ones see the owner ``QUIET_OWNER`` (callers answer 503 / reconnect). A fresh Redis seen by a
# process holding nothing (a first start) has no quiet period.
QUIET_OWNER = "redis-restarted-owners-reclaiming"
_MARK = """
if redis.call('exists', KEYS[2]) == 0 then
  redis.call('set', KEYS[2], ARGV[1])
  if ARGV[3] == '1' then redis.call('set', KEYS[3], ARGV[1], 'PX', ARGV[2]) end
end
"""
_CLAIM = (
    "local owner = redis.call('get', KEYS[1]) if owner then return owner end"
    + _MARK
    + "if redis.call('exists', KEYS[3]) == 1 then return '' end "
    "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1]"
)
_RENEW = (
    _MARK + "local owner = redis.call('get', KEYS[1]) "
    "if owner == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
    "if owner then return 0 end redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1"
)
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def _new_process_id() -> str:
    host = re.sub(r"[^a-zA-Z0-9-]", "-", socket.gethostname())[:30]
    return f"{host}-{os.getpid()}-{secrets.token_hex(4)}"


PROCESS_ID = _new_process_id()


def enabled() -> bool:
    """Whether sandboxes are shared between processes (``REDIS_URL`` is set)."""
    return bool(getattr(settings, "REDIS_URL", None))


def lease_seconds() -> float:
    return float(getattr(settings, "SANDBOX_LEASE_SECONDS", 10))


def key_prefix() -> str:
    return str(getattr(settings, "SANDBOX_LEASE_PREFIX", PREFIX))


_client: Any = None
_client_lock = threading.Lock()


def _redis() -> Any:
    """A (thread-safe, pooled) synchronous Redis client for the lease commands."""
    global _client
    with _client_lock:
        if _client is None:
            import redis
            from redis.backoff import ExponentialBackoff
            from redis.retry import Retry

            # After a Redis restart each pooled connection is dead; without a retry its next
            # command failed once (a request's claim answered 500), so reconnect and retry.
            _client = redis.Redis.from_url(
                settings.REDIS_URL,
                socket_timeout=2,
                socket_connect_timeout=2,
                retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            )
        return _client


def reset_client() -> None:
    """Forget the Redis client (tests that switch REDIS_URL)."""
    global _client
    with _client_lock:
        _client = None


def _key(sandbox_id: str) -> str:
    return f"{key_prefix()}{sandbox_id}"


def _ms() -> int:
    return max(1, int(lease_seconds() * 1000))


def owner_of(sandbox_id: str) -> str | None:
    """The process holding the sandbox's lease, or None when nobody does."""
    if not enabled():
        return PROCESS_ID
    value = _redis().get(_key(sandbox_id))
    return value.decode() if value is not None else None


def _marks() -> tuple[str, str]:
    return f"{key_prefix()}~epoch", f"{key_prefix()}~quiet"


def claim(sandbox_id: str) -> str | None:
    """Hold the lease (acquiring it if free): None when it is ours, else the owner's process id.

    Just after a Redis restart a free lease is not handed out (``QUIET_OWNER``, see above).
    """
    if not enabled():
        return None
    from .runtime import runtime

    holding = "1" if runtime().live_ids() else "0"
    owner = _redis().eval(_CLAIM, 3, _key(sandbox_id), *_marks(), PROCESS_ID, _ms(), holding).decode()
    return None if owner == PROCESS_ID else owner or QUIET_OWNER


def is_mine(sandbox_id: str) -> bool:
    return claim(sandbox_id) is None


def renew(sandbox_ids: list[str]) -> list[str]:
    """Extend our leases; returns the ids whose lease we lost (someone else holds them now)."""
    if not enabled() or not sandbox_ids:
        return []
    pipe = _redis().pipeline(transaction=False)
    for sandbox_id in sandbox_ids:  # extend, or re-take an expired (or restarted-away) lease
        pipe.eval(_RENEW, 3, _key(sandbox_id), *_marks(), PROCESS_ID, _ms(), "1")
    results = pipe.execute()
    return [i for i, renewed in zip(sandbox_ids, results, strict=True) if not renewed]  # taken by another


def release(sandbox_id: str) -> bool:
    """Give the lease up (after the final snapshot was written)."""
    if not enabled():
        return False
    return bool(_redis().eval(_RELEASE, 1, _key(sandbox_id), PROCESS_ID))
