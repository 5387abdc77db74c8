"""Service validation from ``pkg/apis/core/validation`` (``ValidateService``, 1.32).

Mirrors ``ValidateService``/``validateServicePort`` (ports, names, protocols, targetPort,
type, nodePort with ClusterIP, duplicate (protocol, port) pairs, selector labels, session
affinity, externalTrafficPolicy) and ``ValidateServiceUpdate``'s cluster IP rule
(``spec.clusterIPs[0]: … may not change once set``). An empty clusterIP on update keeps the
old one, as the registry's ``patchAllocatedValues`` does. The nodePort range check lives in
the port allocator, not here. Simplifies: no dual-stack family checks or source ranges.
"""

from __future__ import annotations

import json

from kubelearn.cluster.errors import FieldError, GoValue, forbidden, invalid, not_supported, required

from . import names
from .container import PROTOCOLS, validate_port_num_or_name
from .meta import (
    as_dict,
    as_int,
    as_list,
    go_int_or_string,
    go_string_slice,
    validate_dns1123_label,
    validate_dns1123_subdomain,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
SESSION_AFFINITIES = ["ClientIP", "None"]
TRAFFIC_POLICIES = ["Cluster", "Local"]
KUBELET_PORT = 10250


def cluster_ips(spec: dict) -> list[str]:
    ips = [str(ip) for ip in as_list(spec.get("clusterIPs"))]
    if not ips and spec.get("clusterIP"):
        ips = [str(spec["clusterIP"])]
    return ips


def is_headless(spec: dict) -> bool:
    return spec.get("type", "ClusterIP") == "ClusterIP" and cluster_ips(spec) == ["None"]


def _go_service_port(protocol: str, port: int) -> GoValue:
    return GoValue(
        f'core.ServicePort{{Name:"", Protocol:{json.dumps(protocol)}, AppProtocol:(*string)(nil), Port:{port}, '
        f"TargetPort:{go_int_or_string(0).text}, NodePort:0}}"
    )


def validate_service_port(port: dict, require_name: bool, seen: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs.extend(validate_dns1123_label(name, f"{path}.name"))
        if name in seen:
            errs.append(FieldError("Duplicate value", f"{path}.name", name))
        else:
            seen.add(name)
    number = as_int(port.get("port"))
    errs.extend(invalid(f"{path}.port", number, m) for m in names.is_valid_port_num(number))
    protocol = port.get("protocol", "TCP")
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    errs.extend(validate_port_num_or_name(port.get("targetPort", number), f"{path}.targetPort"))
    return errs


def _validate_type_specific(spec: dict, kind: str, ports: list) -> list[FieldError]:
    errs: list[FieldError] = []
    if kind == "LoadBalancer":
        for i, port in enumerate(ports):
            if as_int(as_dict(port).get("port")) == KUBELET_PORT:
                errs.append(
                    invalid(
                        f"spec.ports[{i}]",
                        KUBELET_PORT,
                        f"may not expose port {KUBELET_PORT} externally since it is used by kubelet",
                    )
                )
    if kind in ("LoadBalancer", "NodePort") and cluster_ips(spec)[:1] == ["None"]:
        errs.append(invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services"))
    if kind == "ExternalName":
        if spec.get("clusterIP") not in (None, "") or as_list(spec.get("clusterIPs")):
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        cname = str(spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs.extend(validate_dns1123_subdomain(cname, "spec.externalName"))
        else:
            errs.append(required("spec.externalName"))
    return errs


def validate_service(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True, names.name_is_dns1035_label)
    spec = as_dict(obj.get("spec"))
    kind = spec.get("type", "ClusterIP")
    ports = as_list(spec.get("ports"))
    if not ports and not is_headless(spec) and kind != "ExternalName":
        errs.append(required("spec.ports"))
    errs.extend(_validate_type_specific(spec, kind, ports))
    seen: set[str] = set()
    for i, port in enumerate(ports):
        errs.extend(validate_service_port(as_dict(port), len(ports) > 1, seen, f"spec.ports[{i}]"))
    if spec.get("selector") is not None:
        errs.extend(validate_labels(spec.get("selector"), "spec.selector"))
    affinity = spec.get("sessionAffinity", "None")
    if not affinity:
        errs.append(required("spec.sessionAffinity"))
    elif affinity not in SESSION_AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    for i, ip in enumerate(cluster_ips(spec)):
        if ip != "None":
            errs.extend(invalid(f"spec.clusterIPs[{i}]", ip, m) for m in names.is_valid_ip(ip))
    for i, ip in enumerate(as_list(spec.get("externalIPs"))):
        errs.extend(invalid(f"spec.externalIPs[{i}]", ip, m) for m in names.is_valid_ip(str(ip)))
    if not kind:
        errs.append(required("spec.type"))
    elif kind not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", kind, SERVICE_TYPES))
    if kind == "ClusterIP":
        for i, port in enumerate(ports):
            if as_int(as_dict(port).get("nodePort")):
                errs.append(forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    pairs: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        port = as_dict(port)
        protocol, node_port = str(port.get("protocol", "TCP")), as_int(port.get("nodePort"))
        if node_port:
            if (protocol, node_port) in node_ports:
                errs.append(FieldError("Duplicate value", f"spec.ports[{i}].nodePort", node_port))
            node_ports.add((protocol, node_port))
        key = (protocol, as_int(port.get("port")))
        if key in pairs:
            errs.append(FieldError("Duplicate value", f"spec.ports[{i}]", _go_service_port(*key)))
        pairs.add(key)
    errs.extend(_validate_traffic_policy(spec, kind))
    return errs


def _validate_traffic_policy(spec: dict, kind: str) -> list[FieldError]:
    policy = spec.get("externalTrafficPolicy")
    external = kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and as_list(spec.get("externalIPs")))
    if not external:
        if policy:
            return [invalid("spec.externalTrafficPolicy", policy, "may only be set for externally-accessible services")]
        return []
    if policy is not None and policy not in TRAFFIC_POLICIES:
        return [not_supported("spec.externalTrafficPolicy", policy, TRAFFIC_POLICIES)]
    return []


def _effective_ips(new: dict, old: dict) -> list[str]:
    """``patchAllocatedValues`` + ``NormalizeClusterIPs``: what the new clusterIPs end up as."""
    new_ips, old_ips = as_list(new.get("clusterIPs")), as_list(old.get("clusterIPs"))
    new_ip, old_ip = new.get("clusterIP") or "", old.get("clusterIP") or ""
    if not new_ip:
        return cluster_ips(old)
    if new_ip != old_ip and (not new_ips or new_ips == old_ips):
        return [new_ip]
    return [str(ip) for ip in new_ips] or [new_ip]


def validate_service_update(new: dict, old: dict) -> list[FieldError]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if "ExternalName" not in (new_spec.get("type", "ClusterIP"), old_spec.get("type", "ClusterIP")):
        old_ips, new_ips = cluster_ips(old_spec), _effective_ips(new_spec, old_spec)
        if not (old_ips == ["None"] and new_ips == ["None"]):
            shown = GoValue(go_string_slice(new_ips))
            if len(old_ips) == len(new_ips):
                for i, ip in enumerate(old_ips):
                    if ip != new_ips[i]:
                        errs.append(invalid("spec.clusterIPs[0]", shown, "may not change once set"))
            elif len(old_ips) > len(new_ips):
                if not new_ips:
                    errs.append(invalid("spec.clusterIPs[0]", shown, "primary clusterIP can not be unset"))
                elif old_ips[0] != new_ips[0]:
                    errs.append(invalid("spec.clusterIPs[0]", shown, "may not change once set"))
            elif old_ips and old_ips[0] != new_ips[0]:
                errs.append(invalid("spec.clusterIPs[0]", shown, "may not change once set"))
    errs.extend(validate_service(new))
    return errs
