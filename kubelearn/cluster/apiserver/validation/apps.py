"""Deployment and ReplicaSet validation from ``pkg/apis/apps/validation`` (Kubernetes 1.32).

Mirrors ``ValidateDeploymentSpec``, ``ValidateDeploymentStrategy``,
``ValidateRollingUpdateDeployment``, ``ValidateReplicaSetSpec`` and
``ValidatePodTemplateSpecForReplicaSet``, plus the registry strategies' selector
immutability on update (apps/v1 only). Status validation is not emulated.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubelearn.cluster.errors import FieldError, GoValue, forbidden, invalid, not_supported, required

from . import names
from .meta import (
    as_dict,
    as_int,
    go_int_or_string,
    go_label_selector,
    go_string_map,
    selector_is_empty,
    selector_is_valid,
    selector_matches,
    validate_immutable,
    validate_label_selector,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)
from .pod import validate_pod_template_spec

PERCENT_FMT = "[0-9]+%"
PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
_PERCENT = re.compile(PERCENT_FMT)


def is_valid_percent(value: str) -> list[str]:
    if _PERCENT.fullmatch(value) is None:
        return [names.regex_error(PERCENT_MSG, PERCENT_FMT, "1%", "93%")]
    return []


def _percent_value(value: Any) -> int | None:
    if not isinstance(value, str) or is_valid_percent(value):
        return None
    return int(value[:-1])


def _int_or_percent_value(value: Any) -> int:
    percent = _percent_value(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return 0
    return as_int(value)


def validate_positive_int_or_percent(value: Any, path: str) -> list[FieldError]:
    if isinstance(value, str):
        return [invalid(path, go_int_or_string(value), m) for m in is_valid_percent(value)]
    return validate_nonnegative(as_int(value), path)


def validate_rolling_update(rolling: dict, path: str) -> list[FieldError]:
    max_unavailable, max_surge = rolling.get("maxUnavailable", "25%"), rolling.get("maxSurge", "25%")
    errs = validate_positive_int_or_percent(max_unavailable, f"{path}.maxUnavailable")
    errs.extend(validate_positive_int_or_percent(max_surge, f"{path}.maxSurge"))
    if _int_or_percent_value(max_unavailable) == 0 and _int_or_percent_value(max_surge) == 0:
        errs.append(
            invalid(f"{path}.maxUnavailable", go_int_or_string(max_unavailable), "may not be 0 when `maxSurge` is 0")
        )
    percent = _percent_value(max_unavailable)
    if percent is not None and percent > 100:
        errs.append(
            invalid(f"{path}.maxUnavailable", go_int_or_string(max_unavailable), "must not be greater than 100%")
        )
    return errs


def _go_strategy(strategy: dict) -> GoValue:
    rolling = strategy.get("rollingUpdate")
    ru = "(*apps.RollingUpdateDeployment)(nil)"
    if isinstance(rolling, dict):
        mu = go_int_or_string(rolling.get("maxUnavailable", "25%")).text
        ms = go_int_or_string(rolling.get("maxSurge", "25%")).text
        ru = f"&apps.RollingUpdateDeployment{{MaxUnavailable:{mu}, MaxSurge:{ms}}}"
    return GoValue(f"apps.DeploymentStrategy{{Type:{json.dumps(str(strategy.get('type') or ''))}, RollingUpdate:{ru}}}")


def validate_deployment_strategy(strategy: Any, path: str) -> list[FieldError]:
    strategy = as_dict(strategy)
    kind = strategy.get("type", "RollingUpdate")
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            return [forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if kind == "RollingUpdate":
        return validate_rolling_update(as_dict(strategy.get("rollingUpdate")), f"{path}.rollingUpdate")
    return [not_supported(path, _go_strategy(strategy), ["Recreate", "RollingUpdate"])]


def validate_template_for_replica_set(spec: dict, path: str) -> list[FieldError]:
    """Selector checks plus ``ValidatePodTemplateSpecForReplicaSet``."""
    errs: list[FieldError] = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(required(f"{path}.selector"))
    else:
        errs.extend(validate_label_selector(selector, f"{path}.selector"))
        if selector_is_empty(selector):
            errs.append(
                invalid(f"{path}.selector", go_label_selector(selector), "empty selector is invalid for deployment")
            )
    if selector is not None and not selector_is_valid(selector):
        errs.append(invalid(f"{path}.selector", go_label_selector(selector), "invalid label selector"))
        return errs
    template = as_dict(spec.get("template"))
    tpath = f"{path}.template"
    labels = as_dict(template.get("metadata")).get("labels")
    if not (selector is not None and selector_is_empty(selector)) and not selector_matches(selector, labels):
        errs.append(
            invalid(
                f"{tpath}.metadata.labels",
                GoValue(go_string_map(labels)),
                "`selector` does not match template `labels`",
            )
        )
    errs.extend(validate_pod_template_spec(template, tpath))
    tspec = as_dict(template.get("spec"))
    policy = tspec.get("restartPolicy", "Always")
    if policy != "Always":
        errs.append(not_supported(f"{tpath}.spec.restartPolicy", policy, ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            invalid(
                f"{tpath}.spec.activeDeadlineSeconds",
                tspec["activeDeadlineSeconds"],
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def validate_deployment(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    spec = as_dict(obj.get("spec"))
    errs.extend(validate_nonnegative(spec.get("replicas"), "spec.replicas"))
    errs.extend(validate_template_for_replica_set(spec, "spec"))
    errs.extend(validate_deployment_strategy(spec.get("strategy"), "spec.strategy"))
    min_ready = as_int(spec.get("minReadySeconds"))
    errs.extend(validate_nonnegative(min_ready, "spec.minReadySeconds"))
    errs.extend(validate_nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit"))
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int):
        errs.extend(validate_nonnegative(deadline, "spec.progressDeadlineSeconds"))
        if deadline <= min_ready:
            errs.append(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return errs


def validate_replica_set(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    spec = as_dict(obj.get("spec"))
    errs.extend(validate_nonnegative(spec.get("replicas"), "spec.replicas"))
    errs.extend(validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds"))
    errs.extend(validate_template_for_replica_set(spec, "spec"))
    return errs


def _selector_immutable(new: dict, old: dict) -> list[FieldError]:
    new_sel, old_sel = as_dict(new.get("spec")).get("selector"), as_dict(old.get("spec")).get("selector")
    return validate_immutable(new_sel, old_sel, "spec.selector", shown=go_label_selector(new_sel))


def validate_deployment_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_deployment(new))
    errs.extend(_selector_immutable(new, old))
    return errs


def validate_replica_set_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_replica_set(new))
    errs.extend(_selector_immutable(new, old))
    return errs
