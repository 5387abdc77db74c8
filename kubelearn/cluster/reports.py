"""Whole-cluster views in kubectl's words: ``get all``, ``get events``, ``get nodes``.

Shared by ``manage.py simulate`` and (later) the in-page command bar, so both print exactly
what the real ``kubectl`` would print for the same cluster.
"""

from __future__ import annotations

from .kinds import BY_KIND
from .objects import Obj, namespace_of
from .printers import Printer, format_table
from .store import Store

# ``kubectl get all``: the kinds in the ``all`` category, in kubectl's order.
ALL_ORDER = ("Pod", "Service", "Deployment", "ReplicaSet", "HorizontalPodAutoscaler", "Job")
SYSTEM_NAMESPACES = ("kube-node-lease", "kube-public", "kube-system")


def printer_for(store: Store, clock_now: float, parse: object) -> Printer:
    return Printer(lambda stamp: clock_now - parse(stamp))  # type: ignore[operator]


def _objects(store: Store, kind: str, namespace: str | None) -> list[Obj]:
    items = list(store.iter_kind(kind, namespace))
    if namespace is None:
        items = [o for o in items if namespace_of(o) not in SYSTEM_NAMESPACES]
    return items


def get_all(store: Store, printer: Printer, namespace: str | None = "default", wide: bool = False) -> str:
    """``kubectl get all [-n NS | -A] [-o wide]``: one table per kind, names as ``kind/name``."""
    sections = []
    for kind in ALL_ORDER:
        objects = _objects(store, kind, namespace)
        if not objects:
            continue
        info = BY_KIND[kind]
        sections.append(
            format_table(
                printer,
                kind,
                objects,
                wide=wide,
                name_prefix=f"{info.kubectl_type}/",
                with_namespace=namespace is None,
            )
        )
    if not sections:
        where = f"{namespace} namespace" if namespace else "any namespace"
        return f"No resources found in {where}."
    return "\n\n".join(sections)


def get_kind(store: Store, printer: Printer, kind: str, namespace: str | None = "default", wide: bool = False) -> str:
    """``kubectl get <kind>``; cluster-scoped kinds ignore the namespace."""
    info = BY_KIND[kind]
    objects = list(store.iter_kind(kind, namespace if info.namespaced else None))
    if kind == "Event":
        objects.sort(key=lambda e: (e.get("lastTimestamp") or "", e["metadata"]["resourceVersion"].zfill(12)))
    if not objects:
        if not info.namespaced:
            return "No resources found"
        return f"No resources found in {namespace} namespace." if namespace else "No resources found"
    return format_table(printer, kind, objects, wide=wide, with_namespace=info.namespaced and namespace is None)
