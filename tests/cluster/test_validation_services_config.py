"""Service, ConfigMap and Secret rules: one case per copied rule, exact wording."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster.apiserver.validation import validate_create, validate_update
from tests.cluster.test_validation_valid_objects import DELETE, service, with_


def messages(obj: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_create(obj)]


def update_messages(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_update(new, old)]


def cm(data: dict[str, str], binary: dict[str, str] | None = None) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}, "data": data}
    if binary is not None:
        obj["binaryData"] = binary
    return obj


def secret(kind: str, data: dict[str, str]) -> dict[str, Any]:
    meta = {"name": "s", "namespace": "default"}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": kind, "data": data}


TWO_PORTS = [{"port": 80, "protocol": "TCP", "name": "http"}, {"port": 443, "protocol": "TCP", "name": "https"}]
CONFIG_KEY = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  "
    "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)

CASES = [
    ("ports required", with_(service(), "spec.ports", []), "spec.ports: Required value"),
    ("port names required when several", with_(service(), "spec.ports", [{"port": 80}, {"port": 81}]),
     "spec.ports[0].name: Required value"),
    ("port names unique", with_(service(), "spec.ports", [{"port": 80, "name": "a"}, {"port": 81, "name": "a"}]),
     'spec.ports[1].name: Duplicate value: "a"'),
    ("port name is a label", with_(service(), "spec.ports.0.name", "HTTP"), 'spec.ports[0].name: Invalid value: "HTTP"'),
    ("port range", with_(service(), "spec.ports.0.port", 0), "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
    ("protocol", with_(service(), "spec.ports.0.protocol", "HTTP"),
     'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    ("targetPort name", with_(service(), "spec.ports.0.targetPort", "http_web"),
     'spec.ports[0].targetPort: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ("targetPort number", with_(service(), "spec.ports.0.targetPort", 70000),
     "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
    ("type", with_(service(), "spec.type", "NodePorts"),
     'spec.type: Unsupported value: "NodePorts": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'),
    ("nodePort with ClusterIP", with_(service(), "spec.ports.0.nodePort", 30080),
     "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    ("duplicate port", with_(service(), "spec.ports", [{"port": 80, "name": "a", "protocol": "TCP"}, {"port": 80, "name": "b", "protocol": "TCP"}]),
     'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, '
     'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'),
    ("selector labels", with_(service(), "spec.selector", {"app": "we b"}), 'spec.selector: Invalid value: "we b"'),
    ("externalName required", with_(with_(service(), "spec.type", "ExternalName"), "spec.ports", []), "spec.externalName: Required value"),
    ("externalTrafficPolicy on ClusterIP", with_(service(), "spec.externalTrafficPolicy", "Local"),
     'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'),
    ("sessionAffinity", with_(service(), "spec.sessionAffinity", "Cookie"),
     'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'),
    ("cluster IP", with_(service(), "spec.clusterIP", "10.0.0.300"),
     'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
    ("configmap key", cm({"a b": "x"}), f'data[a b]: Invalid value: "a b": {CONFIG_KEY}'),
    ("configmap key dot", cm({".": "x"}), "data[.]: Invalid value: \".\": must not be '.'"),
    ("configmap key dotdot", cm({"..": "x"}), "data[..]: Invalid value: \"..\": must not be '..'"),
    ("configmap key ..prefix", cm({"..a": "x"}), "data[..a]: Invalid value: \"..a\": must not start with '..'"),
    ("binaryData key", cm({}, {"a b": "eA=="}), f'binaryData[a b]: Invalid value: "a b": {CONFIG_KEY}'),
    ("data and binaryData overlap", cm({"k": "x"}, {"k": "eA=="}), 'data[k]: Invalid value: "k": duplicate of key present in binaryData'),
    ("configmap size", cm({"big": "x" * (1024 * 1024 + 1)}), "[]: Too long: may not be more than 1048576 bytes"),
    ("secret key", secret("Opaque", {"a b": "eA=="}), f'data[a b]: Invalid value: "a b": {CONFIG_KEY}'),
    ("secret size", secret("Opaque", {"big": "eHh4" * 350000}), "data: Too long: may not be more than 1048576 bytes"),
    ("tls cert", secret("kubernetes.io/tls", {"tls.key": "a2V5"}), "data[tls.crt]: Required value"),
    ("tls key", secret("kubernetes.io/tls", {"tls.crt": "a2V5"}), "data[tls.key]: Required value"),
    ("basic-auth username", secret("kubernetes.io/basic-auth", {}), "data[username]: Required value"),
    ("basic-auth password", secret("kubernetes.io/basic-auth", {}), "data[password]: Required value"),
    ("ssh-auth", secret("kubernetes.io/ssh-auth", {}), "data[ssh-privatekey]: Required value"),
    ("dockerconfigjson", secret("kubernetes.io/dockerconfigjson", {}), "data[.dockerconfigjson]: Required value"),
    ("service-account-token", secret("kubernetes.io/service-account-token", {}),
     "metadata.annotations[kubernetes.io/service-account.name]: Required value"),
]  # fmt: skip


@pytest.mark.parametrize(("obj", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_service_and_config_rule_reports_upstream_message(obj: dict[str, Any], expected: str) -> None:
    got = messages(obj)
    assert expected in got or any(m.startswith(expected) for m in got), got


def test_headless_services_need_no_ports() -> None:
    obj = with_(with_(service(), "spec.ports", []), "spec.clusterIP", "None")
    assert messages(obj) == []


def test_node_port_services_may_set_node_ports() -> None:
    obj = with_(with_(service(), "spec.type", "NodePort"), "spec.ports.0.nodePort", 30080)
    assert messages(obj) == []


def test_two_named_ports_are_valid() -> None:
    assert messages(with_(service(), "spec.ports", TWO_PORTS)) == []


def test_changing_a_cluster_ip_may_not_change_once_set() -> None:
    old = with_(service(), "spec.clusterIP", "10.96.0.20")
    old["spec"]["clusterIPs"] = ["10.96.0.20"]
    new = with_(old, "spec.clusterIP", "10.96.0.21")
    assert update_messages(new, old) == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set'
    ]


def test_omitting_the_cluster_ip_on_update_keeps_the_old_one() -> None:
    old = with_(service(), "spec.clusterIP", "10.96.0.20")
    assert update_messages(with_(old, "spec.clusterIP", DELETE), old) == []


def test_immutable_secret_data_may_not_change() -> None:
    old = secret("Opaque", {"a": "eA=="})
    old["immutable"] = True
    new = with_(old, "data", {"a": "eQ=="})
    assert update_messages(new, old) == ["data: Forbidden: field is immutable when `immutable` is set"]


def test_immutable_may_not_be_unset() -> None:
    old = cm({"a": "x"})
    old["immutable"] = True
    new = with_(old, "immutable", False)
    assert update_messages(new, old) == ["immutable: Forbidden: field is immutable when `immutable` is set"]


def test_immutable_config_map_data_may_not_change() -> None:
    old = cm({"a": "x"})
    old["immutable"] = True
    assert "data: Forbidden: field is immutable when `immutable` is set" in update_messages(with_(old, "data", {}), old)


def test_secret_type_is_immutable() -> None:
    old = secret("Opaque", {"tls.crt": "eA==", "tls.key": "eA=="})
    new = with_(old, "type", "kubernetes.io/tls")
    assert update_messages(new, old) == ['type: Invalid value: "kubernetes.io/tls": field is immutable']


def test_string_data_counts_as_secret_data() -> None:
    obj = secret("kubernetes.io/tls", {"tls.key": "a2V5"})
    obj["stringData"] = {"tls.crt": "cert"}
    assert messages(obj) == []
