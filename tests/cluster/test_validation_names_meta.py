"""Names, labels, annotations, selectors and ObjectMeta: one case per copied rule, exact wording."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster.apiserver.validation import names, validate_create, validate_update
from tests.cluster.test_validation_valid_objects import DELETE, deployment, service, with_

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, "
    "and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
    "'[a-z]([-a-z0-9]*[a-z0-9])?')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}


def messages(obj: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_create(obj)]


CASES = [
    ("missing name", with_(deployment(), "metadata.name", DELETE),
     "metadata.name: Required value: name or generateName is required"),
    ("subdomain name", with_(deployment(), "metadata.name", "Web"), f'metadata.name: Invalid value: "Web": {SUBDOMAIN}'),
    ("subdomain too long", with_(deployment(), "metadata.name", "a" * 254),
     f'metadata.name: Invalid value: "{"a" * 254}": must be no more than 253 characters'),
    ("bad generateName", with_(deployment(), "metadata.generateName", "Web-"),
     f'metadata.generateName: Invalid value: "Web-": {SUBDOMAIN}'),
    ("service name is DNS-1035", with_(service(), "metadata.name", "1web"), f'metadata.name: Invalid value: "1web": {DNS1035}'),
    ("namespace name has no dots", with_(NS, "metadata.name", "a.b"), 'metadata.name: Invalid value: "a.b": must not contain dots'),
    ("namespace name is a label", with_(NS, "metadata.name", "Dev"), f'metadata.name: Invalid value: "Dev": {LABEL}'),
    ("namespace required", with_(deployment(), "metadata.namespace", ""), "metadata.namespace: Required value"),
    ("cluster-scoped namespace", with_(NS, "metadata.namespace", "default"),
     "metadata.namespace: Forbidden: not allowed on this type"),
    ("label key name part", with_(deployment(), "metadata.labels", {"-app": "web"}),
     f'metadata.labels: Invalid value: "-app": {NAME_PART}'),
    ("label key prefix part", with_(deployment(), "metadata.labels", {"Example.com/app": "web"}),
     f'metadata.labels: Invalid value: "Example.com/app": prefix part {SUBDOMAIN}'),
    ("label key empty prefix", with_(deployment(), "metadata.labels", {"/app": "web"}),
     'metadata.labels: Invalid value: "/app": prefix part must be non-empty'),
    ("label key too long", with_(deployment(), "metadata.labels", {"a" * 64: "web"}),
     f'metadata.labels: Invalid value: "{"a" * 64}": name part must be no more than 63 characters'),
    ("label key two slashes", with_(deployment(), "metadata.labels", {"a/b/c": "x"}),
     'metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' '
     "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
     "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
     "and '/' (e.g. 'example.com/MyName')"),
    ("label value", with_(deployment(), "metadata.labels", {"app": "web!"}), f'metadata.labels: Invalid value: "web!": {LABEL_VALUE}'),
    ("label value too long", with_(deployment(), "metadata.labels", {"app": "a" * 64}),
     f'metadata.labels: Invalid value: "{"a" * 64}": must be no more than 63 characters'),
    ("annotation key", with_(deployment(), "metadata.annotations", {"bad key": "x"}),
     f'metadata.annotations: Invalid value: "bad key": {NAME_PART}'),
    ("annotation size", with_(deployment(), "metadata.annotations", {"big": "x" * 262142}),
     "metadata.annotations: Too long: may not be more than 262144 bytes"),
    ("finalizer not qualified", with_(deployment(), "metadata.finalizers", ["cleanup"]),
     'metadata.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'),
    ("negative generation", with_(deployment(), "metadata.generation", -1),
     "metadata.generation: Invalid value: -1: must be greater than or equal to 0"),
    ("selector bad operator", with_(deployment(), "spec.selector.matchExpressions", [{"key": "app", "operator": "Is", "values": ["a"]}]),
     'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator'),
    ("selector values required", with_(deployment(), "spec.selector.matchExpressions", [{"key": "app", "operator": "In"}]),
     "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"),
    ("selector values forbidden",
     with_(deployment(), "spec.selector.matchExpressions", [{"key": "app", "operator": "Exists", "values": ["a"]}]),
     "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
    ("selector value invalid", with_(deployment(), "spec.selector.matchExpressions", [{"key": "app", "operator": "In", "values": ["a b"]}]),
     f'spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": {LABEL_VALUE}'),
    ("selector matchLabels on the map path", with_(deployment(), "spec.selector.matchLabels", {"app": "we b"}),
     f'spec.selector.matchLabels: Invalid value: "we b": {LABEL_VALUE}'),
]  # fmt: skip


@pytest.mark.parametrize(("obj", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_meta_rule_reports_upstream_message(obj: dict[str, Any], expected: str) -> None:
    assert expected in messages(obj)


def test_generate_name_may_end_with_a_dash() -> None:
    obj = with_(with_(deployment(), "metadata.name", DELETE), "metadata.generateName", "web-")
    assert not [m for m in messages(obj) if m.startswith("metadata.generateName")]


def test_renaming_an_object_is_immutable() -> None:
    old = deployment()
    new = with_(old, "metadata.name", "other")
    assert 'metadata.name: Invalid value: "other": field is immutable' in [
        e.message() for e in validate_update(new, old)
    ]


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        ("abcdefghijklmnop", ["must be no more than 15 characters"]),
        ("http_web", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
        ("8080", ["must contain at least one letter (a-z)"]),
        ("a--b", ["must not contain consecutive hyphens"]),
        ("-http", ["must not begin or end with a hyphen"]),
        ("http", []),
    ],
)
def test_port_names_follow_iana_service_name_rules(port: str, expected: list[str]) -> None:
    assert names.is_valid_port_name(port) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (".", "must not be '.'"),
        ("..", "must not be '..'"),
        ("..a", "must not start with '..'"),
        (
            "a b",
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
    ],
)
def test_config_keys_follow_is_config_map_key(key: str, expected: str) -> None:
    assert expected in names.is_config_map_key(key)


def test_names_reject_a_trailing_newline_like_go_regexps() -> None:
    assert names.is_dns1123_subdomain("web\n") != []
