"""Playing lessons on fresh clusters: start state, actions, step states and the ``lessons test`` contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from kubelearn.cluster import Cluster
from kubelearn.lessons import runner
from kubelearn.lessons.loader import load_file
from kubelearn.lessons.schema import Action, Changes, Lesson

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Lesson:
    lesson, problems = load_file(FIXTURES / name, name)
    assert lesson is not None, problems
    return lesson


def ready_web_pods(cluster: Cluster) -> int:
    return sum(
        1
        for p in cluster.store.iter_kind("Pod", "default")
        if any(c["type"] == "Ready" and c["status"] == "True" for c in p.get("status", {}).get("conditions", []))
    )


def test_a_fresh_cluster_is_in_the_lessons_settled_start_state() -> None:
    cluster = runner.new_cluster(fixture("valid.yaml"))
    assert cluster.store.count("Node") == 3
    assert ready_web_pods(cluster) == 2
    assert [r.ok for r in runner.goal(cluster, fixture("valid.yaml").steps[0])] == [False, False]


def test_the_reference_solution_passes_and_the_wrong_answer_does_not() -> None:
    report = runner.play_lesson(fixture("valid.yaml"))
    assert report.ok
    assert [(s.step, s.lines) for s in report.steps] == [
        ("scale-up", ["ok (2 checks, 1 wrong answers rejected)"]),
        ("quiz", ["ok (1 checks, 0 wrong answers rejected)"]),
    ]


def test_a_wrong_answer_that_passes_and_a_solution_that_fails_are_both_reported() -> None:
    report = runner.play_lesson(fixture("weak-wrong-answer.yaml"))
    assert not report.ok
    first, second = report.steps
    assert first.lines == ["wrong answer 1 (weak-wrong-answer.yaml:23:9) passes every check"]
    assert second.lines == [
        "solution does not pass: Secret nope exists (no Secret named nope in namespace default yet)"
    ]


def test_state_at_replays_earlier_solutions_before_the_steps_setup() -> None:
    cluster = runner.state_at(fixture("valid.yaml"), 1)
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 5
    assert ready_web_pods(cluster) == 5


@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        ("cordon", {"node": "ship-a"}, "node/ship-a cordoned"),
        ("fail_node", {"node": "ship-b"}, "node/ship-b failed"),
        ("add_node", {"name": "ship-d", "cpu": 4, "memory": "8Gi"}, "node/ship-d joined"),
        ("scale", {"kind": "Deployment", "name": "web", "replicas": 4}, "deployment/web scaled"),
        (
            "set_image",
            {"deployment": "web", "container": "web", "image": "nginx:1.28"},
            "deployment.apps/web image updated",
        ),
        ("send_traffic", {"service": "nothing", "requests": 3}, "0 of 3 requests to nothing answered"),
        ("wait", {"seconds": 5}, "5s passed"),
    ],
)
def test_actions_act_through_the_core_and_say_what_they_did(
    action: str, params: dict[str, object], expected: str
) -> None:
    cluster = runner.new_cluster(fixture("valid.yaml"))
    assert runner.do_action(cluster, Action(action, params)) == expected


def test_deleting_and_crashing_pods_picks_them_by_selector_and_count() -> None:
    cluster = runner.new_cluster(fixture("valid.yaml"))
    deleted = runner.do_action(cluster, Action("delete_pod", {"selector": "app=web", "count": 1}))
    assert deleted.startswith('pod "web-') and deleted.endswith('" deleted')
    cluster.run_until_idle()
    crashed = runner.do_action(cluster, Action("crash_container", {"selector": "app=web", "count": 2}))
    assert crashed.count("container exited with code 1") == 2


def test_a_failing_action_is_an_authoring_error_with_the_servers_message() -> None:
    cluster = runner.new_cluster(fixture("valid.yaml"))
    outcome = runner.apply_changes(cluster, Changes(actions=(Action("cordon", {"node": "ship-q"}),)))
    assert outcome.errors == ['<string>:1:1: action cordon: nodes "ship-q" not found']


def test_lessons_test_command_reports_per_step_and_exits_1_on_failure(settings: object, tmp_path: Path) -> None:
    for name in ("valid.yaml", "weak-wrong-answer.yaml"):
        (tmp_path / name).write_text((FIXTURES / name).read_text(encoding="utf-8"), encoding="utf-8")
    settings.LESSONS_DIR = tmp_path  # type: ignore[attr-defined]
    from io import StringIO

    out = StringIO()
    call_command("lessons", "test", "scaling-demo", stdout=out)
    assert out.getvalue().splitlines()[0] == "scaling-demo: ok"
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("lessons", "test", stdout=out)
    assert exit_info.value.code == 1
    assert "weak-wrong-answer: FAIL" in out.getvalue()
    assert "  never: solution does not pass: Secret nope exists" in out.getvalue()


def test_lessons_check_prints_one_line_per_problem_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    from io import StringIO

    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("lessons", "check", str(FIXTURES / "errors.yaml"), str(FIXTURES / "valid.yaml"), stdout=out)
    assert exit_info.value.code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 9
    assert all(
        line.startswith(str(FIXTURES / "errors.yaml").removeprefix(str(Path.cwd()) + "/") + ":") for line in lines
    )
    out = StringIO()
    call_command("lessons", "check", str(FIXTURES / "valid.yaml"), stdout=out)
    assert out.getvalue() == ""


def test_solution_commands_run_through_the_kubectl_emulator() -> None:
    cluster = runner.new_cluster(fixture("valid.yaml"))
    printed = runner.apply_changes(cluster, Changes(commands=("kubectl scale deployment web --replicas=4",)))
    assert printed.errors == []
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 4
    failed = runner.apply_changes(cluster, Changes(commands=("kubectl scale deployment nope --replicas=4",)))
    assert failed.errors == [
        '<string>:1:1: kubectl scale deployment nope --replicas=4: Error from server (NotFound): deployments.apps "nope" not found'
    ]
