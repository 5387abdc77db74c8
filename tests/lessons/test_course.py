"""The course's own test suite: every file in lessons/ is valid and every lesson passes ``lessons test``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from kubelearn.lessons import runner
from kubelearn.lessons.jsonschema import build
from kubelearn.lessons.loader import duplicate_ids, load_file
from kubelearn.lessons.validate import check_manifests

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in (ROOT / "lessons").glob("*.y*ml"))


def _id(path: Path) -> str:
    stem = path.stem
    return stem.split("-", 1)[1] if stem[:2].isdigit() else stem


def test_the_course_has_at_least_fourteen_lessons_with_unique_ids() -> None:
    lessons = [load_file(p)[0] for p in FILES]
    assert len(FILES) >= 14
    assert [str(p) for p in duplicate_ids([lesson for lesson in lessons if lesson])] == []


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_lesson_file_loads_cleanly_and_matches_the_json_schema(path: Path) -> None:
    lesson, problems = load_file(path, path.name)
    assert [str(p) for p in problems] == []
    assert lesson is not None
    assert path.name.startswith(f"{lesson.order:02d}-") or path.stem[2:3] == "-"
    assert [str(p) for p in check_manifests(lesson)] == []
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in Draft202012Validator(build()).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_lessons_solutions_pass_and_wrong_answers_fail(path: Path) -> None:
    lesson, problems = load_file(path, path.name)
    assert lesson is not None, problems
    report = runner.play_lesson(lesson)
    failures = [f"{s.step}: {line}" for s in report.steps if not s.ok for line in s.lines]
    assert failures == []


def test_the_published_schema_is_valid_draft_2020_12_and_matches_docs() -> None:
    schema = json.loads((ROOT / "docs" / "lesson.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema == build()


def test_the_fixture_lesson_validates_against_the_schema() -> None:
    data = yaml.safe_load((Path(__file__).parent / "fixtures" / "valid.yaml").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(build()).iter_errors(data)) == []


def test_the_authoring_guide_shows_every_check_and_action_with_an_example() -> None:
    from kubelearn.lessons.fields import ACTION, CHECK

    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for name in CHECK.variants:
        assert f"- check: {name}" in guide, name
    for name in ACTION.variants:
        assert f"{{action: {name}" in guide, name
