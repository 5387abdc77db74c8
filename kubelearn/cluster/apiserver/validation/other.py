"""Namespace, Node, ServiceAccount, Event and Endpoints validation (``pkg/apis/core/validation``, 1.32).

Mirrors ``ValidateNamespace`` (DNS-1123 label names, spec finalizers), ``ValidateNode``
(taint keys/values/effects, unique key+effect), ``ValidateServiceAccount`` (name and secret
references), ``ValidateEventCreate``'s legacy namespace check and ``ValidateEndpoints``
(addresses, IPs, ports). Simplifies: no node status, podCIDR or events.k8s.io/v1 rules.
"""

from __future__ import annotations

import json

from kubelearn.cluster.errors import FieldError, GoValue, invalid, not_supported, required

from . import names
from .container import PROTOCOLS
from .meta import (
    as_dict,
    as_int,
    as_list,
    validate_dns1123_label,
    validate_finalizers,
    validate_label_name,
    validate_object_meta,
    validate_object_meta_update,
)
from .pod import validate_taint_effect


def validate_namespace(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), False, names.validate_namespace_name)
    for finalizer in as_list(as_dict(obj.get("spec")).get("finalizers")):
        errs.extend(validate_finalizers([finalizer], "spec.finalizers"))
    return errs


def validate_namespace_update(new: dict, old: dict) -> list[FieldError]:
    return validate_object_meta_update(new.get("metadata"), old.get("metadata")) + validate_namespace(new)


def _go_taint(taint: dict) -> GoValue:
    fields = ", ".join(f"{k.capitalize()}:{json.dumps(str(taint.get(k) or ''))}" for k in ("key", "value", "effect"))
    return GoValue(f"core.Taint{{{fields}, TimeAdded:(*v1.Time)(nil)}}")


def validate_node(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), False)
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(as_list(as_dict(obj.get("spec")).get("taints"))):
        taint, p = as_dict(taint), f"spec.taints[{i}]"
        key, value, effect = str(taint.get("key") or ""), str(taint.get("value") or ""), str(taint.get("effect") or "")
        errs.extend(validate_label_name(key, f"{p}.key"))
        msgs = names.is_valid_label_value(value)
        if msgs:
            errs.append(invalid(f"{p}.value", value, ";".join(msgs)))
        errs.extend(validate_taint_effect(effect, False, f"{p}.effect"))
        if (effect, key) in seen:
            errs.append(
                FieldError("Duplicate value", p, _go_taint(taint), "taints must be unique by key and effect pair")
            )
            continue
        seen.add((effect, key))
    return errs


def validate_service_account(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    for key in ("secrets", "imagePullSecrets"):
        for i, ref in enumerate(as_list(obj.get(key))):
            name = str(as_dict(ref).get("name") or "")
            if name:
                errs.extend(invalid(f"{key}[{i}].name", name, m) for m in names.is_dns1123_subdomain(name))
    return errs


def validate_event(obj: dict) -> list[FieldError]:
    meta = as_dict(obj.get("metadata"))
    errs = validate_object_meta(meta, True)
    namespace = str(meta.get("namespace") or "")
    involved = str(as_dict(obj.get("involvedObject")).get("namespace") or "")
    if not obj.get("eventTime"):
        if not involved:
            if namespace not in ("", "default"):
                errs.append(invalid("involvedObject.namespace", involved, "does not match event.namespace"))
        elif namespace != involved:
            errs.append(invalid("involvedObject.namespace", involved, "does not match event.namespace"))
    errs.extend(invalid("namespace", namespace, m) for m in names.is_dns1123_subdomain(namespace))
    return errs


def _endpoint_address(address: dict, path: str) -> list[FieldError]:
    ip = str(address.get("ip") or "")
    errs = [invalid(f"{path}.ip", ip, m) for m in names.is_valid_ip(ip)]
    if address.get("hostname"):
        errs.extend(validate_dns1123_label(str(address["hostname"]), f"{path}.hostname"))
    node = address.get("nodeName")
    if node:
        errs.extend(invalid(f"{path}.nodeName", node, m) for m in names.is_dns1123_subdomain(str(node)))
    if not errs and (ip.startswith("127.") or ip == "::1"):
        errs.append(invalid(f"{path}.ip", ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    return errs


def validate_endpoints(obj: dict) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), True)
    for i, subset in enumerate(as_list(obj.get("subsets"))):
        subset, p = as_dict(subset), f"subsets[{i}]"
        if not as_list(subset.get("addresses")) and not as_list(subset.get("notReadyAddresses")):
            errs.append(required(p, "must specify `addresses` or `notReadyAddresses`"))
        for key in ("addresses", "notReadyAddresses"):
            for j, address in enumerate(as_list(subset.get(key))):
                errs.extend(_endpoint_address(as_dict(address), f"{p}.{key}[{j}]"))
        ports = as_list(subset.get("ports"))
        for j, port in enumerate(ports):
            port, pp = as_dict(port), f"{p}.ports[{j}]"
            name = str(port.get("name") or "")
            if len(ports) > 1 and not name:
                errs.append(required(f"{pp}.name"))
            elif name:
                errs.extend(validate_dns1123_label(name, f"{pp}.name"))
            number = as_int(port.get("port"))
            errs.extend(invalid(f"{pp}.port", number, m) for m in names.is_valid_port_num(number))
            protocol = port.get("protocol", "TCP")
            if not protocol:
                errs.append(required(f"{pp}.protocol"))
            elif protocol not in PROTOCOLS:
                errs.append(not_supported(f"{pp}.protocol", protocol, PROTOCOLS))
    return errs
