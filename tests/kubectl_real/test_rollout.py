"""Scaling and rolling out: ``scale``, ``set image``, ``rollout status|history|undo|restart``, ``wait``.

The simulated clock runs in real time, so ``rollout status`` and ``wait`` really wait the few
seconds the simulated image pulls and starts take.
"""

from __future__ import annotations

import re

import pytest

from tests.kubectl_real.support import AGE, Kubectl, match_lines

pytestmark = pytest.mark.kubectl

PROGRESS = re.compile(
    r'Waiting for deployment "roll" rollout to finish: '
    r"(\d+ out of \d+ new replicas have been updated|\d+ old replicas are pending termination"
    r"|\d+ of \d+ updated replicas are available)\.\.\."
)


@pytest.fixture(scope="module", autouse=True)
def _deployments(kubectl: Kubectl) -> None:
    """Create every deployment of this module up front: their pods start in parallel."""
    kubectl("create", "deployment", "scaled", "--image=nginx:1.27")
    kubectl("create", "deployment", "roll", "--image=nginx:1.26")
    kubectl("create", "deployment", "restarted", "--image=nginx:1.27", "--replicas=2")
    kubectl("create", "deployment", "awaited", "--image=nginx:1.27", "--replicas=2")


def _rollout_status(kubectl: Kubectl, name: str) -> list[str]:
    lines = kubectl.lines("rollout", "status", f"deployment/{name}", "--timeout=60s")
    assert lines[-1] == f'deployment "{name}" successfully rolled out'
    return lines


def _images(kubectl: Kubectl, name: str) -> str:
    return kubectl("get", "deployment", name, "-o", "jsonpath={.spec.template.spec.containers[0].image}").stdout


def test_scale_changes_the_replica_count_and_rollout_status_waits_for_it(kubectl: Kubectl) -> None:
    _rollout_status(kubectl, "scaled")
    assert kubectl("scale", "deployment", "scaled", "--replicas=3").stdout == "deployment.apps/scaled scaled\n"
    _rollout_status(kubectl, "scaled")
    match_lines(
        [r"NAME +READY +UP-TO-DATE +AVAILABLE +AGE", rf"scaled +3/3 +3 +3 +{AGE}"],
        kubectl.lines("get", "deployment", "scaled"),
    )
    assert len(kubectl.lines("get", "pods", "-l", "app=scaled", "-o", "name")) == 3


def test_set_image_rolls_out_history_records_it_and_undo_rolls_back(kubectl: Kubectl) -> None:
    _rollout_status(kubectl, "roll")
    assert kubectl("set", "image", "deployment/roll", "nginx=nginx:1.27").stdout == (
        "deployment.apps/roll image updated\n"
    )
    kubectl("annotate", "deployment", "roll", "kubernetes.io/change-cause=upgrade to 1.27")
    lines = _rollout_status(kubectl, "roll")
    assert all(PROGRESS.fullmatch(line) for line in lines[:-1]), lines
    assert kubectl.lines("rollout", "history", "deployment/roll") == [
        "deployment.apps/roll ",
        "REVISION  CHANGE-CAUSE",
        "1         <none>",
        "2         upgrade to 1.27",
        "",
    ]
    match_lines(
        [r"NAME +DESIRED +CURRENT +READY +AGE", *[rf"roll-[a-z0-9]+ +[01] +[01] +[01] +{AGE}"] * 2],
        kubectl.lines("get", "replicasets", "-l", "app=roll"),
    )
    assert kubectl("rollout", "undo", "deployment/roll").stdout == "deployment.apps/roll rolled back\n"
    _rollout_status(kubectl, "roll")
    assert _images(kubectl, "roll") == "nginx:1.26"
    history = kubectl.lines("rollout", "history", "deployment/roll")
    assert [line.split()[0] for line in history[2:-1]] == ["2", "3"]  # revision 1 came back as 3
    result = kubectl("rollout", "undo", "deployment/roll", "--to-revision=99", check=False)
    assert (result.returncode, result.stderr) == (1, "error: unable to find specified revision 99 in history\n")


def test_rollout_restart_replaces_every_pod(kubectl: Kubectl) -> None:
    _rollout_status(kubectl, "restarted")
    before = set(kubectl.lines("get", "pods", "-l", "app=restarted", "-o", "name"))
    assert kubectl("rollout", "restart", "deployment/restarted").stdout == "deployment.apps/restarted restarted\n"
    _rollout_status(kubectl, "restarted")
    template = kubectl.json("get", "deployment", "restarted")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    kubectl.poll(
        lambda: (
            len(after := set(kubectl.lines("get", "pods", "-l", "app=restarted", "-o", "name"))) == 2
            and not after & before
        ),
        what="the old pods to be gone",
    )


def test_wait_for_available_returns_once_the_condition_is_met(kubectl: Kubectl) -> None:
    result = kubectl("wait", "--for=condition=Available", "deployment/awaited", "--timeout=60s")
    assert result.stdout == "deployment.apps/awaited condition met\n"
    assert kubectl.json("get", "deployment", "awaited")["status"]["availableReplicas"] == 2
    # Already met: wait (and rollout status) return at once instead of waiting for the next event.
    assert kubectl("wait", "--for=condition=Available", "deployment/awaited", "--timeout=60s", timeout=10).stdout == (
        "deployment.apps/awaited condition met\n"
    )
    assert kubectl("rollout", "status", "deployment/awaited", timeout=10).stdout == (
        'deployment "awaited" successfully rolled out\n'
    )


def test_wait_times_out_with_the_real_message(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "never", "--image=nginx:1.27", "--replicas=0")
    result = kubectl("wait", "--for=condition=Progressing=False", "deployment/never", "--timeout=1s", check=False)
    assert result.returncode == 1
    assert result.stderr == "error: timed out waiting for the condition on deployments/never\n"
