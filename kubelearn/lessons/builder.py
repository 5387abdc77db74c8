"""Turning the checked node tree into ``schema`` values, with the checks that need context.

The walker (``loader._Walker``) has already checked keys and types; here the pieces become
frozen dataclasses, and the rules that look across keys are applied: a check's kind must be
one the cluster serves, selectors and regular expressions must parse, a ``field`` check has
exactly one comparison, a quiz answer is in range, ids are unique, a hands-on lesson checks
the cluster at least once.
"""

from __future__ import annotations

import re
from typing import Any

from kubelearn.cluster.kinds import BY_KIND
from kubelearn.cluster.selectors import SelectorError, parse_label_selector

from . import fields as F
from .schema import (
    Action,
    Changes,
    Check,
    GlossaryEntry,
    Lesson,
    Manifests,
    Mark,
    QuizQuestion,
    Step,
    Text,
)
from .walker import INVALID, Walker, did_you_mean


class Builder:
    def __init__(self, walker: Walker) -> None:
        self.w = walker

    def ok(self, value: Any) -> bool:
        return value is not INVALID and value is not None

    def manifests(self, data: dict[str, Any]) -> Manifests | None:
        text = data.get("manifests")
        if not isinstance(text, str):
            return None
        node = data["__manifests__"]
        line = node.start_mark.line + 1
        column = node.start_mark.column + 1
        if node.style in ("|", ">"):
            line += 1  # block scalar: content starts on the line after the indicator
            first = next((s for s in self.w.lines[line - 1 :] if s.strip()), "")
            column = len(first) - len(first.lstrip(" ")) + 1
        return Manifests(text, line, column, self.w.file)

    def changes(self, data: Any) -> Changes | None:
        if not isinstance(data, dict):
            return None
        actions = []
        for item in data.get("actions") or []:
            if isinstance(item, dict):
                params = {k: v for k, v in item.items() if not k.startswith("__") and k != "action"}
                actions.append(Action(item["action"], params, item["__mark__"]))
        commands = []
        for line, node in zip(data.get("commands") or [], getattr(data.get("__commands__"), "value", []), strict=False):
            if isinstance(line, str):
                if not line.strip().startswith("kubectl "):
                    self.w.error(node, f'command must start with "kubectl ", got "{line}"')
                commands.append(line.strip())
        nodes = data.get("nodes")
        run = data.get("run")
        why = data.get("why")
        return Changes(
            manifests=self.manifests(data),
            commands=tuple(commands),
            actions=tuple(actions),
            run=float(run) if isinstance(run, int | float) and not isinstance(run, bool) else None,
            nodes=nodes if isinstance(nodes, int) and not isinstance(nodes, bool) else 3,
            why=why if isinstance(why, Text) else None,
            mark=data["__mark__"],
        )

    def check(self, data: Any, step: dict[str, Any]) -> Check | None:
        if not isinstance(data, dict):
            return None
        name = data["check"]
        params = {k: v for k, v in data.items() if not k.startswith("__") and k not in ("check", "hint", "label")}
        node = data["__node__"]
        kind = params.get("kind")
        if isinstance(kind, str) and kind not in BY_KIND:
            self.w.error(
                data["__kind__"], f'check "{name}" names an unknown kind "{kind}"{did_you_mean(kind, BY_KIND)}'
            )
        selector = params.get("selector")
        if isinstance(selector, str):
            try:
                parse_label_selector(selector)
            except SelectorError as exc:
                self.w.error(data["__selector__"], f'invalid selector "{selector}": {exc}')
        if name == "field":
            given = [c for c in F.COMPARISONS if c in params]
            if len(given) != 1:
                self.w.error(node, f'check "field" needs exactly one of {", ".join(F.COMPARISONS)}')
            if isinstance(params.get("matches"), str):
                try:
                    re.compile(params["matches"])
                except re.error as exc:
                    self.w.error(data["__matches__"], f"invalid regular expression: {exc}")
        if name == "quiz" and not step.get("quiz"):
            self.w.error(node, 'check "quiz" in a step without a quiz')
        hint = data.get("hint")
        label = data.get("label")
        if not isinstance(hint, Text):
            return None
        return Check(name, params, hint, label if isinstance(label, Text) else None, data["__mark__"])

    def quiz(self, data: Any) -> QuizQuestion | None:
        if not isinstance(data, dict) or not all(self.ok(data.get(k)) for k in ("question", "choices", "answer")):
            return None
        choices = tuple(c for c in data["choices"] if isinstance(c, Text))
        if data["answer"] >= len(data["choices"]):
            self.w.error(
                data["__answer__"], f"answer {data['answer']} is out of range: there are {len(choices)} choices"
            )
            return None
        explanation = data.get("explanation")
        return QuizQuestion(
            data["question"], choices, data["answer"], explanation if isinstance(explanation, Text) else None
        )

    def step(self, data: Any) -> Step | None:
        if not isinstance(data, dict):
            return None
        goal = [self.check(c, data) for c in data.get("goal") or []]
        quiz = [self.quiz(q) for q in data.get("quiz") or []]
        wrong = [self.changes(x) for x in data.get("wrong_answers") or []]
        if not all(self.ok(data.get(k)) for k in ("id", "title", "text")):
            return None
        return Step(
            id=data["id"],
            title=data["title"],
            text=data["text"],
            setup=self.changes(data.get("setup")),
            goal=tuple(c for c in goal if c),
            hints=tuple(h for h in data.get("hints") or [] if isinstance(h, Text)),
            solution=self.changes(data.get("solution")),
            quiz=tuple(q for q in quiz if q),
            wrong_answers=tuple(w for w in wrong if w),
            mark=data["__mark__"],
        )

    def lesson(self, data: dict[str, Any]) -> Lesson | None:
        steps = []
        seen: dict[str, Mark] = {}
        for step_data in data.get("steps") or []:
            if not isinstance(step_data, dict):
                continue
            step_id = step_data.get("id")
            if isinstance(step_id, str) and step_id in seen:
                self.w.error(
                    step_data["__id__"], f'duplicate step id "{step_id}" (first used at line {seen[step_id].line})'
                )
            elif isinstance(step_id, str):
                seen[step_id] = step_data["__mark__"]
            step = self.step(step_data)
            if step is not None:
                steps.append(step)
        glossary = [
            GlossaryEntry(g["term"], g["metaphor"], g.get("explain") or Text("", ""))
            for g in data.get("glossary") or []
            if isinstance(g, dict) and self.ok(g.get("term")) and self.ok(g.get("metaphor"))
        ]
        if data.get("hands_on") is True and steps and not any(s.hands_on for s in steps):
            self.w.error(data["__hands_on__"], "a hands-on lesson needs at least one step with a non-quiz check")
        start = self.changes(data.get("start")) or Changes()
        defaults = {"id": "", "order": 0, "part": "", "title": Text("", ""), "summary": Text("", ""), "minutes": 1}
        values = {k: data.get(k) if self.ok(data.get(k)) else v for k, v in defaults.items()}
        return Lesson(
            id=values["id"],
            order=values["order"],
            part=values["part"],
            title=values["title"],
            summary=values["summary"],
            minutes=values["minutes"],
            hands_on=data.get("hands_on") is True,
            steps=tuple(steps),
            glossary=tuple(glossary),
            start=start,
            path=self.w.file,
            mark=self.w.mark(data["__id__"]) if "__id__" in data else data["__mark__"],
        )
