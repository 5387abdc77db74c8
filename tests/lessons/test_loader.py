"""The lesson loader: a valid file becomes values; every problem is reported at its exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelearn.lessons.loader import duplicate_ids, load_file, load_text
from kubelearn.lessons.validate import check_lesson_text

FIXTURES = Path(__file__).parent / "fixtures"


def problems_of(name: str) -> list[str]:
    path = FIXTURES / name
    return [str(p) for p in check_lesson_text(path.read_text(encoding="utf-8"), name)]


def test_a_valid_lesson_loads_into_frozen_values_with_both_languages() -> None:
    lesson, problems = load_file(FIXTURES / "valid.yaml", "valid.yaml")
    assert problems == []
    assert lesson is not None
    assert (lesson.id, lesson.order, lesson.part, lesson.minutes, lesson.hands_on) == (
        "scaling-demo",
        1,
        "problems",
        5,
        True,
    )
    assert lesson.title.get("zh-hans") == "扩容"
    assert lesson.title.get("en") == "Scaling"
    assert [s.id for s in lesson.steps] == ["scale-up", "quiz"]
    check = lesson.steps[0].goal[0]
    assert (check.check, dict(check.params)) == (
        "field",
        {"kind": "Deployment", "name": "web", "path": "spec.replicas", "equals": 5},
    )
    assert (check.mark.line, check.mark.column) == (36, 9)
    assert lesson.steps[0].wrong_answers[0].actions[0].params == {"kind": "Deployment", "name": "web", "replicas": 4}
    assert lesson.steps[1].quiz[0].answer == 1
    with pytest.raises(AttributeError):
        lesson.id = "other"  # type: ignore[misc]


def test_manifest_blocks_remember_the_file_line_of_their_first_line() -> None:
    lesson, _ = load_file(FIXTURES / "valid.yaml")
    assert lesson is not None and lesson.start.manifests is not None
    assert lesson.start.manifests.text.startswith("apiVersion: apps/v1\n")
    assert (lesson.start.manifests.first_line, lesson.start.manifests.column) == (16, 5)


def test_every_structural_problem_is_reported_with_file_line_and_column() -> None:
    assert problems_of("errors.yaml") == [
        "errors.yaml:6:10: minutes must be an integer, got a string",
        'errors.yaml:8:1: unknown key "colour" in lesson',
        'errors.yaml:11:12: missing translation "en" in title',
        'errors.yaml:14:16: unknown check type "pods_redy" (did you mean "pods_ready"?) (known: exists, field, '
        "pods_ready, pods_on_distinct_nodes, pod_status, event, service_endpoints, service_answers, rollout, env, hpa, quiz)",
        'errors.yaml:19:15: check "exists" names an unknown kind "Deploymnet" (did you mean "Deployment"?)',
        'errors.yaml:22:9: check "field" needs exactly one of equals, not_equals, at_least, at_most, contains, matches',
        'errors.yaml:27:9: missing required key "hint" in check "pods_ready"',
        'errors.yaml:27:9: missing required key "count" in check "pods_ready"',
        'errors.yaml:29:9: duplicate step id "one" (first used at line 10)',
    ]


def test_invalid_manifests_carry_the_api_servers_message_at_the_documents_line() -> None:
    assert problems_of("bad-manifest.yaml") == [
        'bad-manifest.yaml:15:5: start manifests: Error from server (Invalid): error when creating "bad-manifest.yaml": '
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        'bad-manifest.yaml:41:9: step "one" solution manifests: Error from server (Invalid): error when creating '
        '"bad-manifest.yaml": Service "web" is invalid: spec.ports[0].protocol: Unsupported value: "TCPX": '
        'supported values: "SCTP", "TCP", "UDP"',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\nsteps: [1\n", "f.yaml:3:1: YAML syntax error: did not find expected ',' or ']'"),
        ("- a\n", "f.yaml:1:1: lesson must be a mapping, got a list"),
        ("", "f.yaml:1:1: empty lesson file"),
        ("id: x\nid: y\n", 'f.yaml:2:1: duplicate key "id" in lesson'),
        ("id: !!python/name:os.system x\n", "f.yaml:1:5: unsupported YAML tag tag:yaml.org,2002:python/name:os.system"),
        ("title: {zh: 中, en: E, fr: F}\n", 'f.yaml:1:23: unknown key "fr" in title (expected zh and en)'),
        ("hands_on: yes please\n", "f.yaml:1:11: hands_on must be true or false"),
    ],
)
def test_yaml_level_problems_name_the_spot(text: str, expected: str) -> None:
    _, problems = load_text(text, "f.yaml")
    assert expected in [str(p) for p in problems]


def test_a_wrong_answer_in_a_quiz_index_and_a_bad_selector_are_caught() -> None:
    text = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
    text = text.replace("answer: 1", "answer: 2").replace("selector: app=web", "selector: app==web=")
    problems = [str(p) for p in load_text(text, "v.yaml")[1]]
    assert 'v.yaml:43:19: invalid selector "app==web=": ' in problems[0]
    assert problems[1] == "v.yaml:77:17: answer 2 is out of range: there are 2 choices"


def test_files_that_share_an_id_are_reported_at_the_later_files_id() -> None:
    first, _ = load_file(FIXTURES / "duplicate-id.yaml", "a.yaml")
    second, _ = load_file(FIXTURES / "valid.yaml", "b.yaml")
    assert first is not None and second is not None
    assert [str(p) for p in duplicate_ids([first, second])] == [
        'b.yaml:2:5: duplicate lesson id "scaling-demo" (also in a.yaml)'
    ]


def test_oversized_files_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("id: x\n" + "# filler\n" * 70_000, encoding="utf-8")
    lesson, problems = load_file(big, "big.yaml")
    assert lesson is None
    assert str(problems[0]) == "big.yaml:1:1: lesson file too large (limit 524288 bytes)"
