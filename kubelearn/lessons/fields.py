"""The lesson format v1 as data: which keys each part of a lesson file may have, and their types.

One table drives three things so they cannot drift apart: the loader's checks (unknown key,
wrong type, missing key), the JSON Schema published for editors (``jsonschema.py``) and the
reference tables in ``docs/authoring.md``. Checks and actions are "tagged" objects: the value
of ``check:`` / ``action:`` selects which further keys are allowed. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARTS = ("metaphor", "problems", "architecture", "objects", "workflow", "wrapup", "troubleshooting")
ID_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
MAX_RUN_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Str:
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    name = "string"


@dataclass(frozen=True, slots=True)
class Int:
    minimum: int | None = None
    maximum: int | None = None
    name = "integer"


@dataclass(frozen=True, slots=True)
class Num:
    minimum: float | None = None
    maximum: float | None = None
    name = "number"


@dataclass(frozen=True, slots=True)
class Bool:
    name = "boolean"


@dataclass(frozen=True, slots=True)
class Translated:
    """``{zh: ..., en: ...}``: both languages required."""

    name = "translated text ({zh: ..., en: ...})"


@dataclass(frozen=True, slots=True)
class Scalar:
    """Any YAML scalar: string, number or boolean (``field`` comparisons)."""

    name = "scalar (string, number or boolean)"


@dataclass(frozen=True, slots=True)
class ListOf:
    item: Any
    min_items: int = 0
    name = "list"


@dataclass(frozen=True, slots=True)
class Ref:
    """Another object of the format, by name in ``OBJECTS`` (or a tagged family)."""

    target: str
    name = "mapping"


@dataclass(frozen=True, slots=True)
class Field:
    type: Any
    required: bool = False
    doc: str = ""
    default: Any = None


@dataclass(frozen=True, slots=True)
class Tagged:
    """A family of objects told apart by the value of ``tag`` (``check`` or ``action``)."""

    tag: str
    common: dict[str, Field]
    variants: dict[str, dict[str, Field]] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)


def _f(t: Any, doc: str = "", required: bool = False, default: Any = None) -> Field:
    return Field(t, required, doc, default)


def _req(t: Any, doc: str = "") -> Field:
    return Field(t, True, doc)


TEXT = Translated()
SELECTOR = _req(Str(), "label selector, as in kubectl -l (app=web,tier!=db)")
KIND = _f(Str(), "Kubernetes kind as written in manifests (Deployment, Pod, Service ...)")
NAMESPACE = _f(Str(pattern=ID_PATTERN), 'namespace (default "default" for namespaced kinds)', default="default")
RUN = _f(Num(minimum=0, maximum=MAX_RUN_SECONDS), "simulated seconds to let pass afterwards (default: until idle)")

CHANGE_FIELDS: dict[str, Field] = {
    "manifests": _f(Str(), "multi-document YAML applied with kubectl-apply semantics"),
    "actions": _f(ListOf(Ref("action")), "actions on the sandbox, in order"),
    "commands": _f(ListOf(Str()), "kubectl command lines, run in order"),
    "run": RUN,
}

OBJECTS: dict[str, dict[str, Field]] = {
    "lesson": {
        "id": _req(Str(pattern=ID_PATTERN), "unique lesson id (DNS-label-like)"),
        "order": _req(Int(minimum=0), "position in the course"),
        "part": _req(Str(enum=PARTS), "section of the course map"),
        "title": _req(TEXT),
        "summary": _req(TEXT, "one or two sentences for the course map"),
        "minutes": _req(Int(minimum=1, maximum=240), "estimated time"),
        "hands_on": _req(Bool(), "false for reading/quiz-only lessons"),
        "glossary": _f(ListOf(Ref("glossary")), "metaphor <-> Kubernetes term pairs used in this lesson"),
        "start": _f(Ref("start"), "the sandbox when the lesson starts (applied to a fresh cluster)"),
        "steps": _req(ListOf(Ref("step"), min_items=1)),
    },
    "glossary": {
        "term": _req(Str(), "the Kubernetes term"),
        "metaphor": _req(TEXT, "its place in the logistics center"),
        "explain": _f(TEXT),
    },
    "start": {
        "nodes": _f(Int(minimum=1, maximum=20), "fleet size", default=3),
        **CHANGE_FIELDS,
    },
    "setup": dict(CHANGE_FIELDS),
    "solution": dict(CHANGE_FIELDS),
    "wrong_answer": {**CHANGE_FIELDS, "why": _f(TEXT, "why this is not right (shown to authors)")},
    "step": {
        "id": _req(Str(pattern=ID_PATTERN), "unique within the lesson"),
        "title": _req(TEXT),
        "text": _req(TEXT, "Markdown"),
        "setup": _f(Ref("setup"), "applied when the step starts, on top of the previous state"),
        "goal": _f(ListOf(Ref("check")), "ALL checks must pass; display order"),
        "hints": _f(ListOf(TEXT), "shown one at a time on request"),
        "solution": _f(Ref("solution"), "guarded in the UI; `lessons test` applies it"),
        "quiz": _f(ListOf(Ref("quiz"))),
        "wrong_answers": _f(ListOf(Ref("wrong_answer")), "must NOT pass the goal"),
    },
    "quiz": {
        "question": _req(TEXT, "Markdown"),
        "choices": _req(ListOf(TEXT, min_items=2)),
        "answer": _req(Int(minimum=0), "0-based index of the correct choice"),
        "explanation": _f(TEXT, "shown after answering"),
    },
}

CHECK = Tagged(
    tag="check",
    common={
        "hint": _req(TEXT, "shown while this check fails"),
        "label": _f(TEXT, "short text in the goal panel (default generated)"),
    },
    variants={
        "exists": {"kind": _req(Str()), "name": _req(Str()), "namespace": NAMESPACE},
        "field": {
            "kind": _req(Str()),
            "name": _req(Str()),
            "namespace": NAMESPACE,
            "path": _req(Str(), "dotted path, list indices as .0."),
            "equals": _f(Scalar()),
            "not_equals": _f(Scalar()),
            "at_least": _f(Num()),
            "at_most": _f(Num()),
            "contains": _f(Scalar(), "substring of a string, or member of a list"),
            "matches": _f(Str(), "Python regular expression (search)"),
        },
        "pods_ready": {
            "selector": SELECTOR,
            "namespace": NAMESPACE,
            "count": _req(Int(minimum=0)),
            "exact": _f(Bool(), "exactly count instead of at least", default=False),
        },
        "pods_on_distinct_nodes": {"selector": SELECTOR, "namespace": NAMESPACE, "count": _req(Int(minimum=1))},
        "pod_status": {
            "selector": SELECTOR,
            "namespace": NAMESPACE,
            "status": _req(Str(), "STATUS as kubectl get pods prints it"),
            "negate": _f(Bool(), "true: no matching pod shows it", default=False),
        },
        "event": {
            "reason": _req(Str()),
            "kind": _f(Str(), "kind of the involved object"),
            "name_prefix": _f(Str()),
            "message_contains": _f(Str()),
            "namespace": NAMESPACE,
        },
        "service_endpoints": {"service": _req(Str()), "namespace": NAMESPACE, "count": _req(Int(minimum=0))},
        "service_answers": {
            "service": _req(Str()),
            "namespace": NAMESPACE,
            "distinct_pods": _req(Int(minimum=1)),
            "requests": _f(Int(minimum=1, maximum=1000), "requests to send", default=20),
        },
        "rollout": {
            "deployment": _req(Str()),
            "namespace": NAMESPACE,
            "revision": _req(Int(minimum=1)),
            "image": _f(Str(), "the current template image"),
        },
        "env": {"selector": SELECTOR, "namespace": NAMESPACE, "name": _req(Str()), "value": _req(Str())},
        "hpa": {
            "deployment": _req(Str()),
            "namespace": NAMESPACE,
            "min": _f(Int(minimum=1)),
            "max": _f(Int(minimum=1)),
        },
        "quiz": {},
    },
    docs={
        "exists": "an object exists",
        "field": "a field of an object has a value (exactly one comparison)",
        "pods_ready": "at least (or exactly) N Ready pods match a label selector",
        "pods_on_distinct_nodes": "Ready pods matching the selector run on at least N ships",
        "pod_status": "some pod matching the selector shows a STATUS (or none does, with negate)",
        "event": "an Event happened",
        "service_endpoints": "a Service has at least N ready endpoints",
        "service_answers": "requests to a Service were answered by at least N distinct pods",
        "rollout": "a Deployment's rollout reached a revision and is complete",
        "env": "a running container of a matching pod sees an environment variable",
        "hpa": "a HorizontalPodAutoscaler targets the Deployment",
        "quiz": "the step's quiz was answered correctly",
    },
)

COMPARISONS = ("equals", "not_equals", "at_least", "at_most", "contains", "matches")
KIND_FIELDS = ("kind",)  # check keys that must name a kind the cluster knows

ACTION = Tagged(
    tag="action",
    common={},
    variants={
        "fail_node": {"node": _req(Str())},
        "restore_node": {"node": _req(Str())},
        "cordon": {"node": _req(Str())},
        "uncordon": {"node": _req(Str())},
        "add_node": {
            "name": _f(Str(pattern=ID_PATTERN)),
            "cpu": _f(Scalar(), "allocatable CPU (e.g. 2 or 2000m)"),
            "memory": _f(Str(), "allocatable memory (e.g. 4Gi)"),
            "pods": _f(Int(minimum=1)),
            "zone": _f(Str()),
        },
        "delete_pod": {"selector": SELECTOR, "namespace": NAMESPACE, "count": _f(Int(minimum=1), default=1)},
        "crash_container": {
            "selector": SELECTOR,
            "namespace": NAMESPACE,
            "count": _f(Int(minimum=1), default=1),
            "container": _f(Str()),
        },
        "scale": {"kind": _req(Str()), "name": _req(Str()), "namespace": NAMESPACE, "replicas": _req(Int(minimum=0))},
        "set_image": {
            "deployment": _req(Str()),
            "namespace": NAMESPACE,
            "container": _req(Str()),
            "image": _req(Str()),
        },
        "send_traffic": {"service": _req(Str()), "namespace": NAMESPACE, "requests": _f(Int(minimum=1), default=10)},
        "set_load": {"service": _req(Str()), "namespace": NAMESPACE, "rps": _req(Num(minimum=0))},
        "wait": {"seconds": _req(Num(minimum=0, maximum=MAX_RUN_SECONDS))},
    },
    docs={
        "fail_node": "a ship fails: its kubelet stops reporting",
        "restore_node": "the failed ship is back",
        "cordon": "kubectl cordon",
        "uncordon": "kubectl uncordon",
        "add_node": "a new ship joins the fleet",
        "delete_pod": "delete `count` pods matching the selector",
        "crash_container": "make containers of `count` matching pods exit with an error",
        "scale": "kubectl scale",
        "set_image": "kubectl set image",
        "send_traffic": "send requests to a Service",
        "set_load": "keep a steady load on a Service (drives the HPA)",
        "wait": "let simulated time pass",
    },
)

TAGGED: dict[str, Tagged] = {"check": CHECK, "action": ACTION}
