"""The HorizontalPodAutoscaler scales on CPU utilisation, with upstream's conditions and events."""

from __future__ import annotations

from kubelearn.cluster.proxy import set_load

APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        resources: {requests: {cpu: %s}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
"""


def hpa(cluster):
    return cluster.store.peek("HorizontalPodAutoscaler", "default", "web")


def conditions(cluster):
    return {c["type"]: (c["status"], c["reason"]) for c in hpa(cluster)["status"]["conditions"]}


def events(cluster, reason):
    added = [ev.object for ev in cluster.store.events_since(0, ["Event"]) if ev.type == "ADDED"]
    return [e["message"] for e in added if e["reason"] == reason]


def replicas(cluster):
    return cluster.store.peek("Deployment", "default", "web")["spec"]["replicas"]


def run(cluster, kubelet, seconds):
    for _ in range(int(seconds // 5)):
        cluster.step(5)
        kubelet.settle()


def test_load_above_target_scales_up_within_the_scale_up_limit(cluster, kubelet):
    cluster.apply_text(APP % "100m")
    kubelet.settle()
    set_load(cluster.ctx, "default", "web", 300)  # 100m per pod + baseline: ~101% of the request
    run(cluster, kubelet, 15)
    assert replicas(cluster) == 6
    assert events(cluster, "SuccessfulRescale") == [
        "New size: 6; reason: cpu resource utilization (percentage of request) above target"
    ]
    assert conditions(cluster)["ScalingLimited"] == ("True", "ScaleUpLimit")
    assert conditions(cluster)["ScalingActive"] == ("True", "ValidMetricFound")
    current = hpa(cluster)["status"]["currentMetrics"][0]["resource"]["current"]
    assert current == {"averageUtilization": 101, "averageValue": "101m"}


def test_scale_down_waits_for_the_stabilization_window(cluster, kubelet):
    cluster.apply_text(APP % "100m")
    kubelet.settle()
    set_load(cluster.ctx, "default", "web", 150)  # 51%: within tolerance, stays at 3
    run(cluster, kubelet, 30)
    assert replicas(cluster) == 3
    set_load(cluster.ctx, "default", "web", 0)
    run(cluster, kubelet, 60)
    assert replicas(cluster) == 3
    assert conditions(cluster)["AbleToScale"] == ("True", "ScaleDownStabilized")
    run(cluster, kubelet, 300)
    assert replicas(cluster) == 1
    assert events(cluster, "SuccessfulRescale")[-1] == "New size: 1; reason: All metrics below target"
    assert cluster.run_until_idle() < 60  # no load, settled: the HPA stops polling


def test_pods_without_cpu_requests_make_the_metric_invalid(cluster, kubelet):
    cluster.apply_text((APP % "100m").replace("resources: {requests: {cpu: 100m}}", "resources: {}"))
    kubelet.settle()
    run(cluster, kubelet, 15)
    (message,) = set(events(cluster, "FailedGetResourceMetric"))
    assert message.startswith("failed to get cpu utilization: missing request for cpu in container web of Pod web-")
    status, reason = conditions(cluster)["ScalingActive"]
    assert (status, reason) == ("False", "FailedGetResourceMetric")
    (computed,) = set(events(cluster, "FailedComputeMetricsReplicas"))
    assert computed.startswith(
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: "
        "failed to get cpu utilization: missing request for cpu in container web of Pod web-"
    )
