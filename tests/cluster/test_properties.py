"""Invariants that hold for any sequence of disruptions (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelearn.cluster import Cluster, nodes

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, resources: {requests: {cpu: 100m}}}]
"""

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("scale"), st.integers(min_value=0, max_value=8)),
        st.tuples(st.just("delete_pod"), st.integers(min_value=0, max_value=10)),
        st.tuples(st.just("fail_node"), st.sampled_from(["ship-a", "ship-b"])),
        st.tuples(st.just("step"), st.integers(min_value=0, max_value=40)),
    ),
    max_size=8,
)


def _live_pods(cluster):
    return [p for p in cluster.store.iter_kind("Pod", "default") if not p["metadata"].get("deletionTimestamp")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_a_deployment_converges_to_its_spec_after_any_disruptions(actions):
    cluster = Cluster(seed=0)
    revisions: list[int] = []
    cluster.store.listeners.append(lambda event: revisions.append(event.resource_version))
    cluster.apply_text(DEPLOY)
    for kind, arg in actions:
        if kind == "scale":
            cluster.api.set_scale("Deployment", "default", "web", arg)
        elif kind == "delete_pod":
            pods = _live_pods(cluster)
            if pods:
                cluster.api.delete("Pod", "default", pods[arg % len(pods)]["metadata"]["name"])
        elif kind == "fail_node":
            nodes.fail_node(cluster.ctx, arg)
        else:
            cluster.step(arg)
    cluster.run_until_idle()
    want = cluster.store.peek("Deployment", "default", "web")["spec"]["replicas"]
    status = cluster.store.peek("Deployment", "default", "web").get("status", {})
    running = [p for p in _live_pods(cluster) if p["status"].get("phase") == "Running"]
    assert len(running) == want
    assert status.get("availableReplicas", 0) == want
    assert status.get("replicas", 0) == want
    assert revisions == sorted(set(revisions)), "resourceVersion strictly increases across all watch events"
