"""PodSpec, Pod and PodTemplateSpec validation from ``pkg/apis/core/validation`` (Kubernetes 1.32).

Mirrors ``ValidatePodSpec`` (volumes, containers, restartPolicy, dnsPolicy, nodeSelector,
tolerations, serviceAccountName, activeDeadlineSeconds), ``ValidatePodTemplateSpec``,
``ValidatePodCreate`` and ``ValidatePodUpdate`` with its famous "pod updates may not change
fields other than …" message. Simplifies: the ``cmp.Diff`` appended to that message is a
short field-level diff, not go-cmp's exact rendering; affinity, securityContext, DNS config,
topology spread and scheduling gates are not validated.
"""

from __future__ import annotations

import json
from typing import Any

from kubelearn.cluster.errors import FieldError, GoValue, forbidden, invalid, not_supported, required

from . import names
from .container import validate_containers, validate_init_containers
from .meta import (
    as_dict,
    as_list,
    get,
    semantic_equal,
    validate_annotations,
    validate_dns1123_label,
    validate_label_name,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
    "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)  # fmt: skip
HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]
UPDATABLE_POD_FIELDS = ",".join(
    [
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    ]
)
MAX_INT32 = 2**31 - 1


def _volume_source_errors(volume: dict, path: str) -> list[FieldError]:
    """``validateVolumeSource``: exactly one source, plus each source's required name."""
    errs: list[FieldError] = []
    count = 0
    for key in VOLUME_SOURCES:
        if volume.get(key) is None:
            continue
        if count > 0:
            errs.append(forbidden(f"{path}.{key}", "may not specify more than 1 volume type"))
            continue
        count += 1
        source, p = as_dict(volume[key]), f"{path}.{key}"
        if key == "configMap" and not source.get("name"):
            errs.append(required(f"{p}.name"))
        elif key == "secret" and not source.get("secretName"):
            errs.append(required(f"{p}.secretName"))
        elif key == "persistentVolumeClaim" and not source.get("claimName"):
            errs.append(required(f"{p}.claimName"))
        elif key == "hostPath":
            if not source.get("path"):
                errs.append(required(f"{p}.path"))
            if source.get("type", "") not in HOST_PATH_TYPES:
                errs.append(not_supported(f"{p}.type", source.get("type"), HOST_PATH_TYPES))
        if key in ("configMap", "secret"):
            for i, item in enumerate(as_list(source.get("items"))):
                item = as_dict(item)
                if not item.get("key"):
                    errs.append(required(f"{p}.items[{i}].key"))
                if not item.get("path"):
                    errs.append(required(f"{p}.items[{i}].path"))
    if count == 0:
        errs.append(required(path, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str) -> tuple[set[str], list[FieldError]]:
    """``ValidateVolumes``: returns the names of the volumes that validated cleanly."""
    good: set[str] = set()
    seen: set[str] = set()
    errs: list[FieldError] = []
    for i, volume in enumerate(as_list(volumes)):
        volume, p = as_dict(volume), f"{path}[{i}]"
        name = volume.get("name") or ""
        el = _volume_source_errors(volume, p)
        if not name:
            el.append(required(f"{p}.name"))
        else:
            el.extend(validate_dns1123_label(name, f"{p}.name"))
        if name in seen:
            el.append(FieldError("Duplicate value", f"{p}.name", name))
        seen.add(name)
        if el:
            errs.extend(el)
        else:
            good.add(name)
    return good, errs


def go_toleration(t: dict) -> GoValue:
    seconds = t.get("tolerationSeconds")
    secs = "(*int64)(nil)" if seconds is None else f"(*int64)({seconds})"
    fields = ", ".join(
        f"{k.capitalize()}:{json.dumps(str(t.get(k) or ''))}" for k in ("key", "operator", "value", "effect")
    )
    return GoValue(f"core.Toleration{{{fields}, TolerationSeconds:{secs}}}")


def validate_taint_effect(effect: str, allow_empty: bool, path: str) -> list[FieldError]:
    if not allow_empty and not effect:
        return [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def validate_tolerations(tolerations: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, tol in enumerate(as_list(tolerations)):
        tol, p = as_dict(tol), f"{path}[{i}]"
        key, op = tol.get("key") or "", tol.get("operator") or ""
        value, effect = tol.get("value") or "", tol.get("effect") or ""
        if key:
            errs.extend(validate_label_name(key, f"{p}.key"))
        if not key and op != "Exists":
            errs.append(
                invalid(
                    f"{p}.operator",
                    op,
                    'operator must be Exists when `key` is empty, which means "match all values and all keys"',
                )
            )
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(f"{p}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = names.is_valid_label_value(value)
            if msgs:
                errs.append(invalid(f"{p}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(
                    invalid(f"{p}.operator", go_toleration(tol), "value must be empty when `operator` is 'Exists'")
                )
        else:
            errs.append(not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        if effect:
            errs.extend(validate_taint_effect(effect, True, f"{p}.effect"))
    return errs


def validate_restart_policy(spec: dict, path: str) -> list[FieldError]:
    policy = spec.get("restartPolicy", "Always")
    if policy in RESTART_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, RESTART_POLICIES)]


def validate_pod_spec(spec: Any, path: str) -> list[FieldError]:
    """``ValidatePodSpec`` in upstream's order."""
    spec = as_dict(spec)
    volumes, errs = validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs.extend(validate_containers(spec.get("containers"), volumes, f"{path}.containers"))
    errs.extend(
        validate_init_containers(spec.get("initContainers"), spec.get("containers"), volumes, f"{path}.initContainers")
    )
    errs.extend(validate_restart_policy(spec, f"{path}.restartPolicy"))
    dns = spec.get("dnsPolicy", "ClusterFirst")
    if not dns:
        errs.append(required(f"{path}.dnsPolicy"))
    elif dns not in DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    errs.extend(validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector"))
    for i, secret in enumerate(as_list(spec.get("imagePullSecrets"))):
        if not as_dict(secret).get("name"):
            errs.append(required(f"{path}.imagePullSecrets[{i}].name"))
    sa = spec.get("serviceAccountName") or ""
    if sa:
        errs.extend(invalid(f"{path}.serviceAccountName", sa, m) for m in names.name_is_dns_subdomain(sa))
    node = spec.get("nodeName") or ""
    if node:
        errs.extend(invalid(f"{path}.nodeName", node, m) for m in names.name_is_dns_subdomain(node))
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not 1 <= deadline <= MAX_INT32:
        errs.append(invalid(f"{path}.activeDeadlineSeconds", deadline, names.inclusive_range_error(1, MAX_INT32)))
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs.extend(validate_dns1123_label(spec[key], f"{path}.{key}"))
    errs.extend(validate_tolerations(spec.get("tolerations"), f"{path}.tolerations"))
    return errs


def validate_pod_template_spec(template: Any, path: str) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: labels reported on ``<path>.labels`` (not metadata.labels)."""
    template = as_dict(template)
    meta = as_dict(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_pod_spec(template.get("spec"), f"{path}.spec"))
    return errs


def validate_pod(pod: dict) -> list[FieldError]:
    errs = validate_object_meta(pod.get("metadata"), True)
    errs.extend(validate_pod_spec(pod.get("spec"), "spec"))
    return errs


def _container_updates(new: list, old: list, path: str) -> tuple[list[FieldError], bool]:
    if len(new) != len(old):
        return [forbidden(path, "pod updates may not add or remove containers")], True
    errs: list[FieldError] = []
    for i, ctr in enumerate(new):
        image = as_dict(ctr).get("image") or ""
        if not image:
            errs.append(required(f"{path}[{i}].image"))
        if image.strip() != image:
            errs.append(invalid(f"{path}[{i}].image", image, "must not have leading or trailing whitespace"))
    return errs, False


def _spec_diff(old: dict, new: dict) -> str:
    """A short stand-in for go-cmp's ``cmp.Diff(oldPod.Spec, mungedPodSpec)``."""
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if semantic_equal(old.get(key), new.get(key)):
            continue
        name = key[0].upper() + key[1:]
        if key in old:
            lines.append(f"- \t{name}: {json.dumps(old[key], sort_keys=True)},")
        if key in new:
            lines.append(f"+ \t{name}: {json.dumps(new[key], sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def _only_added_tolerations(new: list, old: list, path: str) -> list[FieldError]:
    for tol in old:
        base = {k: v for k, v in as_dict(tol).items() if k != "tolerationSeconds"}
        if not any(
            semantic_equal(base, {k: v for k, v in as_dict(n).items() if k != "tolerationSeconds"}) for n in new
        ):
            return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")]
    return validate_tolerations(new, path)


def validate_pod_update(new: dict, old: dict) -> list[FieldError]:
    """``ValidatePodUpdate``: only images, activeDeadlineSeconds, tolerations (additions) may change."""
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs.extend(validate_pod(new))
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    for key in ("containers", "initContainers"):
        c_errs, stop = _container_updates(as_list(new_spec.get(key)), as_list(old_spec.get(key)), f"spec.{key}")
        errs.extend(c_errs)
        if stop:
            return errs
    new_deadline, old_deadline = new_spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds")
    if new_deadline is not None:
        if not 0 <= new_deadline <= MAX_INT32:
            errs.append(invalid("spec.activeDeadlineSeconds", new_deadline, names.inclusive_range_error(0, MAX_INT32)))
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(
                invalid("spec.activeDeadlineSeconds", new_deadline, "must be less than or equal to previous value")
            )
            return errs
    elif old_deadline is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds", GoValue("null"), "must not update from a positive integer to nil value"
            )
        )
    errs.extend(
        _only_added_tolerations(
            as_list(new_spec.get("tolerations")), as_list(old_spec.get("tolerations")), "spec.tolerations"
        )
    )
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        if key in munged:
            olds = as_list(old_spec.get(key))
            munged[key] = [{**as_dict(c), "image": get(olds, i, "image")} for i, c in enumerate(as_list(munged[key]))]
    munged.pop("activeDeadlineSeconds", None)
    if old_deadline is not None:
        munged["activeDeadlineSeconds"] = old_deadline
    munged.pop("tolerations", None)
    if "tolerations" in old_spec:
        munged["tolerations"] = old_spec["tolerations"]
    old_grace, new_grace = old_spec.get("terminationGracePeriodSeconds"), munged.get("terminationGracePeriodSeconds")
    if isinstance(old_grace, int) and old_grace < 0 and new_grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if not semantic_equal(munged, old_spec):
        detail = f"pod updates may not change fields other than {UPDATABLE_POD_FIELDS}\n{_spec_diff(old_spec, munged)}"
        errs.append(forbidden("spec", detail))
    return errs
