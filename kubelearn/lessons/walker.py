"""Walking a composed YAML node tree against the format table, keeping every node's position.

Checks keys (unknown, missing, duplicate), types and translations for one lesson file and
returns plain values (dicts carry their nodes as ``__key__`` entries so later rules can point
at them). All problems are collected; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import fields as F
from .schema import Mark, Text

MAX_FILE_BYTES = 512 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 32
YAML_LOADER: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
_TYPE_WORDS = {_STR: "a string", _INT: "an integer", _FLOAT: "a number", _BOOL: "a boolean", _NULL: "null"}


@dataclass(frozen=True, slots=True)
class Problem:
    mark: Mark
    message: str

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"


class LessonError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


INVALID: Any = object()


class Walker:
    """Checks a composed node tree against ``fields`` and builds plain values with marks."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.splitlines()
        self.problems: list[Problem] = []
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")

    def mark(self, node: Any) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: Any, message: str) -> Any:
        self.problems.append(Problem(self.mark(node), message))
        return INVALID

    # -- scalars -------------------------------------------------------------------------------

    def scalar(self, node: Any) -> Any:
        if node.tag not in _SCALAR_TAGS:
            return self.error(node, f"unsupported YAML tag {node.tag}")
        try:
            return self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (yaml.YAMLError, ValueError) as exc:
            return self.error(node, f"invalid value: {exc}")

    def describe(self, node: Any) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        return _TYPE_WORDS.get(node.tag, node.tag)

    def value(self, node: Any, t: Any, where: str, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            if self.nodes == MAX_NODES + 1 or depth == MAX_DEPTH + 1:
                self.error(node, f"lesson file too large or too deeply nested (limits: {MAX_NODES} nodes)")
            return INVALID
        if isinstance(t, F.Ref):
            return self.obj(node, t.target, depth)
        if isinstance(t, F.ListOf):
            if not isinstance(node, yaml.SequenceNode):
                return self.error(node, f"{where} must be a list, got {self.describe(node)}")
            if len(node.value) < t.min_items:
                return self.error(node, f"{where} needs at least {t.min_items} item(s)")
            return [self.value(item, t.item, where, depth + 1) for item in node.value]
        if isinstance(t, F.Translated):
            return self.translated(node, where)
        if not isinstance(node, yaml.ScalarNode):
            return self.error(node, f"{where} must be {_article(t)}, got {self.describe(node)}")
        v = self.scalar(node)
        if v is INVALID:
            return v
        if isinstance(t, F.Str):
            if not isinstance(v, str):
                return self.error(node, f"{where} must be a string, got {self.describe(node)} (quote it)")
            if t.enum and v not in t.enum:
                return self.error(node, f'{where} must be one of {", ".join(t.enum)}, got "{v}"')
            if t.pattern and not re.match(t.pattern, v):
                return self.error(node, f'{where} "{v}" must be lower-case letters, digits and "-"')
            return v
        if isinstance(t, F.Bool):
            return v if isinstance(v, bool) else self.error(node, f"{where} must be true or false")
        if isinstance(t, F.Int | F.Num):
            ok = isinstance(v, int) and not isinstance(v, bool)
            ok = ok or (isinstance(t, F.Num) and isinstance(v, float))
            if not ok:
                return self.error(node, f"{where} must be {_article(t)}, got {self.describe(node)}")
            if t.minimum is not None and v < t.minimum:
                return self.error(node, f"{where} must be at least {t.minimum}, got {v}")
            if t.maximum is not None and v > t.maximum:
                return self.error(node, f"{where} must be at most {t.maximum}, got {v}")
            return v
        if isinstance(t, F.Scalar):
            return v if v is not None else self.error(node, f"{where} must not be empty")
        raise TypeError(t)

    def translated(self, node: Any, where: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.error(
                node, f"{where} must be a translated text {{zh: ..., en: ...}}, got {self.describe(node)}"
            )
        found: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if key not in ("zh", "en"):
                self.error(key_node, f'unknown key "{key}" in {where} (expected zh and en)')
                continue
            if key in found:
                self.error(key_node, f'duplicate key "{key}" in {where}')
            v = self.value(value_node, F.Str(), f"{where}.{key}")
            if isinstance(v, str) and not v.strip():
                self.error(value_node, f"{where}.{key} is empty")
            found[key] = v if isinstance(v, str) else ""
        missing = [lang for lang in ("zh", "en") if lang not in found]
        for lang in missing:
            self.error(node, f'missing translation "{lang}" in {where}')
        return INVALID if missing else Text(zh=found["zh"], en=found["en"])

    # -- mappings ------------------------------------------------------------------------------

    def obj(self, node: Any, name: str, depth: int) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.error(node, f"{name.replace('_', ' ')} must be a mapping, got {self.describe(node)}")
        tagged = F.TAGGED.get(name)
        label = name.replace("_", " ")
        if tagged is None:
            spec = F.OBJECTS[name]
        else:
            tag_node = next((v for k, v in node.value if getattr(k, "value", None) == tagged.tag), None)
            if tag_node is None:
                return self.error(node, f'missing required key "{tagged.tag}" in {name}')
            kind = self.scalar(tag_node) if isinstance(tag_node, yaml.ScalarNode) else None
            if kind not in tagged.variants:
                known = ", ".join(tagged.variants)
                return self.error(
                    tag_node, f'unknown {name} type "{kind}"{did_you_mean(kind, tagged.variants)} (known: {known})'
                )
            spec = {tagged.tag: F.Field(F.Str(), True), **tagged.common, **tagged.variants[kind]}
            label = f'{name} "{kind}"'
        out: dict[str, Any] = {"__mark__": self.mark(node), "__node__": node}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in spec:
                hint = did_you_mean(key, spec) if isinstance(key, str) else ""
                self.error(key_node, f'unknown key "{key}" in {label}{hint}')
                continue
            if key in out:
                self.error(key_node, f'duplicate key "{key}" in {label}')
                continue
            out[key] = self.value(value_node, spec[key].type, key, depth + 1)
            out[f"__{key}__"] = value_node
        for key, field in spec.items():
            if field.required and key not in out:
                self.error(node, f'missing required key "{key}" in {label}')
        return out


def _article(t: Any) -> str:
    return {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false"}.get(
        t.name, t.name
    )


def did_you_mean(word: Any, options: Any) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1) if word is not None else []
    return f' (did you mean "{close[0]}"?)' if close else ""
