"""Each goal check passes on a cluster that meets it and fails, saying what differs, on one that does not."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster import Cluster
from kubelearn.lessons.checks import CHECKS, evaluate
from kubelearn.lessons.fields import CHECK
from kubelearn.lessons.schema import Check, Text

WEB = """
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
          image: nginx:1.27
          env: [{name: LOG_LEVEL, value: debug}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: v1
kind: Pod
metadata: {name: crashy, labels: {app: crashy}}
spec:
  containers: [{name: crashy, image: kubelearn/crashy}]
"""

HINT = Text(zh="提示", en="hint")


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=0, nodes=3)
    assert all(r.ok for r in c.apply_text(WEB))
    c.step(120)
    return c


def run(cluster: Cluster, check_type: str, **params: Any) -> tuple[bool, str]:
    quiz_ok = params.pop("_quiz", False)
    result = evaluate(cluster, Check(check_type, params, HINT), quiz_ok=quiz_ok)
    assert result.hint == HINT
    assert result.label.en and result.label.zh and result.detail.zh
    return result.ok, result.detail.en


def test_every_check_type_of_the_format_has_a_function() -> None:
    assert set(CHECKS) == set(CHECK.variants)


@pytest.mark.parametrize(
    ("check_type", "passing", "failing", "detail"),
    [
        (
            "exists",
            {"kind": "Deployment", "name": "web"},
            {"kind": "Deployment", "name": "db"},
            "no Deployment named db in namespace default yet",
        ),
        ("exists", {"kind": "Node", "name": "ship-a"}, {"kind": "Node", "name": "ship-z"}, "no Node named ship-z yet"),
        (
            "field",
            {"kind": "Deployment", "name": "web", "path": "spec.replicas", "equals": 3},
            {"kind": "Deployment", "name": "web", "path": "spec.replicas", "equals": 5},
            "spec.replicas is 3",
        ),
        (
            "field",
            {
                "kind": "Deployment",
                "name": "web",
                "path": "spec.template.spec.containers.0.image",
                "matches": "^nginx:1\\.2[0-9]$",
            },
            {"kind": "Deployment", "name": "web", "path": "spec.template.spec.containers.0.image", "contains": "1.28"},
            "spec.template.spec.containers.0.image is nginx:1.27",
        ),
        (
            "field",
            {"kind": "Deployment", "name": "web", "path": "status.readyReplicas", "at_least": 3},
            {"kind": "Deployment", "name": "web", "path": "spec.paused", "equals": True},
            "spec.paused is not set",
        ),
        ("pods_ready", {"selector": "app=web", "count": 3}, {"selector": "app=web", "count": 4}, "3 of 4 pods Ready"),
        (
            "pods_ready",
            {"selector": "app=web", "count": 3, "exact": True},
            {"selector": "app=web", "count": 2, "exact": True},
            "3 pods Ready, 1 too many",
        ),
        (
            "pods_on_distinct_nodes",
            {"selector": "app=web", "count": 3},
            {"selector": "app=web", "count": 4},
            "on 3 of 4 ships",
        ),
        (
            "pod_status",
            {"selector": "app=crashy", "status": "CrashLoopBackOff"},
            {"selector": "app=web", "status": "CrashLoopBackOff"},
            "pods show: Running ×3",
        ),
        (
            "pod_status",
            {"selector": "app=web", "status": "CrashLoopBackOff", "negate": True},
            {"selector": "app=nothing", "status": "Running"},
            "no pods match app=nothing",
        ),
        (
            "event",
            {"reason": "BackOff", "kind": "Pod", "name_prefix": "crash"},
            {"reason": "FailedScheduling"},
            "no FailedScheduling event yet",
        ),
        (
            "event",
            {"reason": "Scheduled", "message_contains": "to ship-"},
            {"reason": "Scheduled", "message_contains": "to ship-q"},
            "no Scheduled event yet",
        ),
        ("service_endpoints", {"service": "web", "count": 3}, {"service": "web", "count": 4}, "3 of 4 ready endpoints"),
        ("service_endpoints", {"service": "web", "count": 1}, {"service": "db", "count": 1}, "no Service named db yet"),
        (
            "service_answers",
            {"service": "web", "distinct_pods": 3},
            {"service": "web", "distinct_pods": 4},
            "20 requests answered by 3 pods",
        ),
        (
            "rollout",
            {"deployment": "web", "revision": 1, "image": "nginx:1.27"},
            {"deployment": "web", "revision": 2},
            "revision 1, 3 updated / 3 ready of 3",
        ),
        (
            "env",
            {"selector": "app=web", "name": "LOG_LEVEL", "value": "debug"},
            {"selector": "app=web", "name": "LOG_LEVEL", "value": "info"},
            "LOG_LEVEL is debug",
        ),
        ("hpa", {"deployment": "web", "min": 3, "max": 6}, {"deployment": "web", "max": 10}, "min 3, max 6"),
        ("quiz", {"_quiz": True}, {"_quiz": False}, "not answered correctly yet"),
    ],
)
def test_a_check_passes_when_met_and_says_what_differs_when_not(
    cluster: Cluster, check_type: str, passing: dict[str, Any], failing: dict[str, Any], detail: str
) -> None:
    assert run(cluster, check_type, **passing)[0] is True
    assert run(cluster, check_type, **failing) == (False, detail)


def test_probing_a_service_writes_no_access_log_and_keeps_round_robin(cluster: Cluster) -> None:
    from kubelearn.cluster import kubelet, proxy

    pods = sorted(
        p["metadata"]["name"]
        for p in cluster.store.iter_kind("Pod", "default")
        if p["metadata"]["name"].startswith("web")
    )
    before = {pod: kubelet.logs(cluster.ctx, "default", pod) for pod in pods}
    first = proxy.send_requests(cluster.ctx, "default", "web", 1)[0].pod
    run(cluster, "service_answers", service="web", distinct_pods=3)
    run(cluster, "service_answers", service="web", distinct_pods=3, requests=7)
    second = proxy.send_requests(cluster.ctx, "default", "web", 1)[0].pod
    assert pods.index(second) != pods.index(first) or len(pods) == 1
    after = {pod: kubelet.logs(cluster.ctx, "default", pod) for pod in pods}
    assert sum(len(v) for v in after.values()) == sum(len(v) for v in before.values()) + 2


def test_an_authors_label_replaces_the_generated_one(cluster: Cluster) -> None:
    label = Text(zh="船队就位", en="The fleet is ready")
    result = evaluate(cluster, Check("pods_ready", {"selector": "app=web", "count": 3}, HINT, label))
    assert result.label == label
    assert result.detail == Text(zh="3 个里有 3 个就绪", en="3 of 3 pods Ready")
