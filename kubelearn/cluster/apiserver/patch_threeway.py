"""The strategic merge patch ``kubectl apply`` sends: ``CreateThreeWayMergePatch``.

Mirrors ``k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`` (``diffMaps``, ``diffLists``
and ``CreateThreeWayMergePatch`` with ``overwrite=true``, as kubectl calls it):

* *delta* = what ``modified`` (the manifest) adds or changes compared with ``current`` (the live
  object), ignoring deletions, so fields only the server or other clients set survive;
* *deletions* = what ``modified`` dropped compared with ``original`` (the last-applied
  configuration): ``null`` for map keys, ``{"$patch": "delete", <key>: v}`` for merge-list
  items, ``$deleteFromPrimitiveList/<f>`` for merged primitive lists;
* the patch is *deletions* merged with *delta*, with ``$setElementOrder/<f>`` and
  ``$retainKeys`` directives exactly where kubectl puts them.

Simplified: no conflict detection (kubectl apply always passes ``overwrite=true``) and no
preconditions.
"""

from __future__ import annotations

import copy
import operator
from dataclasses import dataclass, replace
from typing import Any

from kubelearn.cluster.apiserver.patch_json import PatchError, json_equal
from kubelearn.cluster.apiserver.patch_lists import (
    DIRECTIVE,
    element_kind,
    go_fmt,
    go_kind,
    merge_key_equal,
    normalize_slice_order,
    require_key,
    scalar_id,
)
from kubelearn.cluster.apiserver.patch_strategic import (
    CLIENT,
    DELETE_PRIMITIVES,
    RETAIN_KEYS,
    SET_ORDER,
    Schema,
    lookup,
    merge_map,
    root_schema,
)
from kubelearn.cluster.objects import clone


@dataclass(frozen=True, slots=True)
class DiffOptions:
    set_element_order: bool = False
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys: bool = False


def create_three_way_patch(
    original: dict[str, Any] | None,
    modified: dict[str, Any],
    current: dict[str, Any],
    definition: str | None = None,
) -> dict[str, Any]:
    """The patch turning ``current`` into ``modified`` while keeping fields others own.

    ``original`` is the last-applied configuration (``None`` or ``{}`` when there is none).
    An empty result (``{}``) means kubectl has nothing to send (``unchanged``).
    """
    schema = root_schema(modified, definition) or root_schema(current, definition)
    # The diffs only read their inputs, so they run on the caller's objects: copying the live
    # object (status and defaults included) cost more than diffing it. Their results share
    # values with ``modified`` (and merge keys with ``original``); ``merge_map`` writes into
    # both patches, so they are deep-copied together first (``deepcopy`` keeps any sharing
    # between them, as when both pointed into one private copy of ``modified``).
    delta = diff_maps(current, modified, schema, _DELTA)
    deletions = diff_maps(original or {}, modified, schema, _DELETIONS)
    if not delta and not deletions:
        return {}  # what merging two empty patches gives: kubectl's "unchanged"
    deletions, delta = copy.deepcopy((deletions, delta))
    return merge_map(deletions, delta, schema, CLIENT)


def create_two_way_patch(
    original: dict[str, Any], modified: dict[str, Any], definition: str | None = None
) -> dict[str, Any]:
    """``CreateTwoWayMergePatch``: what ``kubectl edit``/``set image`` send."""
    schema = root_schema(modified, definition) or root_schema(original, definition)
    return diff_maps(clone(original), clone(modified), schema, DiffOptions(set_element_order=True))


_MISSING: Any = object()
_first = operator.itemgetter(0)
_DELTA = DiffOptions(set_element_order=True, ignore_deletions=True)
_DELETIONS = DiffOptions(set_element_order=True, ignore_changes_and_additions=True)


def _retaining(opts: DiffOptions, build_retain_keys: bool) -> DiffOptions:
    """``opts`` with ``build_retain_keys`` set; usually already so (``replace`` is costly)."""
    return opts if opts.build_retain_keys == build_retain_keys else replace(opts, build_retain_keys=build_retain_keys)


def diff_maps(original: dict[str, Any], modified: dict[str, Any], schema: Schema, opts: DiffOptions) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    retain: list[Any] = []
    build_retain_keys = opts.build_retain_keys
    ignore_changes = opts.ignore_changes_and_additions
    for key, new in modified.items():
        if build_retain_keys and new is not None:
            retain.append(key)
        old = original.get(key, _MISSING)
        if old is _MISSING:
            if not ignore_changes:
                patch[key] = new
            continue
        if key == DIRECTIVE:
            if not isinstance(old, str) or not isinstance(new, str):
                raise PatchError(f"invalid value for special key: {DIRECTIVE}", 400)
            if old != new:
                patch[key] = new
            continue
        cls = old.__class__
        if cls is not new.__class__ or cls is float:  # one Python type is one Go kind, but for floats
            if go_kind(old) != go_kind(new):
                if not ignore_changes:
                    patch[key] = new
                continue
        elif cls is str:  # the usual leaf: same-typed strings compare as JSON does
            if not ignore_changes and old != new:
                patch[key] = new
            continue
        if isinstance(old, dict):
            _map_diff(key, old, new, patch, schema, opts)
        elif isinstance(old, list):
            _slice_diff(key, old, new, patch, schema, opts)
        elif not ignore_changes and not json_equal(old, new):
            patch[key] = new
    if not opts.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain and (patch or any(v is not None and k not in modified for k, v in original.items())):
        patch[RETAIN_KEYS] = sort_scalars(retain)
    return patch


def _map_diff(
    key: str, old: dict[str, Any], new: dict[str, Any], patch: dict[str, Any], schema: Schema, opts: DiffOptions
) -> None:
    meta = lookup(schema, key)
    if meta.strategy == "replace":
        if not opts.ignore_changes_and_additions:
            patch[key] = new
        return
    value = diff_maps(old, new, meta.schema, _retaining(opts, meta.retain_keys))
    if value:
        patch[key] = value


def _slice_diff(
    key: str, old: list[Any], new: list[Any], patch: dict[str, Any], schema: Schema, opts: DiffOptions
) -> None:
    meta = lookup(schema, key)
    if meta.strategy != "merge":
        if not opts.ignore_changes_and_additions and not json_equal(old, new):
            patch[key] = new
        return
    opts = _retaining(opts, meta.retain_keys)
    additions, deletions, order = diff_lists(old, new, meta.schema, meta.merge_key, opts)
    if additions:
        patch[key] = additions
    if deletions:
        patch[f"{DELETE_PRIMITIVES}/{key}"] = deletions
    if order:
        patch[f"{SET_ORDER}/{key}"] = order


def diff_lists(
    original: list[Any], modified: list[Any], schema: Schema, merge_key: str, opts: DiffOptions
) -> tuple[list[Any], list[Any], list[Any]]:
    """(patch list, parallel deletion list, $setElementOrder list) for a merge-strategy list."""
    if not original:
        if not modified or opts.ignore_changes_and_additions:
            return [], [], []
        return modified, [], []
    kind = element_kind(original, modified)
    order: list[Any] = []
    if kind == "map":
        patch_list, deletions = _diff_lists_of_maps(original, modified, schema, merge_key, opts)
        if patch_list:  # (every item's merge key was checked above, so skipping cannot hide an error)
            patch_list = normalize_slice_order(patch_list, modified, merge_key, kind)
        patch_list += deletions
        changes = not opts.ignore_changes_and_additions and (
            patch_list or not _same_order(original, modified, merge_key)
        )
        removals = not opts.ignore_deletions and patch_list
        if opts.set_element_order and (changes or removals):
            order = [{merge_key: item.get(merge_key)} for item in modified]
        return patch_list, [], order
    patch_list, deletions = _diff_lists_of_scalars(original, modified, opts)
    patch_list = normalize_slice_order(patch_list, modified, merge_key, kind)
    changed = not opts.ignore_changes_and_additions and not json_equal(original, modified)
    if opts.set_element_order and ((not opts.ignore_deletions and deletions) or changed):
        order = modified
    return patch_list, deletions, order


def _diff_lists_of_scalars(original: list[Any], modified: list[Any], opts: DiffOptions) -> tuple[list[Any], list[Any]]:
    old, new = sort_scalars(original), sort_scalars(modified)
    additions: list[Any] = []
    deletions: list[Any] = []
    i = j = 0
    while i < len(old) or j < len(new):
        a = go_fmt(old[i]) if i < len(old) else None
        b = go_fmt(new[j]) if j < len(new) else None
        if a is not None and b is not None and a == b:
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not opts.ignore_changes_and_additions:
                additions.append(new[j])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append(old[i])
            i += 1
    seen: set[tuple[str, Any]] = set()
    unique = [v for v in deletions if not (scalar_id(v) in seen or seen.add(scalar_id(v)))]  # type: ignore[func-returns-value]
    return additions, unique


def _same_order(original: list[Any], modified: list[Any], merge_key: str) -> bool:
    return len(original) == len(modified) and all(
        merge_key_equal(a, b, merge_key) for a, b in zip(original, modified, strict=True)
    )


def _diff_lists_of_maps(
    original: list[Any], modified: list[Any], schema: Schema, merge_key: str, opts: DiffOptions
) -> tuple[list[Any], list[Any]]:
    def by_key(items: list[Any]) -> list[tuple[str, Any]]:
        """Items paired with their merge key's ``%v`` text, sorted by it (stable, as Go's)."""
        for item in items:
            require_key(item, merge_key)
        keyed = [(go_fmt(item[merge_key]), item) for item in items]
        if len(keyed) > 1:
            keyed.sort(key=_first)
        return keyed

    old, new = by_key(original), by_key(modified)
    patch: list[Any] = []
    deletions: list[Any] = []
    i = j = 0
    old_count, new_count = len(old), len(new)
    while i < old_count or j < new_count:
        a = old[i][0] if i < old_count else None
        b = new[j][0] if j < new_count else None
        if a is not None and b is not None and a == b:
            value = diff_maps(old[i][1], new[j][1], schema, opts)
            if value:
                value[merge_key] = new[j][1][merge_key]
                patch.append(value)
            i, j = i + 1, j + 1
        elif a is None or (b is not None and a > b):
            if not opts.ignore_changes_and_additions:
                patch.append(new[j][1])
            j += 1
        else:
            if not opts.ignore_deletions:
                deletions.append({merge_key: old[i][1][merge_key], DIRECTIVE: "delete"})
            i += 1
    return patch, deletions


def sort_scalars(items: list[Any]) -> list[Any]:
    """``sortScalars``: order by the ``%v`` text, as Go does."""
    return sorted(items, key=go_fmt)
