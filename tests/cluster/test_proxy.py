"""kube-proxy and DNS: names resolve to ClusterIPs, requests go round-robin to ready pods only."""

from __future__ import annotations

import pytest

from kubelearn.cluster import metrics
from kubelearn.cluster.proxy import resolve, send_requests, send_to_node_port, set_load

APP = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 30080}]
"""


@pytest.mark.parametrize(
    "name", ["web", "web.default", "web.default.svc", "web.default.svc.cluster.local", "web.default.svc.cluster.local."]
)
def test_every_dns_form_of_a_service_resolves_to_its_cluster_ip(cluster, name):
    cluster.apply_text(APP)
    ip = cluster.store.peek("Service", "default", "web")["spec"]["clusterIP"]
    assert resolve(cluster.ctx, name) == ip


def test_unknown_names_do_not_resolve(cluster):
    assert resolve(cluster.ctx, "nope") is None
    assert resolve(cluster.ctx, "web", namespace="other") is None


def test_requests_take_turns_over_the_ready_pods_only(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all()
    pods = sorted(cluster.store.iter_kind("Pod", "default"), key=lambda p: p["status"]["podIP"])
    kubelet.set_ready(pods[2], False)
    cluster.step(0)
    answers = [r.pod for r in send_requests(cluster.ctx, "default", "web", count=4)]
    first, second = pods[0]["metadata"]["name"], pods[1]["metadata"]["name"]
    assert answers == [first, second, first, second]
    assert all(r.ok and r.status == 200 and r.port == 80 for r in send_requests(cluster.ctx, "default", "web"))


def test_a_service_without_ready_endpoints_refuses_connections(cluster):
    cluster.apply_text(APP)
    (result,) = send_requests(cluster.ctx, "default", "web")
    assert (result.ok, result.error) == (False, "connection refused")


def test_a_node_port_answers_on_every_node(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all()
    cluster.step(0)
    for node in ("ship-a", "ship-b", "ship-c"):
        (result,) = send_to_node_port(cluster.ctx, node, 30080)
        assert result.ok
        assert result.service == "web"


def test_sustained_load_is_shared_as_cpu_over_ready_pods(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all()
    cluster.step(0)
    set_load(cluster.ctx, "default", "web", 300)
    usage = metrics.top_pods(cluster.ctx, "default")
    assert [u.cpu_m for u in usage] == [metrics.FALLBACK_USAGE["cpu_m"] + 100] * 3
    set_load(cluster.ctx, "default", "web", 0)
    assert all(u.cpu_m == metrics.FALLBACK_USAGE["cpu_m"] for u in metrics.top_pods(cluster.ctx, "default"))


def test_a_service_whose_target_port_nothing_listens_on_is_refused():
    """nginx listens on 80; a Service sending to 8080 gets "connection refused", as on a real cluster."""
    from kubelearn.cluster import Cluster
    from kubelearn.cluster.proxy import send_requests

    real = Cluster()
    real.apply_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: 'nginx:1.27'}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: right}\nspec:\n  selector: {app: web}\n"
        "  ports: [{port: 80, targetPort: 80}]\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: wrong}\nspec:\n  selector: {app: web}\n"
        "  ports: [{port: 80, targetPort: 8080}]\n"
    )
    real.run_until_idle()
    assert all(r.ok for r in send_requests(real.ctx, "default", "right", 4))
    refused = send_requests(real.ctx, "default", "wrong", 4)
    assert [r.error for r in refused] == ["connection refused"] * 4
