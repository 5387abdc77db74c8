"""The Job controller runs pods to completion and gives up after backoffLimit failures."""

from __future__ import annotations

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: %d
  parallelism: %d
  backoffLimit: %d
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: busybox, command: [sh, -c, "echo 3.14"]}]
"""


def job(cluster):
    return cluster.store.peek("Job", "default", "pi")


def active_pods(cluster):
    return [
        p
        for p in cluster.store.iter_kind("Pod", "default")
        if p.get("status", {}).get("phase") in (None, "Pending", "Running")
    ]


def events(cluster, reason):
    added = [ev.object for ev in cluster.store.events_since(0, ["Event"]) if ev.type == "ADDED"]
    return [e["message"] for e in added if e["reason"] == reason]


def test_a_job_keeps_parallelism_pods_running_until_completions_succeed(cluster, kubelet):
    cluster.apply_text(JOB % (3, 2, 6))
    assert len(active_pods(cluster)) == 2
    pod = active_pods(cluster)[0]
    labels = pod["metadata"]["labels"]
    assert labels["batch.kubernetes.io/job-name"] == labels["job-name"] == "pi"
    assert labels["controller-uid"] == job(cluster)["metadata"]["uid"]
    for _ in range(3):
        kubelet.start_all()
        kubelet.end(active_pods(cluster)[0], "Succeeded")
    status = job(cluster)["status"]
    assert status["succeeded"] == 3
    assert "active" not in status
    assert status["completionTime"]
    assert [c["type"] for c in status["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert status["conditions"][1]["message"] == "Reached expected number of succeeded pods"
    assert events(cluster, "Completed") == ["Job completed"]
    assert len(events(cluster, "SuccessfulCreate")) == 3


def test_failures_beyond_the_backoff_limit_fail_the_job(cluster, kubelet):
    cluster.apply_text(JOB % (1, 1, 1))
    kubelet.start_all()
    kubelet.end(active_pods(cluster)[0], "Failed")
    assert active_pods(cluster) == []  # the replacement waits for the pod-failure backoff
    cluster.step(10)
    kubelet.start_all()
    kubelet.end(active_pods(cluster)[0], "Failed")
    status = job(cluster)["status"]
    assert status["failed"] == 2
    assert [(c["type"], c["reason"]) for c in status["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"),
        ("Failed", "BackoffLimitExceeded"),
    ]
    assert events(cluster, "BackoffLimitExceeded") == ["Job has reached the specified backoff limit"]
