"""Job validation from ``pkg/apis/batch/validation`` (Kubernetes 1.32).

Mirrors ``ValidateJob``/``validateJobSpec`` (non-negative counts, completionMode, selector
matching the template, restartPolicy OnFailure/Never worded as upstream's ``Required value:
valid values: "OnFailure", "Never"``) and ``ValidateJobUpdate`` (selector, template,
completionMode immutable). A missing selector is fine unless ``manualSelector: true``: the
registry generates ``batch.kubernetes.io/controller-uid`` ones. Immutable templates print a
shortened ``core.PodTemplateSpec{…}`` rather than Go's full struct dump.
"""

from __future__ import annotations

from kubelearn.cluster.errors import FieldError, GoValue, invalid, not_supported, required

from .meta import (
    as_dict,
    go_label_selector,
    go_string_map,
    selector_is_valid,
    selector_matches,
    semantic_equal,
    validate_immutable,
    validate_label_selector,
    validate_nonnegative,
    validate_object_meta,
    validate_object_meta_update,
)
from .pod import validate_pod_template_spec

COMPLETION_MODES = ["NonIndexed", "Indexed"]
COUNT_FIELDS = ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished")


def validate_job_spec(spec: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key in COUNT_FIELDS:
        errs.extend(validate_nonnegative(spec.get(key), f"{path}.{key}"))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in COMPLETION_MODES:
            errs.append(not_supported(f"{path}.completionMode", mode, COMPLETION_MODES))
        if mode == "Indexed" and spec.get("completions") is None:
            errs.append(required(f"{path}.completions", "when completion mode is Indexed"))
    selector = spec.get("selector")
    if selector is None:
        if spec.get("manualSelector") is True:
            errs.append(required(f"{path}.selector"))
    else:
        errs.extend(validate_label_selector(selector, f"{path}.selector"))
    template = as_dict(spec.get("template"))
    labels = as_dict(template.get("metadata")).get("labels")
    if selector is not None and selector_is_valid(selector) and not selector_matches(selector, labels):
        errs.append(
            invalid(
                f"{path}.template.metadata.labels",
                GoValue(go_string_map(labels)),
                "`selector` does not match template `labels`",
            )
        )
    errs.extend(validate_pod_template_spec(template, f"{path}.template"))
    policy = as_dict(template.get("spec")).get("restartPolicy", "Always")
    if policy not in ("OnFailure", "Never"):
        errs.append(required(f"{path}.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"'))
    return errs


def validate_job(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    errs.extend(validate_job_spec(as_dict(obj.get("spec")), "spec"))
    return errs


def _go_template(template: dict) -> GoValue:
    meta = as_dict(template.get("metadata"))
    return GoValue(
        f"core.PodTemplateSpec{{ObjectMeta:v1.ObjectMeta{{Labels:{go_string_map(meta.get('labels'))}, …}}, Spec:core.PodSpec{{…}}}}"
    )


def validate_job_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_job(new))
    spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if spec.get("completionMode", "NonIndexed") != "Indexed":
        completions = spec.get("completions")
        errs.extend(
            validate_immutable(
                completions,
                old_spec.get("completions"),
                "spec.completions",
                shown=GoValue("null") if completions is None else None,
            )
        )
    errs.extend(
        validate_immutable(
            spec.get("selector"),
            old_spec.get("selector"),
            "spec.selector",
            shown=go_label_selector(spec.get("selector")),
        )
    )
    template, old_template = as_dict(spec.get("template")), as_dict(old_spec.get("template"))
    if not semantic_equal(template, old_template):
        errs.append(invalid("spec.template", _go_template(template), "field is immutable"))
    errs.extend(validate_immutable(spec.get("completionMode"), old_spec.get("completionMode"), "spec.completionMode"))
    return errs
