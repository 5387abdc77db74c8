"""kubectl's first contact with a sandbox: version, discovery, nodes, and who may talk to it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.kubectl_real.support import AGE, Kubectl, match_lines

pytestmark = pytest.mark.kubectl

BAD_KEY = "x" * 32  # letters only, so kubectl's cache directory is named exactly like the key


def test_version_prints_the_client_and_a_1_32_server(kubectl: Kubectl) -> None:
    match_lines(
        [r"Client Version: v1\.\d+\.\d+\S*", r"Kustomize Version: v\S+", r"Server Version: v1\.32\.4"],
        kubectl.lines("version"),
    )


def test_version_as_json_carries_all_nine_server_fields(kubectl: Kubectl) -> None:
    server = kubectl.json("version")["serverVersion"]
    assert set(server) == {
        "major",
        "minor",
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    }
    assert (server["major"], server["minor"], server["gitVersion"]) == ("1", "32", "v1.32.4")


def test_api_resources_lists_each_kind_with_short_names_and_group(kubectl: Kubectl) -> None:
    lines = kubectl.lines("api-resources")
    assert re.fullmatch(r"NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND", lines[0])
    for row in (
        r"configmaps +cm +v1 +true +ConfigMap",
        r"events +ev +v1 +true +Event",
        r"namespaces +ns +v1 +false +Namespace",
        r"nodes +no +v1 +false +Node",
        r"pods +po +v1 +true +Pod",
        r"secrets +v1 +true +Secret",
        r"services +svc +v1 +true +Service",
        r"deployments +deploy +apps/v1 +true +Deployment",
        r"replicasets +rs +apps/v1 +true +ReplicaSet",
        r"horizontalpodautoscalers +hpa +autoscaling/v2 +true +HorizontalPodAutoscaler",
        r"jobs +batch/v1 +true +Job",
    ):
        assert any(re.fullmatch(row, line) for line in lines), f"{row!r} missing from:\n" + "\n".join(lines)


def test_api_resources_can_list_only_cluster_scoped_names(kubectl: Kubectl) -> None:
    names = kubectl.lines("api-resources", "--namespaced=false", "-o", "name")
    assert {"namespaces", "nodes", "persistentvolumes"} <= set(names)
    assert "pods" not in names and "deployments.apps" not in names


def test_get_nodes_shows_three_ready_worker_ships(kubectl: Kubectl) -> None:
    lines = kubectl.lines("get", "nodes")
    match_lines(
        [r"NAME +STATUS +ROLES +AGE +VERSION"] + [rf"ship-{n} +Ready +worker +{AGE} +v1\.32\.0" for n in "abc"],
        lines,
    )


def test_getting_a_missing_deployment_says_not_found(kubectl: Kubectl) -> None:
    result = kubectl("get", "deployment", "nope", check=False)
    assert result.returncode == 1
    assert result.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'


def test_an_unknown_resource_type_is_named(kubectl: Kubectl) -> None:
    result = kubectl("get", "gizmos", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == 'error: the server doesn\'t have a resource type "gizmos"'


def _with_bad_key(kubectl: Kubectl, tmp_path: Path) -> Kubectl:
    text = re.sub(r"/k8s/[^\s/]+", f"/k8s/{BAD_KEY}", kubectl.kubeconfig.read_text())
    assert BAD_KEY in text
    config = tmp_path / "bad-config"
    config.write_text(text)
    return Kubectl(kubeconfig=config, cache_dir=tmp_path / "cache", workdir=tmp_path)


def test_a_wrong_key_must_log_in_like_a_real_server(kubectl: Kubectl, tmp_path: Path) -> None:
    """With a wrong key (and a warm discovery cache) the list call gets 401 Unauthorized.

    A real kube-apiserver answers a bad token the same way; kubectl decodes the Status and
    prints its message. No other sandbox's objects are ever shown.
    """
    kubectl("get", "pods")  # warm the good key's discovery cache
    bad = _with_bad_key(kubectl, tmp_path)
    discovery = next(kubectl.cache_dir.joinpath("discovery").iterdir()) / "k8s"
    (good,) = list(discovery.iterdir())
    target = tmp_path / "cache" / "discovery" / discovery.parent.name / "k8s" / BAD_KEY
    shutil.copytree(good, target)
    for args in (("get", "pods"), ("delete", "configmap", "anything")):
        result = bad(*args, check=False)
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == "error: You must be logged in to the server (Unauthorized)\n"


def test_a_wrong_key_fails_discovery_with_the_credentials_message(kubectl: Kubectl, tmp_path: Path) -> None:
    """Cold cache: discovery reads the raw 401 body, so client-go words it as for any real server."""
    result = _with_bad_key(kubectl, tmp_path)("get", "deployments", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "error: You must be logged in to the server (the server has asked for the client to provide credentials)"
    )
