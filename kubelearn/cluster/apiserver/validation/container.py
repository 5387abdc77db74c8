"""Container checks from ``pkg/apis/core/validation/validation.go`` (Kubernetes 1.32).

Mirrors ``validateContainerCommon``, ``validateContainerPorts``, ``ValidateEnv``,
``ValidateVolumeMounts``, ``validatePullPolicy``, ``validateResourceRequirements`` and the
probe/handler checks. Fields that defaulting fills in (protocol, imagePullPolicy,
terminationMessagePolicy, probe thresholds) are treated as defaulted when absent instead of
``Required``. Simplifies: no securityContext, lifecycle hooks, resizePolicy or volumeDevices.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.apiserver.quantity import canonical, parse_quantity
from kubelearn.cluster.errors import FieldError, forbidden, invalid, not_found, not_supported, required

from . import names
from .meta import as_dict, as_int, as_list, validate_dns1123_label, validate_nonnegative

PROTOCOLS = ["SCTP", "TCP", "UDP"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
HTTP_SCHEMES = ["HTTP", "HTTPS"]
STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
STANDARD_RESOURCES = STANDARD_CONTAINER_RESOURCES | {
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    "services.nodeports", "services.loadbalancers",
}  # fmt: skip
HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc", "sleep")


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_hugepages(name)


def _is_extended(name: str) -> bool:
    return not _is_native(name) and not name.startswith("requests.")


def validate_port_num_or_name(port: Any, path: str) -> list[FieldError]:
    """``ValidatePortNumOrName`` for an IntOrString port."""
    if isinstance(port, str):
        return [invalid(path, port, m) for m in names.is_valid_port_name(port)]
    number = as_int(port)
    return [invalid(path, number, m) for m in names.is_valid_port_num(number)]


def validate_container_ports(ports: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        port, p = as_dict(port), f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            msgs = names.is_valid_port_name(name)
            if msgs:
                errs.extend(invalid(f"{p}.name", name, m) for m in msgs)
            elif name in seen:
                errs.append(FieldError("Duplicate value", f"{p}.name", name))
            else:
                seen.add(name)
        container_port = as_int(port.get("containerPort"))
        if container_port == 0:
            errs.append(required(f"{p}.containerPort"))
        else:
            errs.extend(
                invalid(f"{p}.containerPort", container_port, m) for m in names.is_valid_port_num(container_port)
            )
        host_port = as_int(port.get("hostPort"))
        if host_port:
            errs.extend(invalid(f"{p}.hostPort", host_port, m) for m in names.is_valid_port_num(host_port))
        protocol = port.get("protocol", "TCP")
        if not protocol:
            errs.append(required(f"{p}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", protocol, PROTOCOLS))
    return errs


def validate_env(env: Any, path: str) -> list[FieldError]:
    """``ValidateEnv`` with RelaxedEnvironmentVariableValidation (beta, on by default in 1.32)."""
    errs: list[FieldError] = []
    for i, var in enumerate(as_list(env)):
        var, p = as_dict(var), f"{path}[{i}]"
        name = var.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        errs.extend(invalid(f"{p}.name", name, m) for m in names.is_relaxed_env_var_name(name))
        source = as_dict(var.get("valueFrom"))
        if "valueFrom" in var and var.get("valueFrom") is not None:
            count = sum(1 for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef") if source.get(k))
            if count == 0:
                errs.append(
                    invalid(
                        f"{p}.valueFrom",
                        "",
                        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                    )
                )
            elif count > 1:
                errs.append(invalid(f"{p}.valueFrom", "", "may not have more than one field specified at a time"))
            elif var.get("value"):
                errs.append(invalid(f"{p}.valueFrom", "", "may not be specified when `value` is not empty"))
            for ref in ("configMapKeyRef", "secretKeyRef"):
                if isinstance(source.get(ref), dict):
                    ref_path = f"{p}.valueFrom.{ref}"
                    if not source[ref].get("name"):
                        errs.append(required(f"{ref_path}.name"))
                    key = source[ref].get("key") or ""
                    if not key:
                        errs.append(required(f"{ref_path}.key"))
                    else:
                        errs.extend(invalid(f"{ref_path}.key", key, m) for m in names.is_config_map_key(key))
    return errs


def validate_volume_mounts(mounts: Any, volumes: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    mount_points: set[str] = set()
    for i, mount in enumerate(as_list(mounts)):
        mount, p = as_dict(mount), f"{path}[{i}]"
        name = mount.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        mount_path = mount.get("mountPath") or ""
        if not mount_path:
            errs.append(required(f"{p}.mountPath"))
        if mount_path in mount_points:
            errs.append(invalid(f"{p}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
        sub_path = mount.get("subPath") or ""
        if sub_path.startswith("/"):
            errs.append(invalid(f"{path}.subPath", sub_path, "must be a relative path"))
        if ".." in sub_path.split("/"):
            errs.append(invalid(f"{path}.subPath", sub_path, "must not contain '..'"))
    return errs


def validate_pull_policy(container: dict, path: str) -> list[FieldError]:
    policy = container.get("imagePullPolicy", "IfNotPresent")
    if policy in PULL_POLICIES:
        return []
    if not policy:
        return [required(path)]
    return [not_supported(path, policy, PULL_POLICIES)]


def resource_name_errors(name: str, path: str) -> list[FieldError]:
    msgs = names.is_qualified_name(name)
    if msgs:
        return [invalid(path, name, m) for m in msgs]
    if "/" not in name:
        if name not in STANDARD_RESOURCES and not _is_hugepages(name):
            return [invalid(path, name, "must be a standard resource type or fully qualified")]
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            return [invalid(path, name, "must be a standard resource for containers")]
    elif not _is_native(name) and not _is_extended(name):
        return [invalid(path, name, "doesn't follow extended resource name standard")]
    return []


def _quantity_errors(name: str, value: Any, path: str) -> tuple[list[FieldError], Any]:
    try:
        amount = parse_quantity(value)
    except (ValueError, TypeError, ArithmeticError):
        return [], None
    errs: list[FieldError] = []
    if amount < 0:
        errs.append(invalid(path, canonical(value), "must be greater than or equal to 0"))
    if _is_extended(name) and (amount * 1000) % 1000 != 0:
        errs.append(invalid(path, canonical(value), "must be an integer"))
    return errs, amount


def validate_resources(resources: Any, path: str) -> list[FieldError]:
    """``validateResourceRequirements`` for a container: names, non-negative, request <= limit."""
    resources = as_dict(resources)
    limits, requests = as_dict(resources.get("limits")), as_dict(resources.get("requests"))
    errs: list[FieldError] = []
    limit_amounts: dict[str, Any] = {}
    for name, value in sorted(limits.items()):
        key_path = f"{path}.limits[{name}]"
        errs.extend(resource_name_errors(name, key_path))
        q_errs, limit_amounts[name] = _quantity_errors(name, value, key_path)
        errs.extend(q_errs)
    for name, value in sorted(requests.items()):
        key_path = f"{path}.requests[{name}]"
        errs.extend(resource_name_errors(name, key_path))
        q_errs, amount = _quantity_errors(name, value, key_path)
        errs.extend(q_errs)
        limit = limit_amounts.get(name)
        if name in limits:
            if amount is None or limit is None:
                continue
            if amount != limit and not _overcommit_allowed(name):
                errs.append(invalid(f"{path}.requests", canonical(value), f"must be equal to {name} limit"))
            elif amount > limit:
                errs.append(
                    invalid(f"{path}.requests", canonical(value), f"must be less than or equal to {name} limit")
                )
        elif not _overcommit_allowed(name):
            errs.append(required(f"{path}.limits", "Limit must be set for non overcommitable resources"))
    return errs


def validate_handler(handler: dict, path: str, grace: bool = False) -> list[FieldError]:
    """``validateHandler``: exactly one of exec/httpGet/tcpSocket/grpc."""
    errs: list[FieldError] = []
    count = 0
    for kind in HANDLERS:
        if handler.get(kind) is None:
            continue
        if count > 0:
            errs.append(forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        count += 1
        action, p = as_dict(handler[kind]), f"{path}.{kind}"
        if kind == "exec" and not as_list(action.get("command")):
            errs.append(required(f"{p}.command"))
        elif kind == "httpGet":
            if "path" in action and not action.get("path"):
                errs.append(required(f"{p}.path"))
            errs.extend(validate_port_num_or_name(action.get("port"), f"{p}.port"))
            scheme = action.get("scheme", "HTTP")
            if scheme not in HTTP_SCHEMES:
                errs.append(not_supported(f"{p}.scheme", scheme, HTTP_SCHEMES))
        elif kind == "tcpSocket":
            errs.extend(validate_port_num_or_name(action.get("port"), f"{p}.port"))
        elif kind == "grpc":
            errs.extend(validate_port_num_or_name(as_int(action.get("port")), f"{p}.port"))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def validate_probe(probe: Any, path: str, kind: str) -> list[FieldError]:
    if probe is None:
        return []
    probe = as_dict(probe)
    errs = validate_handler(probe, path)
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        errs.extend(validate_nonnegative(probe.get(key), f"{path}.{key}"))
    grace = probe.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace <= 0:
        errs.append(invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0"))
    if kind in ("liveness", "startup"):
        success = probe.get("successThreshold", 1)
        if success != 1:
            errs.append(invalid(f"{path}.successThreshold", success, "must be 1"))
    return errs


def validate_container_common(container: Any, volumes: set[str], path: str) -> list[FieldError]:
    container = as_dict(container)
    errs: list[FieldError] = []
    name = container.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name"))
    else:
        errs.extend(validate_dns1123_label(name, f"{path}.name"))
    if not container.get("image"):
        errs.append(required(f"{path}.image"))
    tmp = container.get("terminationMessagePolicy", "File")
    if not tmp:
        errs.append(required(f"{path}.terminationMessagePolicy", "must be 'File' or 'FallbackToLogsOnError'"))
    elif tmp not in TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(f"{path}.terminationMessagePolicy", tmp, TERMINATION_MESSAGE_POLICIES))
    errs.extend(validate_container_ports(container.get("ports"), f"{path}.ports"))
    errs.extend(validate_env(container.get("env"), f"{path}.env"))
    errs.extend(validate_volume_mounts(container.get("volumeMounts"), volumes, f"{path}.volumeMounts"))
    errs.extend(validate_pull_policy(container, f"{path}.imagePullPolicy"))
    errs.extend(validate_resources(container.get("resources"), f"{path}.resources"))
    return errs


def validate_containers(containers: Any, volumes: set[str], path: str) -> list[FieldError]:
    containers = as_list(containers)
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, container in enumerate(containers):
        p = f"{path}[{i}]"
        errs.extend(validate_container_common(container, volumes, p))
        name = as_dict(container).get("name") or ""
        if name in seen:
            errs.append(FieldError("Duplicate value", f"{p}.name", name))
        else:
            seen.add(name)
        for kind in ("liveness", "readiness", "startup"):
            errs.extend(validate_probe(as_dict(container).get(f"{kind}Probe"), f"{p}.{kind}Probe", kind))
    return errs


def validate_init_containers(containers: Any, regular: Any, volumes: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen = {as_dict(c).get("name") or "" for c in as_list(regular)}
    for i, container in enumerate(as_list(containers)):
        container, p = as_dict(container), f"{path}[{i}]"
        errs.extend(validate_container_common(container, volumes, p))
        name = container.get("name") or ""
        if name in seen:
            errs.append(FieldError("Duplicate value", f"{p}.name", name))
        elif name:
            seen.add(name)
        policy = container.get("restartPolicy")
        if policy is not None and policy != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", policy, ["Always"]))
        if policy != "Always":
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(
                        forbidden(f"{p}.{key}", "may not be set for init containers without restartPolicy=Always")
                    )
    return errs
