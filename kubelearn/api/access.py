"""Which sandbox a request drives, and running core calls on it safely.

The access key in the URL (``/k8s/<key>/...``) identifies the sandbox: kubectl sends no
bearer token over plain http, so the secret path prefix is the credential. An unknown key
is a 401 ``Unauthorized`` Status (kubectl: "You must be logged in to the server"), never
another sandbox. Every core call runs under the sandbox's lock after bringing its
simulated clock up to date; after a write, the control loops get to react at once (as a
real control plane does within milliseconds) and watchers are woken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

from .status import unauthorized

T = TypeVar("T")


def open_sandbox(key: str) -> LiveSandbox:
    sandbox = runtime().open_by_key(key)
    if sandbox is None:
        resolver = runtime().key_resolver
        if resolver is not None and resolver(key) is not None:  # another process owns it (Redis)
            raise StatusError(503, "ServiceUnavailable", "the sandbox is moving between server processes, retry")
        raise unauthorized()
    return sandbox


def locked(sandbox: LiveSandbox, call: Callable[[Cluster], T]) -> T:
    """Run ``call(cluster)`` with the lock held; reconcile and notify if it changed the store."""
    with sandbox.lock:
        if sandbox.dropped:  # handed over to another process (or evicted) after we looked it up
            raise StatusError(503, "ServiceUnavailable", "the sandbox is moving between server processes, retry")
        sandbox.advance()
        cluster = sandbox.cluster
        before = cluster.store.revision
        try:
            return call(cluster)
        finally:
            if cluster.store.revision != before:
                cluster.step(0)
                sandbox.changed()
