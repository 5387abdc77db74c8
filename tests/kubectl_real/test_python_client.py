"""The official ``kubernetes`` Python client drives the sandbox through the facade.

It loads the same kubeconfig kubectl uses, then creates, lists, patches, watches and deletes
a Deployment and a ConfigMap with the typed APIs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

pytestmark = pytest.mark.kubectl

NS = "default"


@pytest.fixture(scope="module")
def api(kubeconfig: Path) -> Iterator[client.ApiClient]:
    with config.new_client_from_config(config_file=str(kubeconfig)) as api_client:
        yield api_client


def _deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
        },
    }


def test_the_client_reads_the_server_version(api: client.ApiClient) -> None:
    info = client.VersionApi(api).get_code()
    assert (info.major, info.minor, info.git_version) == ("1", "32", "v1.32.4")


def test_the_client_creates_lists_patches_watches_and_deletes_a_deployment(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    created = apps.create_namespaced_deployment(NS, _deployment("pyweb", 1))
    assert created.metadata.uid and created.metadata.generation == 1
    listed = apps.list_namespaced_deployment(NS, label_selector="app=pyweb")
    assert [d.metadata.name for d in listed.items] == ["pyweb"]
    with pytest.raises(ApiException) as duplicate:
        apps.create_namespaced_deployment(NS, _deployment("pyweb", 1))
    assert duplicate.value.status == 409
    assert json.loads(duplicate.value.body)["message"] == 'deployments.apps "pyweb" already exists'

    patched = apps.patch_namespaced_deployment("pyweb", NS, {"spec": {"replicas": 2}})  # strategic merge
    assert (patched.spec.replicas, patched.metadata.generation) == (2, 2)
    ops = [{"op": "add", "path": "/metadata/labels/tier", "value": "web"}]
    assert apps.patch_namespaced_deployment("pyweb", NS, ops).metadata.labels == {"app": "pyweb", "tier": "web"}
    scale = apps.patch_namespaced_deployment_scale("pyweb", NS, {"spec": {"replicas": 3}})
    assert scale.spec.replicas == 3

    stream = watch.Watch()
    seen: list[tuple[str, int]] = []
    for event in stream.stream(
        apps.list_namespaced_deployment, NS, field_selector="metadata.name=pyweb", timeout_seconds=30
    ):
        seen.append((event["type"], event["object"].status.available_replicas or 0))
        if event["type"] == "MODIFIED" and event["object"].status.available_replicas == 3:
            apps.delete_namespaced_deployment("pyweb", NS)
        if event["type"] == "DELETED":
            stream.stop()
    assert seen[0][0] == "ADDED" and seen[-1][0] == "DELETED"
    assert ("MODIFIED", 3) in seen
    with pytest.raises(ApiException) as missing:
        apps.read_namespaced_deployment("pyweb", NS)
    assert missing.value.status == 404


def test_the_client_creates_lists_patches_and_deletes_a_config_map_and_replays_its_history(
    api: client.ApiClient,
) -> None:
    core = client.CoreV1Api(api)
    start = core.list_namespaced_config_map(NS).metadata.resource_version
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="pyconf", labels={"from": "python"}), data={"a": "1"})
    assert core.create_namespaced_config_map(NS, body).data == {"a": "1"}
    assert [c.metadata.name for c in core.list_namespaced_config_map(NS, label_selector="from=python").items] == [
        "pyconf"
    ]
    assert core.patch_namespaced_config_map("pyconf", NS, {"data": {"b": "2"}}).data == {"a": "1", "b": "2"}
    core.delete_namespaced_config_map("pyconf", NS)
    assert core.list_namespaced_config_map(NS, label_selector="from=python").items == []

    events = [
        (e["type"], e["object"].data)
        for e in watch.Watch().stream(
            core.list_namespaced_config_map,
            NS,
            label_selector="from=python",
            resource_version=start,
            timeout_seconds=2,
        )
    ]
    assert events == [("ADDED", {"a": "1"}), ("MODIFIED", {"a": "1", "b": "2"}), ("DELETED", {"a": "1", "b": "2"})]


def test_the_client_reads_pod_logs_and_lists_pods_across_namespaces(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    core.create_namespaced_pod(
        NS,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "pylog", "labels": {"app": "pylog"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    )
    for event in watch.Watch().stream(
        core.list_namespaced_pod, NS, field_selector="metadata.name=pylog", timeout_seconds=30
    ):
        if event["object"].status.phase == "Running":
            break
    everywhere = core.list_pod_for_all_namespaces(label_selector="app=pylog").items
    assert [(p.metadata.namespace, p.metadata.name) for p in everywhere] == [(NS, "pylog")]
    log = core.read_namespaced_pod_log("pylog", NS, tail_lines=1)
    assert "[notice] 1#1: start worker process" in log and log.count("\n") == 1
    with pytest.raises(ApiException) as bad:
        core.read_namespaced_pod_log("pylog", NS, container="sidecar")
    assert bad.value.status == 400
    assert json.loads(bad.value.body)["message"] == "container sidecar is not valid for pod pylog"
    core.delete_namespaced_pod("pylog", NS, grace_period_seconds=0)
