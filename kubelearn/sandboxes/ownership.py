"""Which server process simulates a sandbox: an ownership lease in Redis, with expiry.

Kubernetes elects one active kube-controller-manager with a ``Lease`` object that the leader
renews and the others wait to expire (``client-go/tools/leaderelection``); this is the same
idea per sandbox. With ``REDIS_URL`` set, ``kubelearn:owner:<id>`` holds the id of the one
process that has the sandbox live in memory::

    SET kubelearn:owner:<id> <process id> NX PX <lease ms>      acquire
    if GET == me: PEXPIRE                                      renew (housekeeper, every lease/3)
    if GET == me: DEL                                          release (eviction, clean exit)

A process that dies stops renewing; ``SANDBOX_LEASE_SECONDS`` (default 10) later another one
acquires the lease and restores the sandbox from its database snapshot. Simplified: no
fencing tokens — a process that was paused longer than the lease notices at its next renewal,
drops its copy and stops writing (a write in between could overwrite the new owner's first
snapshot). Without ``REDIS_URL`` every sandbox is "mine": one process, no Redis calls.
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

_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
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

            _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
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


def claim(sandbox_id: str) -> str | None:
    """Hold the lease (acquiring it if free): None when it is ours, else the owner's process id."""
    if not enabled():
        return None
    client = _redis()
    key = _key(sandbox_id)
    if client.set(key, PROCESS_ID, nx=True, px=_ms()):
        return None
    value = client.get(key)
    if value is None:  # expired between the two calls: try once more
        return None if client.set(key, PROCESS_ID, nx=True, px=_ms()) else owner_of(sandbox_id)
    owner = value.decode()
    return None if owner == PROCESS_ID else owner


def is_mine(sandbox_id: str) -> bool:
    return claim(sandbox_id) is None


def renew(sandbox_ids: list[str]) -> list[str]:
    """Extend our leases; returns the ids whose lease we lost (someone else holds them now)."""
    if not enabled() or not sandbox_ids:
        return []
    client = _redis()
    pipe = client.pipeline(transaction=False)
    for sandbox_id in sandbox_ids:
        pipe.eval(_RENEW, 1, _key(sandbox_id), PROCESS_ID, _ms())
    results = pipe.execute()
    lost = []
    for sandbox_id, renewed in zip(sandbox_ids, results, strict=True):
        if not renewed and client.set(_key(sandbox_id), PROCESS_ID, nx=True, px=_ms()) is None:
            lost.append(sandbox_id)  # expired and taken by another process meanwhile
    return lost


def release(sandbox_id: str) -> bool:
    """Give the lease up (after the final snapshot was written)."""
    if not enabled():
        return False
    return bool(_redis().eval(_RELEASE, 1, _key(sandbox_id), PROCESS_ID))
