"""``kubectl create <generator>`` (protobuf bodies since kubectl 1.32) and ``kubectl expose``."""

from __future__ import annotations

import base64

import pytest

from tests.kubectl_real.support import AGE, Kubectl, match_lines

pytestmark = pytest.mark.kubectl


def test_create_deployment_makes_a_deployment_with_its_replicas(kubectl: Kubectl) -> None:
    result = kubectl("create", "deployment", "made", "--image=nginx:1.27", "--replicas=2")
    assert (result.stdout, result.stderr) == ("deployment.apps/made created\n", "")
    deploy = kubectl.json("get", "deployment", "made")
    assert deploy["spec"]["replicas"] == 2
    assert deploy["spec"]["selector"] == {"matchLabels": {"app": "made"}}
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert deploy["spec"]["strategy"]["type"] == "RollingUpdate"  # the empty strategy {} was defaulted


def test_create_configmap_and_secret_from_literals(kubectl: Kubectl) -> None:
    assert kubectl("create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3").stdout == (
        "configmap/settings created\n"
    )
    assert kubectl.json("get", "configmap", "settings")["data"] == {"level": "3", "mode": "fast"}
    match_lines([r"NAME +DATA +AGE", rf"settings +2 +{AGE}"], kubectl.lines("get", "configmap", "settings"))
    assert kubectl("create", "secret", "generic", "login", "--from-literal=password=hunter2").stdout == (
        "secret/login created\n"
    )
    assert kubectl.json("get", "secret", "login")["data"] == {"password": base64.b64encode(b"hunter2").decode()}
    match_lines([r"NAME +TYPE +DATA +AGE", rf"login +Opaque +1 +{AGE}"], kubectl.lines("get", "secret", "login"))


def test_create_namespace_and_use_it(kubectl: Kubectl) -> None:
    assert kubectl("create", "namespace", "created-ns").stdout == "namespace/created-ns created\n"
    match_lines([r"NAME +STATUS +AGE", rf"created-ns +Active +{AGE}"], kubectl.lines("get", "namespace", "created-ns"))
    assert kubectl("create", "configmap", "inside", "-n", "created-ns").stdout == "configmap/inside created\n"
    assert kubectl("get", "configmap", "-n", "created-ns", "-o", "name").stdout.splitlines() == ["configmap/inside"]


def test_creating_an_existing_object_with_a_generator_says_already_exists(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "dupe", "--image=nginx")
    result = kubectl("create", "deployment", "dupe", "--image=nginx", check=False)
    assert result.returncode == 1
    assert result.stderr == 'error: failed to create deployment: deployments.apps "dupe" already exists\n'
    kubectl("create", "configmap", "dupe")
    result = kubectl("create", "configmap", "dupe", check=False)
    assert result.stderr == 'error: failed to create configmap: configmaps "dupe" already exists\n'


def test_creating_in_a_missing_namespace_names_the_namespace(kubectl: Kubectl) -> None:
    result = kubectl("create", "configmap", "lost", "-n", "nowhere", check=False)
    assert result.returncode == 1
    assert result.stderr == 'error: failed to create configmap: namespaces "nowhere" not found\n'


def test_expose_creates_a_cluster_ip_service_for_the_deployment(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "exposed", "--image=nginx", "--port=8080")
    assert kubectl("expose", "deployment", "exposed", "--port=80", "--target-port=8080").stdout == (
        "service/exposed exposed\n"
    )
    match_lines(
        [
            r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR",
            rf"exposed +ClusterIP +10\.96\.\d+\.\d+ +<none> +80/TCP +{AGE} +app=exposed",
        ],
        kubectl.lines("get", "service", "exposed", "-o", "wide"),
    )
    service = kubectl.json("get", "service", "exposed")
    assert service["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 8080}]
