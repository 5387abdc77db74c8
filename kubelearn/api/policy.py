"""``policy/v1``: served so that ``kubectl drain`` evicts (it looks for this group first).

Mirrors the group's discovery and an always-empty ``poddisruptionbudgets`` collection:
the mini cluster has no PodDisruptionBudgets, so every eviction is allowed. The eviction
subresource itself lives on pods (``pods/<name>/eviction``, see ``handlers.evict``).
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError

from .handlers import Reply
from .status import path_not_found
from .tables import TABLE_CONTENT_TYPE

RESOURCES: list[dict[str, Any]] = [
    {
        "name": "poddisruptionbudgets",
        "singularName": "poddisruptionbudget",
        "namespaced": True,
        "kind": "PodDisruptionBudget",
        "verbs": ["get", "list", "watch"],
        "shortNames": ["pdb"],
    }
]
_COLUMNS = ["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]


def respond(cluster: Cluster, version: str, rest: str, as_table: bool) -> Reply:
    parts = [p for p in rest.strip("/").split("/") if p]
    if len(parts) >= 3 and parts[0] == "namespaces":
        parts = parts[2:]
    if version != "v1" or not parts or parts[0] != "poddisruptionbudgets" or len(parts) > 2:
        raise path_not_found()
    if len(parts) == 2:
        details = {"name": parts[1], "group": "policy", "kind": "poddisruptionbudgets"}
        raise StatusError(404, "NotFound", f'poddisruptionbudgets.policy "{parts[1]}" not found', details)
    meta = {"resourceVersion": str(cluster.store.revision)}
    if as_table:
        columns = [
            {"name": n, "type": "string", "format": "name" if n == "Name" else "", "description": "", "priority": 0}
            for n in _COLUMNS
        ]
        table = {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": meta,
            "columnDefinitions": columns,
            "rows": [],
        }
        return Reply(table, content_type=TABLE_CONTENT_TYPE)
    return Reply({"kind": "PodDisruptionBudgetList", "apiVersion": "policy/v1", "metadata": meta, "items": []})
