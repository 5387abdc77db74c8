"""``manage.py simulate`` is kubectl apply against a fresh mini cluster, as a black box."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = Path(__file__).parent / "manifests"


def simulate(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "simulate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_real_world_manifests_from_the_documentation_apply_cleanly():
    result = simulate("-f", str(MANIFESTS / "good"), "-o", "json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n\n", 1)[0].splitlines()
    assert lines == [
        "configmap/game-demo created",
        "pod/configmap-demo-pod created",
        "deployment.apps/php-apache created",
        "service/php-apache created",
        "horizontalpodautoscaler.autoscaling/php-apache created",
        "job.batch/pi created",
        "deployment.apps/nginx-deployment created",
        "namespace/storage-demo created",
        "persistentvolumeclaim/task-pv-claim created",
        "secret/dotfile-secret created",
        "secret/secret-basic-auth created",
        "service/my-service created",
    ]
    listing = json.loads(result.stdout.split("\n\n", 1)[1])
    secret = next(o for o in listing["items"] if o["metadata"]["name"] == "secret-basic-auth")
    assert secret["data"] == {"password": "dDBwLVNlY3JldA==", "username": "YWRtaW4="}
    assert "stringData" not in secret


@pytest.mark.parametrize("name", sorted(p.stem for p in (MANIFESTS / "bad").glob("*.yaml")))
def test_bad_manifests_are_rejected_with_the_real_messages(name):
    expected = (MANIFESTS / "bad" / f"{name}.expected").read_text().rstrip("\n")
    result = simulate("-f", f"{name}.yaml", cwd=MANIFESTS / "bad")
    assert result.returncode == 1
    assert result.stderr.rstrip("\n") == expected


def test_valid_documents_are_applied_even_when_another_fails():
    text = (
        (MANIFESTS / "bad" / "uppercase-name.yaml").read_text()
        + "---\n"
        + (MANIFESTS / "good" / "service.yaml").read_text()
    )
    result = simulate("-f", "-", stdin=text)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "service/my-service created"
    assert 'ConfigMap "MyConfig" is invalid' in result.stderr
    assert "service/my-service" in result.stdout


def test_table_output_looks_like_kubectl_get_all():
    result = simulate("-f", str(MANIFESTS / "good" / "nginx-deployment.yaml"), "--for", "2m")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "NAME     STATUS   ROLES    AGE   VERSION" in out
    assert "ship-a   Ready    worker   2m    v1.32.0" in out
    assert "deployment.apps/nginx-deployment" in out
    assert "service/kubernetes" in out


def test_time_passes_with_for_and_bad_durations_are_refused():
    assert simulate("-f", str(MANIFESTS / "good" / "service.yaml"), "--for", "soon").returncode != 0
    result = simulate("-f", str(MANIFESTS / "good" / "service.yaml"), "--for", "90s", "-o", "yaml")
    assert result.returncode == 0
    assert "creationTimestamp: '2026-01-01T09:00:00Z'" in result.stdout


def test_a_missing_path_is_reported_like_kubectl():
    result = simulate("-f", "nope.yaml")
    assert result.returncode == 1
    assert 'the path "nope.yaml" does not exist' in result.stderr
