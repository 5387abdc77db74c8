"""Each selector Service gets an Endpoints object listing its pods, ready or not."""

from __future__ import annotations

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
      containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {tier: front}}
spec:
  selector: {app: web}
  ports: [{name: www, port: 80, targetPort: http}]
"""


def endpoints(cluster, name="web"):
    return cluster.store.peek("Endpoints", "default", name)


def test_ready_pods_are_addresses_and_the_others_not_ready_addresses(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all(ready=True)
    pods = sorted(cluster.store.iter_kind("Pod", "default"), key=lambda p: p["status"]["podIP"])
    kubelet.set_ready(pods[0], False)
    cluster.step(0)
    (subset,) = endpoints(cluster)["subsets"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == [pods[0]["status"]["podIP"]]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == [p["metadata"]["name"] for p in pods[1:]]
    assert subset["addresses"][0]["nodeName"] == pods[1]["spec"]["nodeName"]
    assert subset["ports"] == [{"name": "www", "port": 8080, "protocol": "TCP"}]
    assert endpoints(cluster)["metadata"]["labels"] == {"tier": "front"}


def test_a_service_without_ready_pods_has_an_endpoints_object_without_subsets(cluster):
    cluster.apply_text(APP)
    cluster.step(0)
    assert "subsets" not in endpoints(cluster)


def test_services_without_a_selector_are_left_alone(cluster):
    cluster.apply_text(
        """
apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  ports: [{port: 5432}]
"""
    )
    cluster.step(0)
    assert endpoints(cluster, "external") is None


def test_deleting_the_service_deletes_its_endpoints(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all()
    cluster.step(0)
    assert endpoints(cluster) is not None
    cluster.api.delete("Service", "default", "web")
    cluster.step(0)
    assert endpoints(cluster) is None


def test_a_deleted_pod_leaves_the_endpoints_at_once(cluster, kubelet):
    cluster.apply_text(APP)
    kubelet.start_all()
    cluster.step(0)
    victim = next(iter(cluster.store.iter_kind("Pod", "default")))
    cluster.api.delete("Pod", "default", victim["metadata"]["name"])
    cluster.step(0)
    names = {a["targetRef"]["name"] for s in endpoints(cluster)["subsets"] for a in s.get("addresses", [])}
    assert victim["metadata"]["name"] not in names
