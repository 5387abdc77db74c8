"""List and value helpers shared by the strategic merge patch modules.

Mirrors the parts of ``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` that order merged
lists (``normalizeElementOrder``, ``mergeSortedSlice``, ``partition*ByPresentInList``) and the Go
value semantics they rely on: interface ``==`` (``1`` is not ``"1"``), ``%v`` formatting (used to
sort merge keys and scalars) and the ``mergepatch`` error texts.
"""

from __future__ import annotations

import json
from typing import Any

from kubelearn.cluster.apiserver.patch_json import PatchError

DIRECTIVE = "$patch"


# --- ordering helpers (normalizeElementOrder & co) --------------------------------------


def partition(items: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    """Split ``items`` into those present in ``by`` and the others (server-only)."""
    if merge_key:
        present = {scalar_id(v.get(merge_key)) for v in by if isinstance(v, dict)}
        flags = [scalar_id(require_key(v, merge_key)) in present for v in items]
    else:
        present = {scalar_id(v) for v in by}
        flags = [scalar_id(v) in present for v in items]
    return [v for v, f in zip(items, flags, strict=True) if f], [v for v, f in zip(items, flags, strict=True) if not f]


def normalize_element_order(
    patch: list[Any], server_only: list[Any], patch_order: list[Any], server_order: list[Any], merge_key: str, kind: str
) -> list[Any]:
    """Sort patch items by ``patch_order`` and server-only items by ``server_order``, then interleave."""
    patch = normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = normalize_slice_order(server_only, server_order, merge_key, kind)
    merged: list[Any] = []
    i = j = 0
    while i < len(server_only) or j < len(patch):
        if j >= len(patch):
            merged.append(server_only[i])
            i += 1
        elif i >= len(server_only):
            merged.append(patch[j])
            j += 1
        else:
            li = index_of(server_order, server_only[i], merge_key, kind)
            ri = index_of(server_order, patch[j], merge_key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                merged.append(server_only[i])
                i += 1
            else:
                merged.append(patch[j])
                j += 1
    return merged


def normalize_slice_order(items: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    deletes: list[Any] = []
    if kind == "map":
        for v in items + order:
            require_key(v, merge_key)
        deletes = [v for v in items if is_delete(v)]
        items = [v for v in items if not is_delete(v)]

    def position(item: Any) -> int:
        found = index_of(order, item, merge_key, kind)
        return found if found >= 0 else len(order)

    return sorted(items, key=position) + deletes


def index_of(items: list[Any], value: Any, merge_key: str, kind: str) -> int:
    def ident(item: Any) -> Any:
        if kind == "map":
            return scalar_id(item.get(merge_key)) if isinstance(item, dict) else scalar_id(None)
        return scalar_id(item)

    target = ident(value)
    for i, item in enumerate(items):
        if ident(item) == target:
            return i
    return -1


def is_delete(item: Any) -> bool:
    return isinstance(item, dict) and item.get(DIRECTIVE) == "delete"


# --- Go value semantics -------------------------------------------------------------------


_KIND_OF_TYPE = {dict: "map", list: "slice", bool: "bool", str: "string", int: "int64", type(None): "nil"}


def go_kind(value: Any) -> str:
    """The reflect kind Go sees after ``k8s.io/apimachinery/pkg/util/json`` decoding."""
    kind = _KIND_OF_TYPE.get(value.__class__)  # exact JSON types; floats and subclasses below
    if kind is not None:
        return kind
    if value is None:
        return "nil"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, float) and not value.is_integer():
        return "float64"
    return "int64"


def go_type(value: Any) -> str:
    return {"map": "map[string]interface {}", "slice": "[]interface {}", "nil": "<nil>"}.get(
        go_kind(value), go_kind(value)
    )


def scalar_id(value: Any) -> tuple[str, Any]:
    """A hashable identity with Go's interface ``==`` semantics (``1`` is not ``"1"``)."""
    kind = go_kind(value)
    if kind in ("map", "slice"):
        return kind, json.dumps(value, sort_keys=True)
    if kind == "int64":
        return kind, int(value)
    return kind, value


def go_fmt(value: Any) -> str:
    """``fmt.Sprintf("%v", value)`` for decoded JSON values."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_fmt(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_fmt(v) for v in value) + "]"
    return str(value)


def element_kind(*lists: list[Any]) -> str:
    """``sliceElementType``: the one kind of all elements ("map" or a scalar kind)."""
    kinds = {go_kind(v) for items in lists for v in items}
    if "slice" in kinds:
        raise PatchError("lists of lists are not supported", 422)
    if len(kinds - {"nil"}) > 1 or ("map" in kinds and "nil" in kinds):
        raise PatchError(f"list element types are not identical: {go_fmt(list(lists))}", 500)
    return "map" if "map" in kinds else "scalar"


def dedupe(items: list[Any]) -> list[Any]:
    seen: set[tuple[str, Any]] = set()
    out = []
    for v in items:
        if scalar_id(v) not in seen:
            seen.add(scalar_id(v))
            out.append(v)
    return out


def require_key(item: Any, merge_key: str) -> Any:
    if not isinstance(item, dict):
        raise PatchError(f"expected a map[string]interface {{}}, but received a {go_type(item)}", 500)
    if merge_key not in item:
        raise PatchError(f"map: {go_fmt(item)} does not contain declared merge key: {merge_key}", 500)
    return item[merge_key]


def find_by_key(items: list[Any], merge_key: str, value: Any) -> int:
    for i, item in enumerate(items):
        if isinstance(item, dict) and merge_key in item and scalar_id(item[merge_key]) == scalar_id(value):
            return i
    return -1


def merge_key_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return scalar_id(left) == scalar_id(right)
    return scalar_id(require_key(left, merge_key)) == scalar_id(require_key(right, merge_key))
