"""``kubectl logs``, ``version``, ``api-resources`` and the commands that cannot work here."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult


def test_logs_of_a_deployment_picks_a_pod(kubectl):
    result = kubectl("logs deploy/web --tail=1")
    assert result.stdout == "2026/01/01 09:00:03 [notice] 1#1: start worker process 29\n"
    assert result.stderr == "Found 2 pods, using pod/web-56cd776789-2bzt9\n"


def test_logs_errors(kubectl):
    assert kubectl("logs nope").stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert "--follow (-f) is not supported" in kubectl("logs -f deploy/web").stderr
    assert kubectl("logs web-56cd776789-2bzt9 --previous").stderr == (
        'Error from server (BadRequest): previous terminated container "web" in pod "web-56cd776789-2bzt9" not found\n'
    )


def test_version(kubectl):
    assert kubectl("version") == CommandResult(
        0, "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.32.0\n", ""
    )


def test_api_resources_table(kubectl):
    lines = kubectl("api-resources").stdout.splitlines()
    assert lines[0] == "NAME                       SHORTNAMES   APIVERSION       NAMESPACED   KIND"
    assert "deployments                deploy       apps/v1          true         Deployment" in lines


def test_edit_and_exec_are_refused_kindly(kubectl):
    assert kubectl("edit deploy web").stderr.startswith("error: `kubectl edit` is not available in this simulated")
    assert kubectl("exec -it web -- sh").exit_code == 1
