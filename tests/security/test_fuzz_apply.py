"""Fuzzing ``Cluster.apply_text`` and the REST facade with mutated real manifests.

The seeds are the manifests the project already knows are good (``tests/tools/manifests/good``
and every lesson's solution manifests). Hypothesis mutates them the ways people and attackers
do: characters and lines deleted, inserted or replaced, values swapped for another type, huge
numbers, unicode, deep nesting, duplicate keys, YAML tags and anchors. Every input must come
back as a per-document result (apply) or a ``Status`` (facade), never an exception or a 500,
and the sandbox must stay consistent afterwards (``conftest.check_store``).

Runs derandomized (the same inputs every time): 11,000 inputs per run at the default scale
(4,000 mutated texts, 1,600 type-swapped objects, 1,000 byte strings, 2,000 facade POSTs,
2,400 facade PATCHes); the run's tally is printed at the end of the pytest summary.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from kubelearn.cluster import Cluster
from kubelearn.sandboxes import quotas
from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import DEPLOYMENTS, FUZZ_INPUTS, is_status

ROOT = Path(__file__).resolve().parents[2]


def _seed_texts() -> list[str]:
    texts = [p.read_text() for p in sorted((ROOT / "tests/tools/manifests/good").iterdir()) if p.is_file()]
    for lesson in sorted((ROOT / "lessons").glob("*.yaml")):
        for step in (yaml.safe_load(lesson.read_text()) or {}).get("steps", []):
            manifests = ((step or {}).get("solution") or {}).get("manifests")
            if isinstance(manifests, str) and manifests.strip():
                texts.append(manifests)
    return texts


SEEDS = _seed_texts()
SEED_OBJECTS = [obj for text in SEEDS for obj in yaml.safe_load_all(text) if isinstance(obj, dict)]

#: ``KUBELEARN_FUZZ_SCALE=4`` multiplies every budget (a long run for ``make soak``); 1 keeps ``make test`` quick.
SCALE = max(1, int(os.environ.get("KUBELEARN_FUZZ_SCALE", "1")))
FUZZ = settings(
    max_examples=100 * SCALE,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# -- the mutations -------------------------------------------------------------------------------

HOSTILE_SNIPPETS = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!Ref x",
    "&a [*a]",
    "*undefined",
    "<<: *base",
    "&base {x: 1}",
    "'''",
    '"\\x00"',
    "- - - - - - - -",
    "{{{{{{{{",
    "]]]]",
    "? complex key",
    "%YAML 1.1",
    "---",
    "...",
    "\t",
    "\x00",
    "\ufeff",
    "\u202e",
    "😀",
    "\ud7ff",
    "1e400",
    "-9223372036854775809",
    "0x7fffffffffffffffffff",
    ".nan",
    "-.inf",
    "yes",
    "~",
    "2001-12-14t21:59:43.10-05:00",
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**400, 2**1024]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["<script>alert(1)</script>", "../../etc/passwd", "a" * 300, "UPPER", "-bad-", "x.y", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return root


def _nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"n": value}
    return value


@st.composite
def mutated_objects(draw: st.DrawFn) -> Any:
    """A real manifest with a few values swapped for something of another type or shape."""
    obj: Any = copy.deepcopy(draw(st.sampled_from(SEED_OBJECTS)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(obj)))
        choice = draw(st.integers(0, 5))
        replacement = _nested(draw(st.integers(10, 200))) if choice == 5 else draw(VALUES)
        obj = _set(obj, path, replacement)
    return obj


def _dump(obj: Any) -> str:
    try:
        return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, RecursionError):
        return json.dumps(obj, default=str)


@st.composite
def mutated_texts(draw: st.DrawFn) -> str:
    """Manifest text with characters and lines deleted, inserted, replaced or duplicated."""
    text = _dump(draw(mutated_objects())) if draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 5))):
        lines = text.split("\n")
        op = draw(st.integers(0, 7))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        row = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == 0:  # delete a run of characters
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif op == 1:  # insert random or hostile text
            piece = draw(st.one_of(st.text(max_size=10), st.sampled_from(HOSTILE_SNIPPETS)))
            text = text[:at] + piece + text[at:]
        elif op == 2:  # replace one character
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        elif op == 3:  # delete a line
            text = "\n".join(lines[:row] + lines[row + 1 :])
        elif op == 4:  # duplicate a line (duplicate keys, repeated items)
            text = "\n".join(lines[: row + 1] + lines[row:])
        elif op == 5:  # replace a value on a line
            key, sep, _value = lines[row].partition(": ")
            lines[row] = key + (sep or ": ") + draw(st.sampled_from(HOSTILE_SNIPPETS))
            text = "\n".join(lines)
        elif op == 6:  # re-indent a line
            lines[row] = " " * draw(st.integers(0, 9)) + lines[row].lstrip()
            text = "\n".join(lines)
        else:  # swap two lines
            other = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[row], lines[other] = lines[other], lines[row]
            text = "\n".join(lines)
    return text


# -- Cluster.apply_text -------------------------------------------------------------------------


def _sandbox_cluster() -> Cluster:
    cluster = Cluster(seed=3)
    quotas.install(cluster, quotas.Limits())
    return cluster


def _count(door: str) -> None:
    FUZZ_INPUTS[door] = FUZZ_INPUTS.get(door, 0) + 1


def _apply_never_raises(cluster: Cluster, text: str | bytes) -> None:
    _count("apply")
    for result in cluster.apply_text(text, source="fuzz.yaml"):  # [] for an empty file
        assert result.ok or result.error.strip(), result
        assert isinstance(result.kubectl_line(), str)


@pytest.mark.parametrize("round_", range(40))
def test_apply_text_survives_mutated_manifest_text(round_: int, assert_consistent: Callable[[Cluster], None]) -> None:
    cluster = _sandbox_cluster()

    @seed(round_)
    @FUZZ
    @given(text=mutated_texts())
    def run(text: str) -> None:
        _apply_never_raises(cluster, text)

    run()
    assert_consistent(cluster)


@pytest.mark.parametrize("round_", range(16))
def test_apply_text_survives_type_swapped_objects_as_yaml_and_json(
    round_: int, assert_consistent: Callable[[Cluster], None]
) -> None:
    cluster = _sandbox_cluster()

    @seed(round_)
    @FUZZ
    @given(obj=mutated_objects(), as_json=st.booleans())
    def run(obj: Any, as_json: bool) -> None:
        _apply_never_raises(cluster, json.dumps(obj, default=str) if as_json else _dump(obj))

    run()
    assert_consistent(cluster)


@settings(FUZZ, max_examples=1000 * SCALE)
@given(data=st.binary(max_size=400))
def test_apply_text_survives_arbitrary_bytes(data: bytes) -> None:
    _apply_never_raises(_CLUSTER_FOR_BYTES, data)


_CLUSTER_FOR_BYTES = Cluster(seed=5)


def test_the_byte_fuzzed_cluster_is_consistent_afterwards(assert_consistent: Callable[[Cluster], None]) -> None:
    assert_consistent(_CLUSTER_FOR_BYTES)


# -- the REST facade ----------------------------------------------------------------------------

PATCH_TYPES = (
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)


#: Strategic-merge failures kube-apiserver itself answers with a 500 (``interpretStrategicMergePatchError``
#: passes them through as plain errors); the facade mirrors that as a deliberate ``InternalError`` Status.
UPSTREAM_500S = ("list element types are not identical", "does not contain declared merge key")


def _answer_is_a_status_or_object(response: Any) -> None:
    body = json.loads(response.content)
    if response.status_code >= 500:
        assert is_status(body) and body["reason"] == "InternalError", body
        assert any(text in body["message"] for text in UPSTREAM_500S), body
    if response.status_code >= 400:
        assert is_status(body), body
    else:
        assert isinstance(body, dict) and body.get("kind") in ("Deployment", "Status"), body


def _seed_web(client: Client) -> None:
    web = next(o for o in SEED_OBJECTS if o.get("kind") == "Deployment")
    body = {**copy.deepcopy(web), "metadata": {"name": "web"}}
    response = client.post(DEPLOYMENTS, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("round_", range(20))
def test_facade_post_answers_every_mutated_body_with_a_status_or_an_object(
    round_: int, facade_sandbox: LiveSandbox, assert_consistent: Callable[[Cluster], None]
) -> None:
    client = Client()

    @seed(round_)
    @FUZZ
    @given(
        body=st.one_of(
            mutated_objects().map(lambda o: json.dumps(o, default=str)),
            mutated_texts(),
        ),
        content_type=st.sampled_from(["application/json", "application/yaml", "text/plain", ""]),
    )
    def run(body: str, content_type: str) -> None:
        _count("facade POST")
        _answer_is_a_status_or_object(
            client.post(DEPLOYMENTS, data=body.encode("utf-8", "surrogatepass"), content_type=content_type)
        )

    run()
    assert_consistent(facade_sandbox.cluster)


def _json_patch_ops() -> st.SearchStrategy[Any]:
    op = st.fixed_dictionaries(
        {
            "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"]),
            "path": st.sampled_from(
                [
                    "/spec/replicas",
                    "/metadata/labels/x",
                    "/spec/template/spec/containers/0/image",
                    "/",
                    "",
                    "/a~2b",
                    "/spec/-",
                ]
            ),
        },
        optional={"value": VALUES, "from": st.sampled_from(["/spec", "/metadata/name", "/nope"])},
    )
    return st.one_of(st.lists(op, max_size=4), VALUES)


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", PATCH_TYPES)
@pytest.mark.parametrize("round_", range(6))
def test_facade_patch_answers_every_mutated_patch_with_a_status_or_an_object(
    content_type: str, round_: int, facade_sandbox: LiveSandbox, assert_consistent: Callable[[Cluster], None]
) -> None:
    client = Client()
    _seed_web(client)
    target = f"{DEPLOYMENTS}/web" + ("?fieldManager=fuzz&force=true" if content_type.endswith("yaml") else "")
    if content_type == "application/json-patch+json":
        bodies = _json_patch_ops().map(json.dumps)
    elif content_type.endswith("yaml"):
        bodies = st.one_of(mutated_texts(), mutated_objects().map(lambda o: json.dumps(o, default=str)))
    else:
        bodies = st.one_of(mutated_objects(), VALUES).map(lambda o: json.dumps(o, default=str))

    @seed(round_)
    @FUZZ
    @given(body=bodies)
    def run(body: str) -> None:
        _count("facade PATCH")
        response = client.patch(target, data=body.encode("utf-8", "surrogatepass"), content_type=content_type)
        _answer_is_a_status_or_object(response)

    run()
    assert_consistent(facade_sandbox.cluster)
