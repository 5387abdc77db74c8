"""The lesson format as values: frozen, slotted dataclasses built by ``loader.py``.

One ``Lesson`` per YAML file under ``lessons/`` (format v1, see ``docs/authoring.md``). Every
translatable text is a ``Text`` holding both languages. ``Check.params`` keeps the check's own
keys (``kind``, ``selector``, ``count`` ...) exactly as written; ``checks.py`` interprets them.
Each value remembers where it was written (``Mark``) so later problems, such as a manifest the
API server rejects, can still be reported as ``file:line:col``. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh", "en")


def language_of(code: str | None) -> str:
    """Map a Django language code (``zh-hans``, ``en-us``) to a lesson language."""
    return "zh" if (code or "").lower().startswith("zh") else "en"


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in a lesson file: 1-based line and column."""

    file: str = "<string>"
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Text:
    """A bilingual text: ``zh`` and ``en`` are both required by the format."""

    zh: str
    en: str

    def get(self, language: str | None) -> str:
        return self.zh if language_of(language) == "zh" else self.en

    @classmethod
    def both(cls, en: str, zh: str) -> Text:
        return cls(zh=zh, en=en)


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    metaphor: Text
    explain: Text


@dataclass(frozen=True, slots=True)
class Action:
    """One setup/solution action such as ``{action: fail_node, node: ship-b}``."""

    action: str
    params: Mapping[str, Any]
    mark: Mark = field(default_factory=Mark, compare=False)


@dataclass(frozen=True, slots=True)
class Manifests:
    """Multi-document YAML text; ``first_line`` is the file line of the text's line 1."""

    text: str
    first_line: int
    column: int
    file: str = "<string>"

    def mark(self, line_in_text: int) -> Mark:
        return Mark(self.file, self.first_line + max(line_in_text, 1) - 1, self.column)


@dataclass(frozen=True, slots=True)
class Changes:
    """What ``start``, a step's ``setup``, ``solution`` and each wrong answer do to the sandbox."""

    manifests: Manifests | None = None
    commands: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    run: float | None = None  # simulated seconds afterwards; None = until idle (capped)
    nodes: int = 3  # only meaningful for ``start``
    why: Text | None = None  # only for wrong answers
    mark: Mark = field(default_factory=Mark, compare=False)

    @property
    def empty(self) -> bool:
        return self.manifests is None and not self.commands and not self.actions and self.run is None


@dataclass(frozen=True, slots=True)
class Check:
    check: str
    params: Mapping[str, Any]
    hint: Text
    label: Text | None = None
    mark: Mark = field(default_factory=Mark, compare=False)


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    question: Text
    choices: tuple[Text, ...]
    answer: int
    explanation: Text | None = None


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: Text
    text: Text
    setup: Changes | None = None
    goal: tuple[Check, ...] = ()
    hints: tuple[Text, ...] = ()
    solution: Changes | None = None
    quiz: tuple[QuizQuestion, ...] = ()
    wrong_answers: tuple[Changes, ...] = ()
    mark: Mark = field(default_factory=Mark, compare=False)

    @property
    def hands_on(self) -> bool:
        return any(c.check != "quiz" for c in self.goal)


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    order: int
    part: str
    title: Text
    summary: Text
    minutes: int
    hands_on: bool
    steps: tuple[Step, ...]
    glossary: tuple[GlossaryEntry, ...] = ()
    start: Changes = field(default_factory=Changes)
    path: str = "<string>"
    mark: Mark = field(default_factory=Mark, compare=False)  # where the id is written

    def step_index(self, step_id: str) -> int | None:
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), None)
