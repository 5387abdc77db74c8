"""Node actions: adding, removing, cordoning, draining, tainting, failing and restoring ships."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster import nodes
from kubelearn.cluster.cluster import Cluster
from kubelearn.cluster.controllers import garbage_collector, namespace, node_lifecycle, serviceaccount
from kubelearn.cluster.errors import StatusError


def make_cluster(nodes_count: int = 3) -> Cluster:
    from kubelearn.cluster import scheduler

    controllers = [namespace, serviceaccount, scheduler, node_lifecycle, garbage_collector]
    return Cluster(nodes=nodes_count, controllers=controllers)  # type: ignore[list-item]


def make_pod(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec},
    }


def node(cluster: Cluster, name: str) -> dict[str, Any]:
    return cluster.api.get("Node", "", name)


def test_adding_a_ship_registers_a_ready_node_with_the_next_pod_cidr():
    cluster = make_cluster()
    created = nodes.add_node(cluster.ctx)
    assert created["metadata"]["name"] == "ship-d"
    assert created["spec"]["podCIDR"] == "10.244.3.0/24"
    ready = next(c for c in created["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True"


def test_a_removed_ships_slot_is_reused():
    cluster = make_cluster()
    nodes.remove_node(cluster.ctx, "ship-b")
    assert nodes.add_node(cluster.ctx)["metadata"]["name"] == "ship-b"


def test_adding_a_named_bigger_ship():
    cluster = make_cluster(0)
    created = nodes.add_node(cluster.ctx, "freighter", cpu="16", memory="64Gi")
    assert created["status"]["allocatable"]["cpu"] == "16"


def test_cordon_marks_the_node_unschedulable_and_the_scheduler_goes_elsewhere():
    cluster = make_cluster(2)
    nodes.cordon(cluster.ctx, "ship-a")
    assert node(cluster, "ship-a")["spec"]["unschedulable"] is True
    cluster.api.create(make_pod("web"), trusted=True)
    cluster.engine.drain()
    assert cluster.api.get("Pod", "default", "web")["spec"]["nodeName"] == "ship-b"
    nodes.uncordon(cluster.ctx, "ship-a")
    assert "unschedulable" not in node(cluster, "ship-a")["spec"]


def test_drain_cordons_and_evicts_every_pod_on_the_ship():
    cluster = make_cluster(2)
    for name, ship in (("web-1", "ship-a"), ("web-2", "ship-a"), ("web-3", "ship-b")):
        cluster.api.create(make_pod(name, nodeName=ship), trusted=True)
    cluster.engine.drain()
    evicted = nodes.drain(cluster.ctx, "ship-a")
    cluster.engine.drain()
    assert evicted == ["default/web-1", "default/web-2"]
    assert node(cluster, "ship-a")["spec"]["unschedulable"] is True
    pod = cluster.api.get("Pod", "default", "web-1")
    assert pod["metadata"]["deletionTimestamp"]  # graceful: the kubelet finishes the job
    disruption = next(c for c in pod["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (disruption["reason"], disruption["message"]) == ("EvictionByEvictionAPI", "Eviction API: evicting")
    assert "deletionTimestamp" not in cluster.api.get("Pod", "default", "web-3")["metadata"]


def test_drain_with_zero_grace_deletes_at_once():
    cluster = make_cluster(1)
    cluster.api.create(make_pod("web", nodeName="ship-a"), trusted=True)
    assert nodes.drain(cluster.ctx, "ship-a", grace_period=0) == ["default/web"]
    assert cluster.store.count("Pod") == 0


def test_taint_and_untaint():
    cluster = make_cluster(1)
    nodes.taint(cluster.ctx, "ship-a", "dedicated", "gpu", "NoSchedule")
    nodes.taint(cluster.ctx, "ship-a", "dedicated", "ml", "NoSchedule")
    assert node(cluster, "ship-a")["spec"]["taints"] == [{"key": "dedicated", "value": "ml", "effect": "NoSchedule"}]
    nodes.untaint(cluster.ctx, "ship-a", "dedicated")
    assert "taints" not in node(cluster, "ship-a")["spec"]


def test_fail_node_records_the_last_heartbeat_and_restore_clears_it():
    cluster = make_cluster(1)
    cluster.step(7)
    failed = nodes.fail_node(cluster.ctx, "ship-a")
    assert nodes.is_failed(failed)
    ready = next(c for c in failed["status"]["conditions"] if c["type"] == "Ready")
    assert ready["lastHeartbeatTime"] == "2026-01-01T09:00:07Z"
    restored = nodes.restore_node(cluster.ctx, "ship-a")
    assert not nodes.is_failed(restored)


def test_actions_on_a_missing_ship_raise_not_found():
    cluster = make_cluster(1)
    with pytest.raises(StatusError) as exc:
        nodes.cordon(cluster.ctx, "ship-q")
    assert exc.value.code == 404
