"""kube-scheduler: filters, scores, binding and upstream's FailedScheduling messages."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster import nodes
from kubelearn.cluster.cluster import Cluster
from kubelearn.cluster.controllers import garbage_collector, namespace, node_lifecycle, serviceaccount
from kubelearn.cluster.scheduler import explain
from kubelearn.cluster.scheduler import framework as fw
from kubelearn.cluster.scheduler.cache import NodeInfo, PodInfo, pod_info, pod_requests
from kubelearn.cluster.scheduler.plugins import (
    least_allocated,
    node_affinity,
    node_name,
    node_unschedulable,
    resources_fit,
    taint_toleration,
)

RS_UID = "11111111-2222-4333-8444-555555555555"
GI = 1024**3


def make_cluster(nodes_count: int = 3) -> Cluster:
    from kubelearn.cluster import scheduler

    controllers = [namespace, serviceaccount, scheduler, node_lifecycle, garbage_collector]
    return Cluster(nodes=nodes_count, controllers=controllers)  # type: ignore[list-item]


def make_pod(
    name: str, cpu: str | None = None, memory: str | None = None, owner: bool = False, **spec: Any
) -> dict[str, Any]:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    container: dict[str, Any] = {"name": "app", "image": "nginx:1.27"}
    if requests:
        container["resources"] = {"requests": requests}
    meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": {"app": "web"}}
    if owner:
        meta["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": RS_UID, "controller": True}
        ]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [container], **spec}}


def create(cluster: Cluster, pod: dict[str, Any]) -> None:
    cluster.api.create(pod, trusted=True)
    cluster.engine.drain()


def pod(cluster: Cluster, name: str) -> dict[str, Any]:
    return cluster.api.get("Pod", "default", name)


def node_of(cluster: Cluster, name: str) -> str | None:
    return pod(cluster, name)["spec"].get("nodeName")


def events(cluster: Cluster, reason: str) -> list[dict[str, Any]]:
    return [e for e in cluster.store.iter_kind("Event") if e["reason"] == reason]


def scheduled_condition(cluster: Cluster, name: str) -> dict[str, Any]:
    conditions = pod(cluster, name)["status"].get("conditions") or []
    return next(c for c in conditions if c["type"] == "PodScheduled")


# -- binding --------------------------------------------------------------------------------


def test_a_pod_is_bound_to_a_node_with_a_scheduled_event():
    cluster = make_cluster()
    create(cluster, make_pod("web-1", cpu="100m"))
    assert node_of(cluster, "web-1") == "ship-a"
    condition = scheduled_condition(cluster, "web-1")
    assert condition["status"] == "True"
    assert condition["lastTransitionTime"] == "2026-01-01T09:00:00Z"
    (event,) = events(cluster, "Scheduled")
    assert event["message"] == "Successfully assigned default/web-1 to ship-a"
    assert event["source"] == {"component": "default-scheduler"}
    assert event["type"] == "Normal"


def test_pods_of_one_replicaset_spread_across_the_three_ships():
    cluster = make_cluster()
    for i in range(6):
        create(cluster, make_pod(f"web-{i}", owner=True))
    placed = [node_of(cluster, f"web-{i}") for i in range(6)]
    assert placed[:3] == ["ship-a", "ship-b", "ship-c"]
    assert sorted(placed) == ["ship-a", "ship-a", "ship-b", "ship-b", "ship-c", "ship-c"]


def test_least_allocated_prefers_the_emptier_ship_for_a_bare_pod():
    cluster = make_cluster()
    create(cluster, make_pod("hog", cpu="3"))
    create(cluster, make_pod("small", cpu="100m"))
    assert node_of(cluster, "hog") == "ship-a"
    assert node_of(cluster, "small") == "ship-b"


def test_pods_for_another_scheduler_are_left_alone():
    cluster = make_cluster()
    create(cluster, make_pod("custom", schedulerName="my-scheduler"))
    assert node_of(cluster, "custom") is None
    assert not events(cluster, "FailedScheduling")


def test_scheduling_leaves_no_timers_behind_when_everything_fits():
    cluster = make_cluster()
    for i in range(5):
        create(cluster, make_pod(f"web-{i}", owner=True))
    assert cluster.clock.pending() == 0
    assert cluster.run_until_idle() == 0


# -- FailedScheduling -------------------------------------------------------------------------


def test_a_pod_too_big_for_every_ship_gets_upstreams_message():
    cluster = make_cluster()
    create(cluster, make_pod("big", cpu="5"))
    message = (
        "0/3 nodes are available: 3 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    )
    (event,) = events(cluster, "FailedScheduling")
    assert event["message"] == message
    assert event["type"] == "Warning"
    condition = scheduled_condition(cluster, "big")
    assert condition == {
        "type": "PodScheduled",
        "status": "False",
        "lastProbeTime": None,
        "lastTransitionTime": "2026-01-01T09:00:00Z",
        "reason": "Unschedulable",
        "message": message,
    }
    assert pod(cluster, "big")["status"]["phase"] == "Pending"


def test_several_reasons_are_counted_and_sorted_like_upstream():
    cluster = make_cluster()
    cluster.api.create(make_pod("mem-hog", memory="7Gi", nodeName="ship-a"), trusted=True)
    cluster.api.create(make_pod("cpu-hog-b", cpu="3500m", nodeName="ship-b"), trusted=True)
    cluster.api.create(make_pod("cpu-hog-c", cpu="3500m", nodeName="ship-c"), trusted=True)
    create(cluster, make_pod("web", cpu="1", memory="2Gi"))
    (event,) = events(cluster, "FailedScheduling")
    assert event["message"] == (
        "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    )


def test_unresolvable_reasons_say_preemption_is_not_helpful():
    cluster = make_cluster()
    nodes.cordon(cluster.ctx, "ship-a")
    cluster.api.create(make_pod("hog-b", cpu="4", nodeName="ship-b"), trusted=True)
    cluster.api.create(make_pod("hog-c", cpu="4", nodeName="ship-c"), trusted=True)
    create(cluster, make_pod("web", cpu="1"))
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."
    )


def test_a_node_selector_nobody_matches():
    cluster = make_cluster()
    create(cluster, make_pod("gpu", nodeSelector={"accelerator": "nvidia"}))
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )


def test_an_untolerated_taint_is_named_with_its_key_and_value():
    cluster = make_cluster(1)
    nodes.taint(cluster.ctx, "ship-a", "dedicated", "gpu", "NoSchedule")
    create(cluster, make_pod("web"))
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. "
        "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    )
    tolerating = make_pod("gpu-job", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu"}])
    create(cluster, tolerating)
    assert node_of(cluster, "gpu-job") == "ship-a"


def test_a_full_ship_reports_too_many_pods():
    cluster = make_cluster(0)
    nodes.add_node(cluster.ctx, pods=1)
    create(cluster, make_pod("first"))
    create(cluster, make_pod("second"))
    assert node_of(cluster, "first") == "ship-a"
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/1 nodes are available: 1 Too many pods. "
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )


def test_no_nodes_at_all():
    cluster = make_cluster(0)
    create(cluster, make_pod("web"))
    assert events(cluster, "FailedScheduling")[0]["message"] == "no nodes available to schedule pods"


def test_preemption_policy_never_says_so():
    cluster = make_cluster(1)
    create(cluster, make_pod("big", cpu="8", preemptionPolicy="Never"))
    assert events(cluster, "FailedScheduling")[0]["message"] == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    )


# -- retries ----------------------------------------------------------------------------------


def test_a_pending_pod_is_scheduled_as_soon_as_capacity_frees():
    cluster = make_cluster(1)
    cluster.api.create(make_pod("hog", cpu="3", nodeName="ship-a"), trusted=True)
    create(cluster, make_pod("web", cpu="2"))
    assert node_of(cluster, "web") is None
    cluster.api.delete("Pod", "default", "hog", grace_period=0)
    cluster.engine.drain()
    assert node_of(cluster, "web") == "ship-a"
    assert scheduled_condition(cluster, "web")["status"] == "True"
    assert cluster.run_until_idle() <= cluster.ctx.timings.scheduler_retry


def test_a_pending_pod_lands_on_a_new_ship():
    cluster = make_cluster(1)
    create(cluster, make_pod("big", cpu="6"))
    nodes.add_node(cluster.ctx, cpu="8")
    cluster.engine.drain()
    assert node_of(cluster, "big") == "ship-b"


def test_uncordoning_reschedules_waiting_pods():
    cluster = make_cluster(1)
    nodes.cordon(cluster.ctx, "ship-a")
    create(cluster, make_pod("web"))
    assert node_of(cluster, "web") is None
    nodes.uncordon(cluster.ctx, "ship-a")
    cluster.engine.drain()
    assert node_of(cluster, "web") == "ship-a"


def test_a_pending_pod_is_retried_periodically_and_counts_its_failures():
    cluster = make_cluster(1)
    create(cluster, make_pod("big", cpu="6"))
    retry = cluster.ctx.timings.scheduler_retry
    cluster.step(retry * 3)
    (event,) = events(cluster, "FailedScheduling")
    assert event["count"] == 4
    assert cluster.clock.pending() == 1  # one retry timer, not one per attempt


# -- explain ----------------------------------------------------------------------------------


def test_explain_gives_every_node_a_verdict_with_reasons_and_scores():
    cluster = make_cluster()
    nodes.cordon(cluster.ctx, "ship-b")
    cluster.engine.drain()
    verdicts = {v.node: v for v in explain(cluster.ctx, make_pod("web", cpu="100m"))}
    assert verdicts["ship-b"].ok is False
    assert verdicts["ship-b"].reasons == ("node(s) were unschedulable",)
    assert verdicts["ship-b"].plugin == "NodeUnschedulable"
    assert "cordoned" in verdicts["ship-b"].details[0]
    assert verdicts["ship-a"].ok
    assert verdicts["ship-a"].score is not None
    assert dict(verdicts["ship-a"].scores)["NodeResourcesFit"] == 97


def test_explain_judges_a_bound_pods_node_without_the_pod_itself():
    cluster = make_cluster(1)
    create(cluster, make_pod("web", cpu="4"))
    (verdict,) = explain(cluster.ctx, pod(cluster, "web"))
    assert verdict.ok


# -- plugins in isolation ---------------------------------------------------------------------


def node_info(name: str = "n1", **fields: Any) -> NodeInfo:
    base: dict[str, Any] = {"alloc_cpu": 4000, "alloc_memory": 8 * GI, "alloc_pods": 20, "node": {}}
    base.update(fields)
    return NodeInfo(name, **base)


def info_for(**spec: Any) -> PodInfo:
    return pod_info(make_pod("p", **spec))


def test_requests_default_to_100m_and_200mi_only_for_scoring():
    spec = make_pod("p")["spec"]
    assert pod_requests(spec) == (0, 0, 0, 100, 200 * 1024 * 1024)


def test_init_containers_count_as_a_maximum_and_limits_stand_in_for_requests():
    spec = {
        "containers": [{"name": "a", "resources": {"limits": {"cpu": "500m"}}}],
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "2"}}}],
    }
    assert pod_requests(spec)[0] == 2000


def test_resources_fit_reports_every_shortfall():
    node = node_info(req_cpu=3900, req_memory=8 * GI - 1)
    status = resources_fit.filter(info_for(), node)
    assert status is None
    status = resources_fit.filter(pod_info(make_pod("p", cpu="200m", memory="1Mi")), node)
    assert status is not None
    assert status.reasons == ("Insufficient cpu", "Insufficient memory")
    assert not status.unresolvable


def test_node_name_filter_rejects_other_nodes():
    info = info_for(nodeName="n2")
    status = node_name.filter(info, node_info("n1"))
    assert status is not None
    assert status.reasons == ("node(s) didn't match the requested node name",)
    assert node_name.filter(info, node_info("n2")) is None


def test_unschedulable_node_admits_pods_tolerating_the_unschedulable_taint():
    node = node_info(unschedulable=True)
    assert node_unschedulable.filter(info_for(), node) is not None
    tolerant = info_for(tolerations=[{"key": "node.kubernetes.io/unschedulable", "operator": "Exists"}])
    assert node_unschedulable.filter(tolerant, node) is None


@pytest.mark.parametrize(
    ("toleration", "tolerated"),
    [
        ({"key": "k", "operator": "Equal", "value": "v"}, True),
        ({"key": "k", "value": "other"}, False),
        ({"key": "k", "operator": "Exists", "effect": "NoSchedule"}, True),
        ({"key": "k", "operator": "Exists", "effect": "NoExecute"}, False),
        ({"operator": "Exists"}, True),
    ],
)
def test_toleration_matching_follows_tolerates_taint(toleration, tolerated):
    taint = {"key": "k", "value": "v", "effect": "NoSchedule"}
    assert taint_toleration.toleration_matches(toleration, taint) is tolerated


def test_prefer_no_schedule_taints_do_not_filter():
    node = node_info(taints=[{"key": "k", "effect": "PreferNoSchedule"}])
    assert taint_toleration.filter(info_for(), node) is None


def test_required_node_affinity_terms_are_ored_and_expressions_anded():
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["z1"]}]},
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["special"]}]},
                ]
            }
        }
    }
    info = info_for(affinity=affinity)
    assert node_affinity.filter(info, node_info(labels={"topology.kubernetes.io/zone": "z1"})) is None
    assert node_affinity.filter(info, node_info("special")) is None
    status = node_affinity.filter(info, node_info(labels={"topology.kubernetes.io/zone": "z2"}))
    assert status is not None
    assert status.unresolvable


def test_gt_and_lt_compare_integers():
    expr = {"key": "cores", "operator": "Gt", "values": ["8"]}
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [expr]}]}
        }
    }
    info = info_for(affinity=affinity)
    assert node_affinity.filter(info, node_info(labels={"cores": "16"})) is None
    assert node_affinity.filter(info, node_info(labels={"cores": "4"})) is not None


def test_least_allocated_scores_the_share_left_free():
    info = info_for(containers=[{"name": "a", "resources": {"requests": {"cpu": "1", "memory": "2Gi"}}}])
    assert least_allocated.score(info, node_info()) == 75
    assert least_allocated.score(info, node_info(nz_cpu=3000, nz_memory=6 * GI)) == 0


def test_feasible_node_search_is_cut_short_in_big_clusters_like_upstream():
    assert fw.num_feasible_nodes_to_find(50) == 50
    assert fw.num_feasible_nodes_to_find(1000, percentage=0) == 420  # upstream's adaptive default
    assert fw.num_feasible_nodes_to_find(5000, percentage=0) == 500
    assert fw.num_feasible_nodes_to_find(1000) == 100  # ours: 10%, at least 100


def test_a_pending_pod_survives_a_snapshot_and_restore():
    cluster = make_cluster(1)
    create(cluster, make_pod("big", cpu="6"))
    from kubelearn.cluster import scheduler

    controllers = [namespace, serviceaccount, scheduler, node_lifecycle, garbage_collector]
    restored = Cluster.restore(cluster.snapshot(), controllers=controllers)  # type: ignore[arg-type]
    nodes.add_node(restored.ctx, cpu="8")
    restored.engine.drain()
    assert node_of(restored, "big") == "ship-b"
