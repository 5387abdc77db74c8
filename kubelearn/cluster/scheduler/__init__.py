"""kube-scheduler for the mini cluster: the engine runs this package as one controller.

``framework`` holds the scheduling cycle, ``cache`` the per-node bookkeeping, ``plugins`` one
module per upstream plugin. ``explain(ctx, pod)`` tells the UI why each node was or was not
chosen.
"""

from __future__ import annotations

from .framework import NAME, WATCHES, NodeVerdict, Result, explain, keys_for, reconcile

__all__ = ["NAME", "WATCHES", "NodeVerdict", "Result", "explain", "keys_for", "reconcile"]
