"""A forwarded command that waited in the owner's queue past its caller's deadline is dropped.

Found by ``bench/soak.py`` with 200 students: the owner's inbox backed up, callers answered 503
after ``FORWARD_TIMEOUT``, kubectl wrote again (acknowledged), and then the owner ran the stale
queued write, so an older value replaced an acknowledged newer one.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from kubelearn.sandboxes import forwarding


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def answer(reply: Any, message: dict[str, Any]) -> None:
        sent.append(message)

    monkeypatch.setattr(forwarding, "_answer", answer)
    return sent


def command(expires: float) -> dict[str, Any]:
    payload = {"text": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n"}
    return {"command": "apply", "sandbox": "nosuchsandbx", "grant": "not-a-grant", "payload": payload,
            "reply": "specific.x!y", "expires": expires}  # fmt: skip


async def test_an_expired_command_is_dropped_unanswered(answers: list[dict[str, Any]]) -> None:
    await forwarding._dispatch(command(time.time() - 0.5))
    assert answers == []


async def test_a_command_within_its_deadline_is_handled(answers: list[dict[str, Any]]) -> None:
    await forwarding._dispatch(command(time.time() + 10))
    assert answers == [{"error": "forbidden: the grant does not cover this sandbox"}]
