"""HorizontalPodAutoscaler (autoscaling/v2) validation from ``pkg/apis/autoscaling/validation`` (1.32).

Mirrors ``validateHorizontalPodAutoscalerSpec``: ``minReplicas`` >= 1 (HPAScaleToZero is
alpha and off), ``maxReplicas`` > 0 and >= ``minReplicas``, ``scaleTargetRef`` kind/name,
each metric's type with exactly its own source populated, metric targets, and the behavior
policies' ranges. Behavior policies left out are filled by defaulting, so an absent
``policies`` list is not reported.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.apiserver.quantity import parse_quantity
from kubelearn.cluster.errors import FieldError, forbidden, invalid, not_supported, required

from . import names
from .container import resource_name_errors
from .meta import as_dict, as_int, as_list, validate_object_meta

METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"]
SOURCE_FIELDS = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "External": "external",
    "ContainerResource": "containerResource",
}
SELECT_POLICIES = ["Disabled", "Max", "Min"]
POLICY_TYPES = ["Percent", "Pods"]
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600


def validate_cross_version_ref(ref: Any, path: str) -> list[FieldError]:
    ref = as_dict(ref)
    errs: list[FieldError] = []
    for key in ("kind", "name"):
        value = str(ref.get(key) or "")
        if not value:
            errs.append(required(f"{path}.{key}"))
        else:
            errs.extend(invalid(f"{path}.{key}", value, m) for m in names.validate_path_segment_name(value))
    return errs


def _sign(value: Any) -> int:
    try:
        amount = parse_quantity(value)
    except (ValueError, TypeError, ArithmeticError):
        return 1
    return (amount > 0) - (amount < 0)


def validate_metric_target(target: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    kind = target.get("type") or ""
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.append(invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue"))
    for key in ("value", "averageValue"):
        if target.get(key) is not None and _sign(target[key]) != 1:
            errs.append(invalid(f"{path}.{key}", str(target[key]), "must be positive"))
    utilization = target.get("averageUtilization")
    if utilization is not None and as_int(utilization) < 1:
        errs.append(invalid(f"{path}.averageUtilization", utilization, "must be greater than 0"))
    return errs


def _metric_name(source: dict, path: str) -> list[FieldError]:
    if not as_dict(source.get("metric")).get("name"):
        return [required(f"{path}.metric.name", "must specify a metric name")]
    return []


def _validate_source(kind: str, source: dict, path: str) -> list[FieldError]:
    target = as_dict(source.get("target"))
    tpath = f"{path}.target"
    errs: list[FieldError] = []
    if kind in ("Resource", "ContainerResource"):
        name = str(source.get("name") or "")
        if not name:
            errs.append(required(f"{path}.name", "must specify a resource name"))
        else:
            errs.extend(resource_name_errors(name, f"{path}.name"))
        if kind == "ContainerResource" and not source.get("container"):
            errs.append(required(f"{path}.container", "must specify a container"))
        errs.extend(validate_metric_target(target, tpath))
        if target.get("averageUtilization") is None and target.get("averageValue") is None:
            errs.append(
                required(f"{tpath}.averageUtilization", "must set either a target raw value or a target utilization")
            )
        if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
            errs.append(
                forbidden(f"{tpath}.averageValue", "may not set both a target raw value and a target utilization")
            )
    elif kind == "Pods":
        errs.extend(_metric_name(source, path))
        errs.extend(validate_metric_target(target, tpath))
        if target.get("averageValue") is None:
            errs.append(required(f"{tpath}.averageValue", "must specify a positive target averageValue"))
    elif kind in ("Object", "External"):
        if kind == "Object":
            errs.extend(validate_cross_version_ref(source.get("describedObject"), f"{path}.describedObject"))
        errs.extend(_metric_name(source, path))
        errs.extend(validate_metric_target(target, tpath))
        if target.get("value") is None and target.get("averageValue") is None:
            errs.append(required(f"{tpath}.value", "must set either a target value or averageValue"))
    return errs


def validate_metric_spec(metric: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    kind = metric.get("type") or ""
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric source type"))
    if kind not in METRIC_TYPES:
        errs.append(not_supported(f"{path}.type", kind, METRIC_TYPES))
    present = [f for f in SOURCE_FIELDS.values() if metric.get(f) is not None]
    expected = SOURCE_FIELDS.get(kind)
    if expected is not None and metric.get(expected) is None:
        errs.append(required(f"{path}.{expected}", "must populate information for the given metric source"))
    if len(present) != 1:
        errs.extend(
            forbidden(f"{path}.{f}", "must populate the given metric source only")
            for f in sorted(present)
            if f != expected
        )
    if expected is not None and metric.get(expected) is not None:
        errs.extend(_validate_source(kind, as_dict(metric[expected]), f"{path}.{expected}"))
    return errs


def validate_scaling_rules(rules: Any, path: str) -> list[FieldError]:
    if rules is None:
        return []
    rules = as_dict(rules)
    errs: list[FieldError] = []
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int) and window < 0:
        errs.append(invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero"))
    if isinstance(window, int) and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.append(
            invalid(
                f"{path}.stabilizationWindowSeconds",
                window,
                f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}",
            )
        )
    select = rules.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        errs.append(not_supported(f"{path}.selectPolicy", select, SELECT_POLICIES))
    if "policies" in rules and not as_list(rules.get("policies")):
        errs.append(required(f"{path}.policies", "must specify at least one Policy"))
    for i, policy in enumerate(as_list(rules.get("policies"))):
        policy, p = as_dict(policy), f"{path}.policies[{i}]"
        if policy.get("type") not in POLICY_TYPES:
            errs.append(not_supported(f"{p}.type", policy.get("type") or "", POLICY_TYPES))
        value, period = as_int(policy.get("value")), as_int(policy.get("periodSeconds"))
        if value <= 0:
            errs.append(invalid(f"{p}.value", value, "must be greater than zero"))
        if period <= 0:
            errs.append(invalid(f"{p}.periodSeconds", period, "must be greater than zero"))
        if period > MAX_PERIOD_SECONDS:
            errs.append(invalid(f"{p}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}"))
    return errs


def validate_hpa(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    spec = as_dict(obj.get("spec"))
    min_replicas, max_replicas = spec.get("minReplicas"), as_int(spec.get("maxReplicas"))
    if isinstance(min_replicas, int) and min_replicas < 1:
        errs.append(invalid("spec.minReplicas", min_replicas, "must be greater than or equal to 1"))
    if max_replicas < 1:
        errs.append(invalid("spec.maxReplicas", max_replicas, "must be greater than 0"))
    if isinstance(min_replicas, int) and max_replicas < min_replicas:
        errs.append(invalid("spec.maxReplicas", max_replicas, "must be greater than or equal to `minReplicas`"))
    errs.extend(validate_cross_version_ref(spec.get("scaleTargetRef"), "spec.scaleTargetRef"))
    for i, metric in enumerate(as_list(spec.get("metrics"))):
        errs.extend(validate_metric_spec(as_dict(metric), f"spec.metrics[{i}]"))
    behavior = as_dict(spec.get("behavior"))
    errs.extend(validate_scaling_rules(behavior.get("scaleUp"), "spec.behavior.scaleUp"))
    errs.extend(validate_scaling_rules(behavior.get("scaleDown"), "spec.behavior.scaleDown"))
    return errs
