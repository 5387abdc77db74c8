"""The kubelet: the node agent of every ship (see ``kubelet.py``); this package is its controller.

``from kubelearn.cluster import kubelet`` gives the engine a controller module (NAME, WATCHES,
keys_for, reconcile) plus the public actions and readers a UI or lesson calls:
``crash_container``, ``logs``, ``record_request``, ``set_load``.
"""

from __future__ import annotations

from .kubelet import NAME, WATCHES, crash_container, keys_for, node_failed, reconcile
from .logs import logs, record_request, set_load

__all__ = [
    "NAME",
    "WATCHES",
    "crash_container",
    "keys_for",
    "logs",
    "node_failed",
    "reconcile",
    "record_request",
    "set_load",
]
