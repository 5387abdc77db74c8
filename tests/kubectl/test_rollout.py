"""``kubectl rollout``: status of the moment, history, undo, restart, pause and resume."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult


def test_status_prints_the_current_line(kubectl, cluster):
    assert kubectl("rollout status deployment/web") == CommandResult(
        0, 'deployment "web" successfully rolled out\n', ""
    )
    kubectl("set image deployment/web web=nginx:1.28")
    assert kubectl("rollout status deploy web").stdout == (
        'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...\n'
    )
    cluster.step(60)
    assert kubectl("rollout status deploy/web").stdout == 'deployment "web" successfully rolled out\n'


def test_history_and_undo(kubectl, cluster):
    kubectl("set image deployment/web web=nginx:1.28")
    cluster.step(60)
    assert kubectl("rollout history deployment/web").stdout == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    assert kubectl("rollout undo deployment/web").stdout == "deployment.apps/web rolled back\n"
    cluster.step(60)
    assert kubectl("rollout history deployment/web").stdout.endswith("2         <none>\n3         <none>\n\n")
    assert kubectl("rollout undo deployment/web --to-revision=9").stderr == (
        "error: unable to find specified revision 9 in history\n"
    )


def test_restart_pause_resume(kubectl):
    assert kubectl("rollout pause deployment/web").stdout == "deployment.apps/web paused\n"
    assert kubectl("rollout restart deployment/web").stderr == (
        "error: can't restart paused deployment (run rollout resume first)\n"
    )
    assert kubectl("rollout resume deployment/web").stdout == "deployment.apps/web resumed\n"
    assert kubectl("rollout restart deployment/web").stdout == "deployment.apps/web restarted\n"


def test_unknown_rollout_subcommand(kubectl):
    assert kubectl("rollout stat deployment/web").stderr == (
        "error: unknown command \"stat\"\nSee 'kubectl rollout -h' for help and examples\n"
    )
