"""The lesson format as a JSON Schema (draft 2020-12), generated from ``fields.py``.

Published as ``docs/lesson.schema.json`` and at ``/learn/schema.json`` so that editors
(VS Code with the YAML extension: ``# yaml-language-server: $schema=../docs/lesson.schema.json``)
complete keys, check types and actions while an author types. A test keeps the file in step
with the table (``manage.py lessons schema > docs/lesson.schema.json`` regenerates it).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from kubelearn.cluster.kinds import KINDS

from . import fields as F

SCHEMA_ID = "https://kubelearn.example.org/learn/schema.json"


def _type(t: Any) -> dict[str, Any]:
    if isinstance(t, F.Str):
        out: dict[str, Any] = {"type": "string"}
        if t.enum:
            out["enum"] = list(t.enum)
        if t.pattern:
            out["pattern"] = t.pattern
        return out
    if isinstance(t, F.Int | F.Num):
        out = {"type": "integer" if isinstance(t, F.Int) else "number"}
        if t.minimum is not None:
            out["minimum"] = t.minimum
        if t.maximum is not None:
            out["maximum"] = t.maximum
        return out
    if isinstance(t, F.Bool):
        return {"type": "boolean"}
    if isinstance(t, F.Translated):
        return {"$ref": "#/$defs/text"}
    if isinstance(t, F.Scalar):
        return {"type": ["string", "number", "boolean"]}
    if isinstance(t, F.ListOf):
        out = {"type": "array", "items": _type(t.item)}
        if t.min_items:
            out["minItems"] = t.min_items
        return out
    if isinstance(t, F.Ref):
        return {"$ref": f"#/$defs/{t.target}"}
    raise TypeError(t)


def _object(spec: dict[str, F.Field], description: str = "") -> dict[str, Any]:
    properties = {}
    for name, field in spec.items():
        prop = _type(field.type)
        if field.doc:
            prop = {**prop, "description": field.doc}
        if field.default is not None:
            prop = {**prop, "default": field.default}
        properties[name] = prop
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [name for name, field in spec.items() if field.required]
    if required:
        out["required"] = required
    if description:
        out["description"] = description
    return out


def _tagged(tagged: F.Tagged) -> dict[str, Any]:
    variants = []
    for name, spec in tagged.variants.items():
        full = {tagged.tag: F.Field(F.Str(), True), **tagged.common, **spec}
        schema = _object(full, tagged.docs.get(name, ""))
        schema["properties"][tagged.tag] = {"const": name}
        if tagged.tag == "check" and "kind" in spec:
            schema["properties"]["kind"] = {"enum": [k.kind for k in KINDS]}
        variants.append(schema)
    return {"oneOf": variants}


def build() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "text": {
            "description": "a text in both languages (Markdown where the field says so)",
            "type": "object",
            "properties": {"zh": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
            "required": ["zh", "en"],
            "additionalProperties": False,
        },
    }
    for name, spec in F.OBJECTS.items():
        if name != "lesson":
            defs[name] = _object(spec)
    for name, tagged in F.TAGGED.items():
        defs[name] = _tagged(tagged)
    root = _object(F.OBJECTS["lesson"], "A kubelearn lesson (format v1): one YAML file per lesson under lessons/.")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kubelearn lesson",
        **root,
        "$defs": defs,
    }


@lru_cache(maxsize=1)
def text() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
