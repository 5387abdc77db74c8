"""The simulated control plane: plain Python, deterministic under a simulated clock.

Mirrors Kubernetes' own architecture so the code teaches by itself: ``store`` (etcd),
``apiserver`` (decoding, defaulting, validation, admission, the verbs), ``controllers``
(the controller manager), ``engine`` (informers and work queues), the scheduler, the kubelet
and the proxy. No Django, Channels or asyncio here.

``Cluster`` is imported lazily so that low layers (store, selectors) load without the rest.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Cluster", "DocumentResult", "SimClock"]


def __getattr__(name: str) -> Any:
    if name in ("Cluster", "DocumentResult"):
        from . import cluster

        return getattr(cluster, name)
    if name == "SimClock":
        from .clock import SimClock

        return SimClock
    raise AttributeError(name)
