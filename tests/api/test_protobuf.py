"""Protobuf request bodies as kubectl 1.32 sends them for ``kubectl create <generator>``.

The fixtures were captured from kubectl v1.32.4 against a recording server, e.g.
``kubectl create deployment web --image=nginx --replicas=3 --port=80``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelearn.api.protobuf import decode_body
from kubelearn.cluster.errors import StatusError

from .conftest import Api

FIXTURES = Path(__file__).parent / "fixtures"
PROTOBUF = "application/vnd.kubernetes.protobuf"


def captured(name: str) -> bytes:
    return (FIXTURES / f"{name}.pb").read_bytes()


def test_create_deployment_decodes_to_the_json_kubectl_131_would_have_sent() -> None:
    assert decode_body(captured("create-deployment")) == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}], "resources": {}}
                    ]
                },
            },
            "strategy": {},
        },
    }


def test_an_explicit_zero_in_a_pointer_field_survives() -> None:
    """``--replicas=0``: gogo writes the pointer's zero, unlike an unset non-pointer field."""
    obj = decode_body(captured("create-deployment-zero"))
    assert obj["spec"]["replicas"] == 0
    assert obj["spec"]["template"]["spec"]["containers"][0]["command"] == ["sleep", "3600"]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("create-configmap", {"metadata": {"name": "cfg"}, "data": {"a": "b", "colour": "blue"}}),
        ("create-secret", {"metadata": {"name": "s1"}, "data": {"password": "aHVudGVyMg=="}}),
        ("create-namespace", {"metadata": {"name": "team-a"}, "spec": {}}),
        ("create-serviceaccount", {"metadata": {"name": "robot"}}),
    ],
)
def test_config_objects_decode_with_bytes_as_base64(fixture: str, expected: dict) -> None:
    obj = decode_body(captured(fixture))
    assert {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")} == expected


def test_services_decode_int_or_string_target_ports_and_node_ports() -> None:
    spec = decode_body(captured("create-service-nodeport"))["spec"]
    assert spec == {
        "ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080, "nodePort": 30080}],
        "selector": {"app": "np"},
        "type": "NodePort",
    }


def test_job_and_access_review_decode() -> None:
    job = decode_body(captured("create-job"))
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    review = decode_body(captured("auth-can-i"))
    assert review["spec"]["resourceAttributes"] == {"namespace": "default", "verb": "create", "resource": "pods"}


def test_bytes_without_the_magic_prefix_are_a_400() -> None:
    with pytest.raises(StatusError) as info:
        decode_body(b"\x0a\x00")
    assert info.value.code == 400


def test_a_truncated_message_is_a_400_not_a_crash() -> None:
    with pytest.raises(StatusError) as info:
        decode_body(captured("create-deployment")[:120])
    assert info.value.code == 400


def test_kubectl_create_deployment_body_creates_the_deployment(api: Api) -> None:
    path = "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict"
    response = api.post(path, captured("create-deployment"), content_type=PROTOBUF)
    assert response.status_code == 201
    body = response.json()
    assert body["spec"]["replicas"] == 3
    assert body["spec"]["strategy"]["type"] == "RollingUpdate"


def test_kubectl_create_secret_and_service_bodies_create_objects(api: Api) -> None:
    secret = api.post("/api/v1/namespaces/default/secrets", captured("create-secret"), content_type=PROTOBUF)
    assert secret.status_code == 201
    assert secret.json()["type"] == "Opaque"
    service = api.post(
        "/api/v1/namespaces/default/services", captured("create-service-clusterip"), content_type=PROTOBUF
    )
    assert service.status_code == 201
    assert service.json()["spec"]["clusterIP"]


def test_an_unknown_media_type_is_415(api: Api) -> None:
    response = api.post("/api/v1/namespaces/default/configmaps", b"<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["reason"] == "UnsupportedMediaType"
