"""ObjectMeta, labels, annotations and label selectors, as the 1.32 API server checks them.

Mirrors apimachinery ``pkg/api/validation/objectmeta.go`` (``ValidateObjectMeta``,
``ValidateObjectMetaUpdate``, ``ValidateAnnotations``), ``pkg/apis/meta/v1/validation``
(``ValidateLabels``, ``ValidateLabelSelector``) and ``pkg/apis/core/validation``
(``ValidateNonnegativeField``, ``ValidateImmutableField``). Go maps iterate randomly; we
sort keys so messages are deterministic. Also renders Go ``%#v`` values (``v1.LabelSelector{…}``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kubelearn.cluster.errors import FieldError, GoValue, forbidden, invalid, required

from . import names

FIELD_IMMUTABLE = "field is immutable"
IS_NEGATIVE = "must be greater than or equal to 0"
TOTAL_ANNOTATION_SIZE = 256 * 1024
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")

NameFn = Callable[[str, bool], list[str]]
Obj = dict[str, Any]


def get(obj: Any, *keys: str | int, default: Any = None) -> Any:
    """Safe nested lookup that never raises on odd-but-decoded input."""
    cur = obj
    for key in keys:
        if isinstance(key, int):
            if not isinstance(cur, list) or key >= len(cur):
                return default
        elif not isinstance(cur, dict) or key not in cur:
            return default
        cur = cur[key]
    return default if cur is None else cur


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def go_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def go_string_map(value: Any) -> str:
    if value is None:
        return "map[string]string(nil)"
    items = ", ".join(f"{go_str(str(k))}:{go_str(str(v))}" for k, v in sorted(as_dict(value).items()))
    return "map[string]string{" + items + "}"


def go_string_slice(value: Any) -> str:
    if value is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_str(str(v)) for v in as_list(value)) + "}"


def go_label_selector(sel: Any) -> GoValue:
    """``%#v`` of a ``metav1.LabelSelector`` (pointers are dereferenced by field.Error)."""
    sel = as_dict(sel)
    exprs = sel.get("matchExpressions")
    if exprs is None:
        rendered = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = [
            "v1.LabelSelectorRequirement{"
            f"Key:{go_str(str(e.get('key', '')))}, Operator:{go_str(str(e.get('operator', '')))}, "
            f"Values:{go_string_slice(e.get('values'))}}}"
            for e in as_list(exprs)
            if isinstance(e, dict)
        ]
        rendered = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    return GoValue(
        f"v1.LabelSelector{{MatchLabels:{go_string_map(sel.get('matchLabels'))}, MatchExpressions:{rendered}}}"
    )


def go_int_or_string(value: Any) -> GoValue:
    """``%#v`` of an ``intstr.IntOrString`` (a value type, so not printed via String())."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_str(value)}}}")
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{as_int(value)}, StrVal:""}}')


def semantic_equal(a: Any, b: Any) -> bool:
    """``apiequality.Semantic.DeepEqual``: nil and empty maps/slices compare equal."""
    if a in (None, {}, []) and b in (None, {}, []):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(semantic_equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def validate_nonnegative(value: Any, path: str) -> list[FieldError]:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, IS_NEGATIVE)]
    return []


def validate_immutable(new: Any, old: Any, path: str, shown: Any = None) -> list[FieldError]:
    if semantic_equal(new, old):
        return []
    return [invalid(path, new if shown is None else shown, FIELD_IMMUTABLE)]


def validate_dns1123_label(value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in names.is_dns1123_label(value)]


def validate_dns1123_subdomain(value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in names.is_dns1123_subdomain(value)]


def validate_label_name(key: str, path: str) -> list[FieldError]:
    return [invalid(path, key, m) for m in names.is_qualified_name(key)]


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """``ValidateLabels``: every problem reported on the map path itself."""
    errs: list[FieldError] = []
    for key, value in sorted(as_dict(labels).items()):
        errs.extend(validate_label_name(str(key), path))
        if isinstance(value, str):
            errs.extend(invalid(path, value, m) for m in names.is_valid_label_value(value))
    return errs


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    annotations = as_dict(annotations)
    total = 0
    for key, value in sorted(annotations.items()):
        errs.extend(invalid(path, key, m) for m in names.is_qualified_name(str(key).lower()))
        total += len(str(key).encode()) + len(str(value).encode())
    if total > TOTAL_ANNOTATION_SIZE:
        errs.append(FieldError("Too long", path, "", f"may not be more than {TOTAL_ANNOTATION_SIZE} bytes"))
    return errs


def validate_label_selector_requirement(req: Any, path: str) -> list[FieldError]:
    req = as_dict(req)
    errs: list[FieldError] = []
    op = req.get("operator") or ""
    values = as_list(req.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
            )
    else:
        errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
    errs.extend(validate_label_name(str(req.get("key") or ""), f"{path}.key"))
    for i, value in enumerate(values):
        errs.extend(invalid(f"{path}.values[{i}]", value, m) for m in names.is_valid_label_value(str(value)))
    return errs


def validate_label_selector(sel: Any, path: str) -> list[FieldError]:
    if sel is None:
        return []
    sel = as_dict(sel)
    errs = validate_labels(sel.get("matchLabels"), f"{path}.matchLabels")
    for i, req in enumerate(as_list(sel.get("matchExpressions"))):
        errs.extend(validate_label_selector_requirement(req, f"{path}.matchExpressions[{i}]"))
    return errs


def selector_is_valid(sel: Any) -> bool:
    """Would ``metav1.LabelSelectorAsSelector`` succeed?"""
    for req in as_list(as_dict(sel).get("matchExpressions")):
        req = as_dict(req)
        op, values = req.get("operator"), as_list(req.get("values"))
        if op in ("In", "NotIn") and not values:
            return False
        if op in ("Exists", "DoesNotExist") and values:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
        if names.is_qualified_name(str(req.get("key") or "")):
            return False
    return all(not names.is_valid_label_value(str(v)) for v in as_dict(as_dict(sel).get("matchLabels")).values())


def selector_matches(sel: Any, labels: Any) -> bool:
    """``LabelSelectorAsSelector(sel).Matches(labels)``; a nil selector matches nothing."""
    if sel is None:
        return False
    sel, labels = as_dict(sel), as_dict(labels)
    for key, value in as_dict(sel.get("matchLabels")).items():
        if labels.get(key) != value:
            return False
    for req in as_list(sel.get("matchExpressions")):
        req = as_dict(req)
        key, op, values = req.get("key"), req.get("operator"), as_list(req.get("values"))
        if op == "In" and (key not in labels or labels[key] not in values):
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selector_is_empty(sel: Any) -> bool:
    sel = as_dict(sel)
    return not sel.get("matchLabels") and not sel.get("matchExpressions")


def validate_finalizers(finalizers: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for name in as_list(finalizers):
        name = str(name)
        msgs = names.is_qualified_name(name)
        errs.extend(invalid(path, name, m) for m in msgs)
        if not msgs and "/" not in name and name not in STANDARD_FINALIZERS:
            errs.append(invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_object_meta(
    meta: Any, namespaced: bool, name_fn: NameFn = names.name_is_dns_subdomain, path: str = "metadata"
) -> list[FieldError]:
    """``ValidateObjectMeta`` with the kind's name rule."""
    meta = as_dict(meta)
    errs: list[FieldError] = []
    generate = meta.get("generateName") or ""
    if generate:
        errs.extend(invalid(f"{path}.generateName", generate, m) for m in name_fn(generate, True))
    name = meta.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        errs.extend(invalid(f"{path}.name", name, m) for m in name_fn(name, False))
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace"))
        else:
            errs.extend(
                invalid(f"{path}.namespace", namespace, m) for m in names.validate_namespace_name(namespace, False)
            )
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    errs.extend(validate_nonnegative(meta.get("generation"), f"{path}.generation"))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_finalizers(meta.get("finalizers"), f"{path}.finalizers"))
    return errs


def validate_object_meta_update(new: Any, old: Any, path: str = "metadata") -> list[FieldError]:
    """``ValidateObjectMetaUpdate``: identity fields are immutable."""
    new, old = as_dict(new), as_dict(old)
    errs: list[FieldError] = []
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        errs.extend(validate_immutable(new.get(key) or "", old.get(key) or "", f"{path}.{key}"))
    return errs
