"""The ReplicaSet controller keeps exactly spec.replicas active pods and reports them."""

from __future__ import annotations

from kubelearn.cluster.controllers.pod_ranking import pods_to_delete

RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""


def _pods(cluster):
    return [p for p in cluster.store.iter_kind("Pod", "default") if not p["metadata"].get("deletionTimestamp")]


def _events(cluster, reason):
    added = [ev.object for ev in cluster.store.events_since(0, ["Event"]) if ev.type == "ADDED"]
    return [e["message"] for e in added if e["reason"] == reason]


def test_missing_pods_are_created_from_the_template_and_owned(cluster):
    cluster.apply_text(RS % 3)
    pods = _pods(cluster)
    assert len(pods) == 3
    for pod in pods:
        assert pod["metadata"]["name"].startswith("web-")
        assert len(pod["metadata"]["name"]) == len("web-") + 5
        assert pod["metadata"]["labels"] == {"app": "web"}
        ref = pod["metadata"]["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["controller"]) == ("ReplicaSet", "web", True)
    assert sorted(_events(cluster, "SuccessfulCreate")) == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    status = cluster.store.peek("ReplicaSet", "default", "web")["status"]
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_a_deleted_pod_is_replaced(cluster, kubelet):
    cluster.apply_text(RS % 2)
    victim = _pods(cluster)[0]["metadata"]["name"]
    cluster.api.delete("Pod", "default", victim)
    cluster.engine.drain()
    names = [p["metadata"]["name"] for p in _pods(cluster)]
    assert len(names) == 2
    assert victim not in names


def test_ready_and_available_replicas_follow_pod_readiness(cluster, kubelet):
    cluster.apply_text(RS % 3)
    kubelet.start_all(ready=True)
    cluster.step(0)
    status = cluster.store.peek("ReplicaSet", "default", "web")["status"]
    assert (status["readyReplicas"], status["availableReplicas"]) == (3, 3)
    kubelet.set_ready(_pods(cluster)[0], False)
    cluster.step(0)
    assert cluster.store.peek("ReplicaSet", "default", "web")["status"]["readyReplicas"] == 2


def test_scaling_down_deletes_not_ready_pods_before_ready_ones(cluster, kubelet):
    cluster.apply_text(RS % 3)
    kubelet.start_all(ready=True)
    laggard = _pods(cluster)[1]
    kubelet.set_ready(laggard, False)
    cluster.api.set_scale("ReplicaSet", "default", "web", 2)
    cluster.engine.drain()
    assert _events(cluster, "SuccessfulDelete") == [f"Deleted pod: {laggard['metadata']['name']}"]
    assert len(list(_pods(cluster))) == 2


def test_unscheduled_pods_go_before_scheduled_ones():
    def pod(name, node, ready):
        return {
            "metadata": {"name": name, "uid": name, "creationTimestamp": "2026-01-01T09:00:00Z"},
            "spec": {"nodeName": node} if node else {},
            "status": {"phase": "Running" if node else "Pending", "conditions": [{"type": "Ready", "status": ready}]},
        }

    pods = [pod("a", "ship-a", "True"), pod("b", "", "False"), pod("c", "ship-b", "False")]
    chosen = pods_to_delete(pods, 2, 100.0, lambda s: 0.0)
    assert [p["metadata"]["name"] for p in chosen] == ["b", "c"]


def test_orphans_matching_the_selector_are_adopted_instead_of_creating_more(cluster):
    cluster.apply_text(
        """
apiVersion: v1
kind: Pod
metadata: {name: stray, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx}]
"""
    )
    cluster.apply_text(RS % 2)
    stray = cluster.store.peek("Pod", "default", "stray")
    assert stray["metadata"]["ownerReferences"][0]["name"] == "web"
    assert len(_pods(cluster)) == 2


def test_a_pod_relabelled_out_of_the_selector_is_released_and_replaced(cluster):
    cluster.apply_text(RS % 1)
    pod = _pods(cluster)[0]
    name = pod["metadata"]["name"]
    cluster.api.patch(
        "Pod", "default", name, {"metadata": {"labels": {"app": "debug"}}}, "application/merge-patch+json"
    )
    cluster.engine.drain()
    released = cluster.store.peek("Pod", "default", name)
    assert "ownerReferences" not in released["metadata"]
    assert len(_pods(cluster)) == 2


def test_a_failing_create_is_retried_after_a_backoff_not_in_a_tight_loop():
    """A quota-like refusal whose message changes every time must not spin the engine."""
    from kubelearn.cluster import Cluster
    from kubelearn.cluster.errors import new_forbidden

    cluster = Cluster()
    attempts: list[float] = []

    def refuse_pods(store, obj):
        if obj["kind"] == "Pod":
            attempts.append(cluster.clock.now)
            raise new_forbidden("", "pods", obj["metadata"]["name"], f"attempt {len(attempts)}")

    cluster.api.quota_hooks.append(refuse_pods)
    cluster.apply_text(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    cluster.step(12)
    assert attempts == [0.0, 5.0, 10.0]
    rs = cluster.store.get("ReplicaSet", "default", "web")
    assert rs["status"]["conditions"][0]["reason"] == "FailedCreate"
