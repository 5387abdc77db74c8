"""Strategic merge patch, applied as kube-apiserver applies ``application/strategic-merge-patch+json``.

Mirrors ``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` (``StrategicMergeMapPatch`` and
the ``mergeMap``/``mergeSlice`` machinery that ``CreateThreeWayMergePatch`` reuses):

* maps merge recursively and ``null`` deletes a key;
* lists whose field says ``x-kubernetes-patch-strategy: merge`` merge by
  ``x-kubernetes-patch-merge-key`` (containers by ``name``, container ports by
  ``containerPort``, ...); merge lists of primitives are unioned; every other list is
  replaced. The merged list follows ``$setElementOrder`` (else the patch list's order) and
  live-only items keep their live position relative to patched ones, so an item new to the
  list lands *before* the live items (a container added by ``kubectl patch`` comes first, as
  in the Kubernetes docs);
* directives: ``$patch: replace|delete`` (in a map or a list item), ``$retainKeys``,
  ``$deleteFromPrimitiveList/<field>`` and ``$setElementOrder/<field>``.

Patch metadata comes from the official OpenAPI definitions (the same tags as the Go
structs). Simplified: a field the schema does not know merges like a plain JSON map/list
instead of failing, and directive keys left in brand-new values are dropped from the
result (the real server loses them when decoding into Go structs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubelearn.cluster.apiserver import openapi
from kubelearn.cluster.apiserver.patch_json import PatchError
from kubelearn.cluster.apiserver.patch_lists import (
    DIRECTIVE,
    dedupe,
    element_kind,
    find_by_key,
    go_fmt,
    go_kind,
    go_type,
    is_delete,
    merge_key_equal,
    normalize_element_order,
    partition,
    require_key,
    scalar_id,
)
from kubelearn.cluster.objects import clone

RETAIN_KEYS = "$retainKeys"
DELETE_PRIMITIVES = "$deleteFromPrimitiveList"
SET_ORDER = "$setElementOrder"

Schema = dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """Patch metadata of one field: the schema of its value (of its items, for lists)."""

    schema: Schema
    strategy: str = ""  # "merge", "replace" or ""
    retain_keys: bool = False
    merge_key: str = ""


@dataclass(frozen=True, slots=True)
class MergeOptions:
    merge_parallel_list: bool  # server side: apply $deleteFromPrimitiveList/$setElementOrder
    ignore_unmatched_nulls: bool


SERVER = MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True)
CLIENT = MergeOptions(merge_parallel_list=False, ignore_unmatched_nulls=False)


def root_schema(obj: dict[str, Any], definition: str | None) -> Schema:
    name = definition
    if name is None and isinstance(obj.get("apiVersion"), str) and isinstance(obj.get("kind"), str):
        name = openapi.definition_name_for(obj["apiVersion"], obj["kind"])
    return openapi.definitions().get(name) if name else None


_NO_META = FieldMeta(None)
_LOOKUP_LIMIT = 8192
# (id(schema), key) -> (schema, meta). The schema is kept in the entry, so its id cannot be
# reused by another dict while the entry lives; the OpenAPI definitions live for the process.
_LOOKUPS: dict[tuple[int, str], tuple[dict[str, Any], FieldMeta]] = {}


def lookup(schema: Schema, key: str) -> FieldMeta:
    """``LookupPatchMetadataForStruct``/``ForSlice`` over the OpenAPI schema.

    Memoised: every diff and merge asks for the same few fields of the same schemas, and
    working the answer out (strategy parsing, ``$ref`` resolution) costs more than the diff.
    Bounded, since unknown keys in manifests are looked up too.
    """
    if schema is None:
        return _NO_META
    entry = _LOOKUPS.get((id(schema), key))
    if entry is not None and entry[0] is schema:
        return entry[1]
    meta = _lookup(schema, key)
    if len(_LOOKUPS) < _LOOKUP_LIMIT:
        _LOOKUPS[(id(schema), key)] = (schema, meta)
    return meta


def _lookup(schema: dict[str, Any], key: str) -> FieldMeta:
    prop = (schema.get("properties") or {}).get(key)
    if prop is None:
        extra = schema.get("additionalProperties")
        if not isinstance(extra, dict):
            return _NO_META
        prop = extra
    strategies = [s for s in str(prop.get("x-kubernetes-patch-strategy", "")).split(",") if s]
    retain = "retainKeys" in strategies
    others = [s for s in strategies if s != "retainKeys"]
    value = prop.get("items", prop) if "array" in _types(prop) else prop
    _, resolved = openapi.resolve(value) if isinstance(value, dict) else (None, None)
    return FieldMeta(resolved, others[0] if others else "", retain, prop.get("x-kubernetes-patch-merge-key", ""))


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def strategic_merge_patch(
    original: dict[str, Any], patch: dict[str, Any], definition: str | None = None
) -> dict[str, Any]:
    """Apply a strategic merge patch to ``original``; returns a new dict.

    ``definition`` names the OpenAPI definition of the root object (e.g.
    ``io.k8s.api.apps.v1.Deployment``); by default it is looked up from apiVersion/kind.
    """
    if not isinstance(patch, dict):
        raise PatchError("invalid JSON document", 400)
    schema = root_schema(original, definition) or root_schema(patch, definition)
    merged = merge_map(clone(original), clone(patch), schema, SERVER)
    return _strip_directives(merged)  # type: ignore[no-any-return]


# --- the merge machinery (mergeMap & co) ------------------------------------------------


def merge_map(
    original: dict[str, Any] | None, patch: dict[str, Any], schema: Schema, opts: MergeOptions
) -> dict[str, Any]:
    """``mergeMap``: mutates and returns ``original`` (pass copies)."""
    if DIRECTIVE in patch:
        directive = patch[DIRECTIVE]
        if directive == "replace":
            del patch[DIRECTIVE]
            return patch
        if directive == "delete":
            return {}
        raise PatchError(f"unknown patch type: {go_fmt(directive)} in map: {go_fmt(patch)}", 500)
    if original is None:
        original = {}
    _apply_retain_keys(original, patch, opts)
    _merge_set_element_order(original, patch, schema, opts)

    for key, patch_value in list(patch.items()):
        is_delete_list = False
        if key.startswith(DELETE_PRIMITIVES):
            if not opts.merge_parallel_list:
                original[key] = patch_value
                continue
            key, is_delete_list = _extract_key(key, DELETE_PRIMITIVES), True
        if patch_value is None:
            original.pop(key, None)
            if opts.ignore_unmatched_nulls:
                continue
        if key not in original or go_kind(original[key]) != go_kind(patch_value):
            if not is_delete_list:
                _set_without_directives(original, key, patch_value, opts)
            continue
        meta = lookup(schema, key)
        if isinstance(patch_value, dict):
            if meta.strategy == "replace":
                original[key] = patch_value
            else:
                original[key] = merge_map(original[key], patch_value, meta.schema, opts)
        elif isinstance(patch_value, list):
            if meta.strategy == "merge":
                original[key] = merge_slice(original[key], patch_value, meta, opts, is_delete_list)
            else:
                original[key] = patch_value
        else:
            _set_without_directives(original, key, patch_value, opts)
    return original


def _set_without_directives(original: dict[str, Any], key: str, value: Any, opts: MergeOptions) -> None:
    if opts.ignore_unmatched_nulls:
        value = _discard_nulls(value)
    keep, cleaned = _remove_directives(value)
    if keep:
        original[key] = cleaned
    else:
        original.pop(key, None)


def _discard_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _discard_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_discard_nulls(v) for v in value]
    return value


def _remove_directives(value: Any) -> tuple[bool, Any]:
    """``removeDirectives``: drop maps carrying ``$patch`` from a value taken as is."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return False, None
        out = {}
        for k, v in value.items():
            keep, cleaned = _remove_directives(v)
            if keep:
                out[k] = cleaned
        return True, out
    if isinstance(value, list):
        return True, [c for keep, c in map(_remove_directives, value) if keep]
    return True, value


def _strip_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip_directives(v)
            for k, v in value.items()
            if k not in (DIRECTIVE, RETAIN_KEYS) and not k.startswith((DELETE_PRIMITIVES + "/", SET_ORDER + "/"))
        }
    if isinstance(value, list):
        return [_strip_directives(v) for v in value]
    return value


def _extract_key(key: str, prefix: str) -> str:
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        if prefix == DELETE_PRIMITIVES:
            raise PatchError("invalid patch format of primitive list", 400)
        raise PatchError("invalid patch format of setElementOrder list", 400)
    return rest


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any], opts: MergeOptions) -> None:
    if RETAIN_KEYS not in patch:
        return
    retain = patch.pop(RETAIN_KEYS)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS in original and original[RETAIN_KEYS] != retain:
            raise PatchError(
                f"{go_fmt(original[RETAIN_KEYS])} and {go_fmt(retain)} are not deep equal: "
                "this may happen when calculating the 3-way diff patch",
                500,
            )
        original.setdefault(RETAIN_KEYS, retain)
        return
    if not isinstance(retain, list):
        raise PatchError("invalid patch format of retainKeys", 400)
    keep = {scalar_id(v) for v in retain}
    for k, v in patch.items():
        if v is None or k.startswith((DELETE_PRIMITIVES, SET_ORDER)):
            continue
        if scalar_id(k) not in keep:
            raise PatchError("patch content doesn't match retainKeys list", 422)
    for k in list(original):
        if scalar_id(k) not in keep:
            del original[k]


def _merge_set_element_order(
    original: dict[str, Any], patch: dict[str, Any], schema: Schema, opts: MergeOptions
) -> None:
    """``mergePatchIntoOriginal``: merge each ``$setElementOrder/<f>`` list with ``<f>``."""
    for key in [k for k in patch if k.startswith(SET_ORDER)]:
        order = patch.pop(key)
        if not opts.merge_parallel_list:
            if key in original and original[key] != order:
                raise PatchError("invalid patch format of setElementOrder list", 400)
            original.setdefault(key, order)
        if not isinstance(order, list):
            raise PatchError(f"expected a []interface {{}}, but received a {go_type(order)}", 500)
        field = _extract_key(key, SET_ORDER)
        found_original, found_patch = field in original, field in patch
        original_list = original.get(field) if found_original else []
        patch_list = patch.get(field) if found_patch else []
        if not isinstance(original_list, list) or not isinstance(patch_list, list):
            raise PatchError(f"expected a []interface {{}}, but received a {go_type(original_list)}", 500)
        meta = lookup(schema, field)
        _validate_against_order(patch_list, order, meta.merge_key)
        if not found_original and not found_patch:
            continue
        if found_original and found_patch:
            merged = (
                merge_slice(original_list, patch_list, meta, opts, False) if meta.strategy == "merge" else patch_list
            )
        else:
            merged = original_list if found_original else patch_list
        in_patch, server_only = partition(merged, order, meta.merge_key)
        kind = element_kind(original_list, patch_list)
        original[field] = normalize_element_order(in_patch, server_only, order, original_list, meta.merge_key, kind)
        patch.pop(field, None)


def _validate_against_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    if not order or not patch_list:
        return
    items = [v for v in patch_list if not is_delete(v)] if merge_key else patch_list
    p = s = 0
    while p < len(items) and s < len(order):
        if isinstance(items[p], dict) and DIRECTIVE in items[p]:
            p += 1
            continue
        if merge_key_equal(items[p], order[s], merge_key):
            p += 1
        s += 1
    if p < len(items) and s >= len(order):
        raise PatchError(
            f"The order in patch list:\n{go_fmt(patch_list)}\n doesn't match {SET_ORDER} list:\n{go_fmt(order)}\n",
            500,
        )


def merge_slice(
    original: list[Any], patch: list[Any], meta: FieldMeta, opts: MergeOptions, is_delete_list: bool
) -> list[Any]:
    """``mergeSlice`` for a field with the merge strategy."""
    if not original and not patch:
        return original
    kind = element_kind(original, patch)
    key = meta.merge_key
    if kind != "map":
        if opts.merge_parallel_list and is_delete_list:
            gone = {scalar_id(v) for v in patch}
            return [v for v in original if scalar_id(v) not in gone]
        merged = dedupe(original + patch)
        key = ""
    else:
        if not key:
            raise PatchError("cannot merge lists without merge key", 500)
        original, patch = _special_elements(original, patch, key)
        merged = list(original)
        for item in patch:
            index = find_by_key(merged, key, require_key(item, key))
            if index < 0:
                merged.append(item)
            else:
                merged[index] = merge_map(merged[index], item, meta.schema, opts)
    in_patch, server_only = partition(merged, patch, key)
    return normalize_element_order(in_patch, server_only, patch, original, key, kind)


def _special_elements(original: list[Any], patch: list[Any], key: str) -> tuple[list[Any], list[Any]]:
    """``mergeSliceWithSpecialElements``: apply ``$patch`` items, return the rest of the patch."""
    plain: list[Any] = []
    replace = False
    for item in patch:
        if not isinstance(item, dict) or DIRECTIVE not in item:
            plain.append(item)
        elif item[DIRECTIVE] == "delete":
            value = require_key(item, key)
            original = [
                v for v in original if not (isinstance(v, dict) and key in v and scalar_id(v[key]) == scalar_id(value))
            ]
        elif item[DIRECTIVE] == "replace":
            replace = True
        elif item[DIRECTIVE] == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch", 500)
        else:
            raise PatchError(f"unknown patch type: {go_fmt(item[DIRECTIVE])} in map: {go_fmt(item)}", 500)
    return (plain, []) if replace else (original, plain)
