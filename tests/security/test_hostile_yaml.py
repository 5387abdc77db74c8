"""Hostile YAML through every door that parses it: editor, lesson editor, REST facade, core.

Billion laughs, deep nesting, oversized bodies, binary junk, wrong encodings, duplicate keys and
unsafe tags must each get a clear 4xx answer (or an apply error line) quickly and without
eating memory. No timing asserts: the outcome is asserted, and ``tracemalloc`` bounds memory.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from kubelearn.cluster import Cluster
from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import DEPLOYMENTS, is_status

LESSON = "dispatch-center"

BILLION_LAUGHS = "\n".join(
    [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    ]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["data: {x: *i}"]
)
DEEP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[" * 1000 + "]" * 1000 + "\n"
DEEP_BLOCK = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx:\n" + "".join(
    "  " * i + "- \n" for i in range(1, 1000)
)
DUPLICATE_KEYS = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n  name: dup2\ndata: {a: '1'}\n"
PYTHON_TAG = "!!python/object/apply:os.system ['touch /tmp/kubelearn-pwned']\n"
PYTHON_TAG_NESTED = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tag}\ndata:\n  x: !!python/object/apply:os.system ['id']\n"
)
BINARY = bytes(range(256)) * 4
UTF16 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: u16}\n".encode("utf-16")
INVALID_UTF8 = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad\xff\xfe}\n"

HOSTILE: dict[str, str | bytes] = {
    "billion-laughs": BILLION_LAUGHS,
    "deep-flow-nesting": DEEP,
    "deep-block-nesting": DEEP_BLOCK,
    "duplicate-keys": DUPLICATE_KEYS,
    "python-tag": PYTHON_TAG,
    "python-tag-nested": PYTHON_TAG_NESTED,
    "binary": BINARY,
    "utf-16": UTF16,
    "invalid-utf-8": INVALID_UTF8,
}
MEMORY_LIMIT = 64 * 1024 * 1024


def _bounded(call: Callable[[], Any]) -> Any:
    """Run ``call`` and fail if it allocated more than MEMORY_LIMIT at its peak."""
    tracemalloc.start()
    try:
        result = call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak allocation {peak} bytes"
    return result


def _form(body: str | bytes) -> dict[str, Any]:
    """A form POST carrying ``body`` byte for byte (Django decodes it with errors="replace")."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    return {"data": urlencode({"text": raw}), "content_type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_apply_text_rejects_hostile_yaml_with_an_error_line(name: str) -> None:
    cluster = Cluster(seed=1)
    before = cluster.store.revision
    results = _bounded(lambda: cluster.apply_text(HOSTILE[name], source="evil.yaml"))
    assert results and all(not r.ok and r.error for r in results), results
    assert cluster.store.revision == before
    assert not any("Traceback" in r.error for r in results)


def test_the_python_tag_never_runs(tmp_path: Any) -> None:
    Cluster(seed=1).apply_text(PYTHON_TAG, source="evil.yaml")
    Cluster(seed=1).apply_text(PYTHON_TAG_NESTED, source="evil.yaml")
    import os

    assert not os.path.exists("/tmp/kubelearn-pwned")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_studio_editor_answers_hostile_yaml_with_an_error_row(name: str, studio: Client) -> None:
    response = _bounded(lambda: studio.post("/studio/apply", **_form(HOSTILE[name])))
    assert response.status_code in (200, 400, 413), response.status_code
    page = response.content.decode()
    assert "is-error" in page or "notice-error" in page
    assert "Traceback" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_lesson_editor_answers_hostile_yaml_with_an_error(name: str, client: Client) -> None:
    response = _bounded(lambda: client.post(f"/learn/{LESSON}/apply", **_form(HOSTILE[name])))
    assert 200 <= response.status_code < 500, response.status_code
    page = response.content.decode()
    assert "error" in page.lower() and "Traceback" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("how", ["post-yaml", "apply-patch"])
def test_the_rest_facade_answers_hostile_yaml_with_a_4xx_status(
    name: str, how: str, facade_sandbox: LiveSandbox
) -> None:
    client = Client()
    body = HOSTILE[name]
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    if how == "post-yaml":
        response = _bounded(lambda: client.post(DEPLOYMENTS, data=data, content_type="application/yaml"))
    else:
        response = _bounded(
            lambda: client.patch(
                f"{DEPLOYMENTS}/evil?fieldManager=kubectl", data=data, content_type="application/apply-patch+yaml"
            )
        )
    assert 400 <= response.status_code < 500, response.content[:300]
    assert is_status(json.loads(response.content))


@pytest.mark.django_db
def test_a_ten_megabyte_body_is_refused_by_the_rest_facade_with_413(facade_sandbox: LiveSandbox) -> None:
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: '" + b"x" * (10 * 1024 * 1024) + b"'}\n"
    for content_type in ("application/yaml", "application/json"):
        response = Client().post(DEPLOYMENTS, data=body, content_type=content_type)
        assert response.status_code == 413
        assert json.loads(response.content)["reason"] == "RequestEntityTooLarge"
    patch = Client().patch(f"{DEPLOYMENTS}/big", data=body, content_type="application/apply-patch+yaml")
    assert patch.status_code == 413


def test_a_ten_megabyte_body_is_refused_by_the_studio_editor(studio: Client) -> None:
    response = studio.post("/studio/apply", {"text": "a: '" + "x" * (10 * 1024 * 1024) + "'"})
    assert response.status_code in (400, 413)


@pytest.mark.django_db
def test_a_ten_megabyte_body_is_refused_by_the_lesson_editor(client: Client) -> None:
    response = client.post(f"/learn/{LESSON}/apply", {"text": "a: '" + "x" * (10 * 1024 * 1024) + "'"})
    assert response.status_code in (400, 413)


def test_a_three_megabyte_document_is_refused_by_the_core() -> None:
    results = Cluster(seed=1).apply_text("a: '" + "x" * (4 * 1024 * 1024) + "'", source="big.yaml")
    assert len(results) == 1 and "too large" in results[0].error.lower()
