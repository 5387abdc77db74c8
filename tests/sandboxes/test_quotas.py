"""Per-sandbox quotas refuse creates with the ResourceQuota admission plugin's exact wording."""

from __future__ import annotations

import pytest

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError
from kubelearn.sandboxes.quotas import Limits, install, quantity, resource_name


def configmap(name: str, data: str = "") -> dict[str, object]:
    obj: dict[str, object] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
    }
    if data:
        obj["data"] = {"blob": data}
    return obj


def pod(name: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def deployment(name: str, replicas: int) -> dict[str, object]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("Pod", "pods"),
        ("ConfigMap", "configmaps"),
        ("Service", "services"),
        ("Deployment", "count/deployments.apps"),
        ("ServiceAccount", "count/serviceaccounts"),
        ("HorizontalPodAutoscaler", "count/horizontalpodautoscalers.autoscaling"),
    ],
)
def test_quota_resources_are_named_as_upstream_names_them(kind: str, name: str) -> None:
    """Standard object counts keep their short names; every other kind is count/<resource>.<group>."""
    assert resource_name(kind) == name


def test_quantities_print_in_binary_si_form() -> None:
    """Byte counts print as resource.Quantity does: 2097152 is 2Mi, an odd count stays plain."""
    assert [quantity(v) for v in (2 * 1024 * 1024, 3072, 1500000, 0)] == ["2Mi", "3Ki", "1500000", "0"]


def test_the_pod_quota_refuses_the_next_pod_with_the_real_message() -> None:
    """At the pod limit a create gets 403 Forbidden worded by the ResourceQuota plugin."""
    cluster = Cluster(seed=1)
    install(cluster, Limits(pods=2))
    cluster.api.create(pod("a"))
    cluster.api.create(pod("b"))
    with pytest.raises(StatusError) as caught:
        cluster.api.create(pod("c"))
    assert caught.value.code == 403
    assert caught.value.reason == "Forbidden"
    assert caught.value.message == (
        'pods "c" is forbidden: exceeded quota: sandbox-quota, requested: pods=1, used: pods=2, limited: pods=2'
    )
    assert caught.value.status()["details"] == {"name": "c", "kind": "pods"}


def test_the_per_kind_quota_counts_objects_of_that_kind_only() -> None:
    """Each kind has its own object count; other kinds are unaffected."""
    cluster = Cluster(seed=1)
    install(cluster, Limits(objects_per_kind=3))
    for name in ("one", "two", "three"):
        cluster.api.create(configmap(name))
    with pytest.raises(StatusError) as caught:
        cluster.api.create(configmap("four"))
    assert caught.value.message == (
        'configmaps "four" is forbidden: exceeded quota: sandbox-quota, requested: configmaps=1, '
        "used: configmaps=3, limited: configmaps=3"
    )
    cluster.api.create(deployment("web", 1))
    for name in ("web2", "web3"):
        cluster.api.create(deployment(name, 0))
    with pytest.raises(StatusError) as caught:
        cluster.api.create(deployment("web4", 0))
    assert caught.value.message == (
        'deployments.apps "web4" is forbidden: exceeded quota: sandbox-quota, requested: count/deployments.apps=1, '
        "used: count/deployments.apps=3, limited: count/deployments.apps=3"
    )


def test_the_store_size_quota_refuses_objects_that_would_overflow_it() -> None:
    """The store's total JSON size is limited; deleting objects frees room again."""
    cluster = Cluster(seed=1)
    quota = install(cluster, Limits(store_bytes=64 * 1024))
    cluster.api.create(configmap("big", "x" * 30_000))
    with pytest.raises(StatusError) as caught:
        cluster.api.create(configmap("bigger", "y" * 40_000))
    message = caught.value.message
    assert message.startswith(
        'configmaps "bigger" is forbidden: exceeded quota: sandbox-quota, requested: kubelearn.io/store-bytes='
    )
    assert message.endswith(f"used: kubelearn.io/store-bytes={quota.total}, limited: kubelearn.io/store-bytes=64Ki")
    cluster.api.delete("ConfigMap", "default", "big")
    cluster.engine.drain()
    cluster.api.create(configmap("bigger", "y" * 40_000))


def test_a_huge_deployment_stops_at_the_pod_quota_with_a_failed_create_event() -> None:
    """replicas: 10000 creates pods up to the quota; the ReplicaSet records FailedCreate naming generateName."""
    cluster = Cluster(seed=1)
    install(cluster, Limits(pods=5))
    cluster.api.create(deployment("huge", 10000))
    cluster.step(5)
    assert cluster.store.count("Pod") == 5
    failures = [e for e in cluster.store.iter_kind("Event") if e["reason"] == "FailedCreate"]
    rs_name = next(iter(cluster.store.iter_kind("ReplicaSet")))["metadata"]["name"]
    assert len(failures) == 1  # one event, counted up, as upstream's recorder dedupes it
    assert failures[0]["message"] == (
        f'Error creating: pods "{rs_name}-" is forbidden: exceeded quota: sandbox-quota, '
        "requested: pods=1, used: pods=5, limited: pods=5"
    )


def test_installing_twice_keeps_one_quota() -> None:
    """Re-installing (as a restore does) replaces the hook and the listener rather than stacking them."""
    cluster = Cluster(seed=1)
    install(cluster)
    install(cluster, Limits(pods=1))
    assert len(cluster.api.quota_hooks) == 1
    cluster.api.create(pod("a"))
    with pytest.raises(StatusError):
        cluster.api.create(pod("b"))
