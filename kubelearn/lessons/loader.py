"""Lesson YAML -> ``schema.Lesson``, with every problem reported as ``file:line:col: message``.

The file is composed (not constructed) with PyYAML so every node keeps its position; the
node tree is then walked against the format table in ``fields.py``. One pass collects ALL
problems (unknown key, wrong type, missing key or translation, unknown check type or kind,
duplicate ids, bad selectors and regular expressions) rather than stopping at the first, the
way a compiler reports. Manifests inside a lesson are checked separately by ``validate.py``,
which needs a scratch cluster.

Lesson files are trusted instructor content, so libyaml's composer is fine; the input is still
bounded (size, nodes, nesting) and only the standard YAML tags are accepted.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from . import fields as F
from .builder import Builder
from .schema import Lesson, Mark
from .walker import MAX_FILE_BYTES, YAML_LOADER, LessonError, Problem, Walker

__all__ = ["LessonError", "Problem", "duplicate_ids", "load_file", "load_partial", "load_text", "read_text"]


def load_text(text: str, file: str = "<string>") -> tuple[Lesson | None, list[Problem]]:
    """Parse one lesson file's text; the lesson is None whenever there is any problem."""
    lesson, problems = load_partial(text, file)
    return (None if problems else lesson), problems


def load_partial(text: str, file: str = "<string>") -> tuple[Lesson | None, list[Problem]]:
    """Like ``load_text``, but keeps what could be built despite problems (for previews and checks)."""
    walker = Walker(file, text)
    if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        return None, [Problem(Mark(file), f"lesson file too large (limit {MAX_FILE_BYTES} bytes)")]
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(file, mark.line + 1, mark.column + 1) if mark else Mark(file)
        return None, [Problem(where, f"YAML syntax error: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(Mark(file), f"YAML error: {exc}")]
    if root is None:
        return None, [Problem(Mark(file), "empty lesson file")]
    data = walker.value(root, F.Ref("lesson"), "lesson")
    if not isinstance(data, dict):
        return None, walker.problems
    lesson = Builder(walker).lesson(data)
    return lesson, sorted(walker.problems, key=lambda p: (p.mark.line, p.mark.column))


def load_file(path: Path | str, display: str | None = None) -> tuple[Lesson | None, list[Problem]]:
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    return load_text(text, display or str(path))


def read_text(path: Path | str, display: str | None = None) -> tuple[str | None, list[Problem]]:
    """A lesson file's text, or the problem that stops it being read (size, encoding)."""
    path = Path(path)
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(Mark(name), f"cannot read: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(Mark(name), f"lesson file too large (limit {MAX_FILE_BYTES} bytes)")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(Mark(name, line), "lesson files must be UTF-8")]


def duplicate_ids(lessons: list[Lesson]) -> list[Problem]:
    """One problem per lesson whose id an earlier file already uses."""
    seen: dict[str, Lesson] = {}
    problems = []
    for lesson in lessons:
        if lesson.id in seen:
            problems.append(Problem(lesson.mark, f'duplicate lesson id "{lesson.id}" (also in {seen[lesson.id].path})'))
        seen.setdefault(lesson.id, lesson)
    return problems
