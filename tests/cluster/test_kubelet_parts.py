"""The kubelet's pieces on their own: image references, the tiny shell, durations, the PV binder."""

from __future__ import annotations

from datetime import UTC, datetime

from kubelearn.cluster.cluster import Cluster
from kubelearn.cluster.kubelet.images import parse_reference, pull_error
from kubelearn.cluster.kubelet.shell import Shell
from kubelearn.cluster.kubelet.stages import STAGES, go_duration, next_backoff

START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def test_image_references_are_normalised_like_docker() -> None:
    assert parse_reference("nginx").full == "docker.io/library/nginx:latest"
    assert parse_reference("nginx:1.27").full == "docker.io/library/nginx:1.27"
    assert parse_reference("kubelearn/web:2.0").full == "docker.io/kubelearn/web:2.0"
    assert parse_reference("registry.k8s.io/pause:3.10").repository == "registry.k8s.io/pause"
    assert parse_reference("nginx").always_pull
    assert not parse_reference("nginx:1.27").always_pull
    assert parse_reference("nginx:9.99").spec is not None
    assert parse_reference("ngnix").spec is None


def test_an_unknown_docker_hub_repository_fails_with_containerds_message() -> None:
    message = pull_error(parse_reference("ngnix:1.27"))
    assert message.startswith(
        'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:1.27"'
    )
    assert "pull access denied, repository does not exist or may require authorization" in message


def test_durations_print_like_go() -> None:
    assert [go_duration(s) for s in (10, 80, 300, 0.2, 1.5)] == ["10s", "1m20s", "5m0s", "200ms", "1.5s"]
    assert [next_backoff(b, 10, 300) for b in (0, 10, 160, 300)] == [10, 20, 300, 300]


def test_every_stage_that_waits_names_its_reason() -> None:
    assert STAGES["Pulling"].waiting_reason == "ContainerCreating"
    assert STAGES["CrashLoopBackOff"].next == "Pulling"
    assert STAGES["Creating"].timing == "container_start"


def test_the_shell_runs_loops_files_and_exit_codes() -> None:
    program = Shell({"N": "3"}, START, "pod").run_script("for i in 1 2; do echo $i of $N; sleep 2; done; exit 4")
    assert program.output_until(10) == [(0.0, "1 of 3"), (2.0, "2 of 3")]
    assert (program.exit_at, program.exit_code, program.reason) == (4.0, 4, "Error")
    files = Shell({}, START, "pod").run_script("touch /tmp/a; sleep 5; rm /tmp/a; sleep 1")
    assert "/tmp/a" in files.files_at(1)
    assert "/tmp/a" not in files.files_at(5)
    assert files.next_file_change(1) == 5.0
    forever = Shell({}, START, "pod").run_script("while true; do echo $(date); sleep 10; done")
    assert forever.exit_at is None
    assert forever.output_until(10)[1] == (10.0, "Thu Jan  1 09:00:10 UTC 2026")
    missing = Shell({}, START, "pod").run_script("nosuch")
    assert missing.output_until(0) == [(0.0, "sh: nosuch: not found")]
    assert missing.exit_code == 127


def test_a_claim_binds_to_the_smallest_matching_volume_or_reports_a_missing_class() -> None:
    cluster = Cluster()
    for name, size in (("big", "10Gi"), ("small", "2Gi")):
        cluster.apply_text(
            f"apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\nspec:\n  capacity:\n    storage: {size}\n"
            "  accessModes: [ReadWriteOnce]\n  storageClassName: manual\n  hostPath:\n    path: /data\n"
        )
    cluster.apply_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: claim\nspec:\n  storageClassName: manual\n"
        "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
    )
    claim = cluster.store.peek("PersistentVolumeClaim", "default", "claim")
    assert claim["spec"]["volumeName"] == "small"
    assert claim["status"]["phase"] == "Bound"
    assert cluster.store.peek("PersistentVolume", "", "small")["status"]["phase"] == "Bound"
    assert cluster.store.peek("PersistentVolume", "", "big")["status"]["phase"] == "Available"
    cluster.apply_text(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: fast\nspec:\n  storageClassName: fast\n"
        "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
    )
    assert cluster.store.peek("PersistentVolumeClaim", "default", "fast")["status"]["phase"] == "Pending"
    messages = [e["message"] for e in cluster.store.iter_kind("Event") if e["reason"] == "ProvisioningFailed"]
    assert messages == ['storageclass.storage.k8s.io "fast" not found']
    cluster.api.delete("PersistentVolumeClaim", "default", "claim")
    cluster.engine.drain()
    assert cluster.store.peek("PersistentVolume", "", "small")["status"]["phase"] == "Released"
