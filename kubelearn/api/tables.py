"""Server-side Tables (``meta.k8s.io/v1`` Table): the columns ``kubectl get`` prints.

Mirrors apiserver's ``TableConvertor`` and the ``as=Table`` content negotiation
(``application/json;as=Table;v=v1;g=meta.k8s.io``): column definitions and cells come from
``kubelearn.cluster.printers`` (upstream's ``printers.go``); each row carries the object as
``PartialObjectMetadata`` (``includeObject=Metadata``, the default), as the full object
(``Object``, what ``--sort-by`` asks for) or not at all (``None``). ``kubectl get -A``,
``--show-labels``, ``-L`` and ``get all`` read namespaces and labels from ``row.object``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubelearn.cluster.objects import Obj
from kubelearn.cluster.printers import Printer

TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def wants_table(accept: str) -> bool:
    """True when the first acceptable type that names a Table is one we serve (v1 or v1beta1)."""
    for part in accept.split(","):
        params = {p.strip().partition("=")[0]: p.strip().partition("=")[2] for p in part.split(";")[1:]}
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io":
            return True
    return False


def column_definitions(printer: Printer, kind: str) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "type": c.type, "format": c.format, "description": c.description, "priority": c.priority}
        for c in printer.columns(kind)
    ]


def row_object(obj: Obj, include_object: str) -> Obj | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata", {})}


def row(printer: Printer, obj: Obj, include_object: str) -> dict[str, Any]:
    out: dict[str, Any] = {"cells": printer.row(obj)}
    embedded = row_object(obj, include_object)
    if embedded is not None:
        out["object"] = embedded
    return out


def table(
    printer: Printer,
    kind: str,
    objects: Iterable[Obj],
    resource_version: str,
    include_object: str = "Metadata",
    with_columns: bool = True,
) -> dict[str, Any]:
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": column_definitions(printer, kind) if with_columns else [],
        "rows": [row(printer, obj, include_object) for obj in objects],
    }
