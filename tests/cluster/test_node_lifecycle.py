"""Node lifecycle: a silent ship goes NotReady, gets tainted, loses its pods; orphans are collected."""

from __future__ import annotations

from typing import Any

from kubelearn.cluster import nodes
from kubelearn.cluster.cluster import Cluster
from kubelearn.cluster.controllers import garbage_collector, namespace, node_lifecycle, serviceaccount

RS_UID = "11111111-2222-4333-8444-555555555555"


def make_cluster(nodes_count: int = 3) -> Cluster:
    from kubelearn.cluster import scheduler

    controllers = [namespace, serviceaccount, scheduler, node_lifecycle, garbage_collector]
    return Cluster(nodes=nodes_count, controllers=controllers)  # type: ignore[list-item]


def make_pod(name: str, node: str | None = None, **spec: Any) -> dict[str, Any]:
    pod_spec: dict[str, Any] = {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec}
    if node:
        pod_spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": pod_spec,
        "status": {"phase": "Running"},
    }


def running_pod(cluster: Cluster, name: str, node: str, **spec: Any) -> None:
    """A pod bound to ``node`` and Ready, as the kubelet would leave it."""
    created, _ = cluster.api.create(make_pod(name, node, **spec), trusted=True)
    created["status"] = {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": None, "lastTransitionTime": "x"}],
    }
    cluster.api.update(created, subresource="status", trusted=True)
    cluster.engine.drain()


def node(cluster: Cluster, name: str = "ship-a") -> dict[str, Any]:
    return cluster.api.get("Node", "", name)


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in obj["status"]["conditions"] if c["type"] == kind)


def taints(cluster: Cluster, name: str = "ship-a") -> list[tuple[str, str]]:
    return [(t["key"], t["effect"]) for t in node(cluster, name)["spec"].get("taints") or []]


def events(cluster: Cluster, reason: str) -> list[dict[str, Any]]:
    return [e for e in cluster.store.iter_kind("Event") if e["reason"] == reason]


def pod_names(cluster: Cluster) -> list[str]:
    return [p["metadata"]["name"] for p in cluster.store.iter_kind("Pod")]


def test_a_failed_ship_stays_ready_until_the_grace_period_ends():
    cluster = make_cluster()
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(cluster.ctx.timings.node_monitor_grace - 1)
    assert condition(node(cluster), "Ready")["status"] == "True"
    assert taints(cluster) == []


def test_after_the_grace_period_the_ship_is_not_ready_and_tainted():
    cluster = make_cluster()
    running_pod(cluster, "web-1", "ship-a")
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(cluster.ctx.timings.node_monitor_grace)
    ship = node(cluster)
    ready = condition(ship, "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown",
        "NodeStatusUnknown",
        "Kubelet stopped posting node status.",
    )
    assert ready["lastHeartbeatTime"] == "2026-01-01T09:00:00Z"
    assert ready["lastTransitionTime"] == "2026-01-01T09:00:20Z"
    assert condition(ship, "MemoryPressure")["status"] == "Unknown"
    assert taints(cluster) == [
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoSchedule"),
    ]
    no_execute = ship["spec"]["taints"][0]
    assert no_execute["timeAdded"] == "2026-01-01T09:00:20Z"
    assert "timeAdded" not in ship["spec"]["taints"][1]
    (node_event,) = [e for e in events(cluster, "NodeNotReady") if e["involvedObject"]["kind"] == "Node"]
    assert node_event["message"] == "Node ship-a status is now: NodeNotReady"
    assert node_event["source"] == {"component": "node-controller"}
    pod = cluster.api.get("Pod", "default", "web-1")
    assert condition(pod, "Ready")["status"] == "False"
    (pod_event,) = [e for e in events(cluster, "NodeNotReady") if e["involvedObject"]["kind"] == "Pod"]
    assert (pod_event["type"], pod_event["message"]) == ("Warning", "Node is not ready")


def test_pods_on_a_dead_ship_are_evicted_after_the_eviction_timeout():
    cluster = make_cluster()
    running_pod(cluster, "web-1", "ship-a")
    running_pod(cluster, "web-2", "ship-b")
    nodes.fail_node(cluster.ctx, "ship-a")
    timings = cluster.ctx.timings
    cluster.step(timings.node_monitor_grace + timings.eviction_timeout - 1)
    assert "web-1" in pod_names(cluster)
    cluster.step(1)
    assert pod_names(cluster) == ["web-2"]
    (event,) = events(cluster, "TaintManagerEviction")
    assert event["message"] == "Marking for deletion Pod default/web-1"
    assert event["source"] == {"component": "taint-eviction-controller"}
    assert cluster.run_until_idle() == 0


def test_an_explicit_toleration_decides_how_long_a_pod_stays():
    cluster = make_cluster()
    forever = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]
    brief = [{**forever[0], "tolerationSeconds": 5}]
    running_pod(cluster, "stays", "ship-a", tolerations=forever)
    running_pod(cluster, "brief", "ship-a", tolerations=brief)
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(cluster.ctx.timings.node_monitor_grace + 5)
    assert pod_names(cluster) == ["stays"]
    cluster.run_until_idle()
    assert pod_names(cluster) == ["stays"]


def test_a_noexecute_taint_nobody_tolerates_evicts_at_once():
    cluster = make_cluster()
    running_pod(cluster, "web-1", "ship-b")
    nodes.taint(cluster.ctx, "ship-b", "maintenance", "now", "NoExecute")
    cluster.engine.drain()
    assert pod_names(cluster) == []


def test_new_pods_avoid_the_unreachable_ship():
    cluster = make_cluster(1)
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(cluster.ctx.timings.node_monitor_grace)
    cluster.api.create(make_pod("web"), trusted=True)
    cluster.engine.drain()
    (event,) = events(cluster, "FailedScheduling")
    assert event["message"] == (
        "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    )


def test_a_restored_ship_is_ready_again_and_untainted():
    cluster = make_cluster()
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(cluster.ctx.timings.node_monitor_grace)
    nodes.restore_node(cluster.ctx, "ship-a")
    cluster.engine.drain()
    ready = condition(node(cluster), "Ready")
    assert (ready["status"], ready["reason"]) == ("True", "KubeletReady")
    assert taints(cluster) == []
    assert "kubelearn.dev/failure" not in (node(cluster)["metadata"].get("annotations") or {})
    (event,) = events(cluster, "NodeReady")
    assert event["message"] == "Node ship-a status is now: NodeReady"


def test_a_ship_restored_before_the_grace_period_never_goes_not_ready():
    cluster = make_cluster()
    nodes.fail_node(cluster.ctx, "ship-a")
    cluster.step(5)
    nodes.restore_node(cluster.ctx, "ship-a")
    cluster.run_until_idle()
    assert condition(node(cluster), "Ready")["status"] == "True"
    assert not events(cluster, "NodeNotReady")


def test_cordoning_adds_the_unschedulable_taint_and_uncordoning_removes_it():
    cluster = make_cluster()
    nodes.cordon(cluster.ctx, "ship-b")
    cluster.engine.drain()
    assert taints(cluster, "ship-b") == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    nodes.uncordon(cluster.ctx, "ship-b")
    cluster.engine.drain()
    assert taints(cluster, "ship-b") == []


def test_pods_of_a_removed_ship_are_garbage_collected():
    cluster = make_cluster()
    running_pod(cluster, "web-1", "ship-c")
    running_pod(cluster, "web-2", "ship-a")
    nodes.remove_node(cluster.ctx, "ship-c")
    cluster.engine.drain()
    assert pod_names(cluster) == ["web-2"]


def test_a_pod_bound_to_a_ship_that_never_existed_is_collected():
    cluster = make_cluster()
    cluster.api.create(make_pod("lost", "ship-zz"), trusted=True)
    cluster.engine.drain()
    assert pod_names(cluster) == []
