"""Access keys are verified against the database once, then trusted for a while (persistence.resolve_key).

A relaying process resolves the key of every kubectl call it forwards; the cache spares it a
database read per call, and never accepts a key it did not verify.
"""

from __future__ import annotations

import pytest

from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import runtime

pytestmark = pytest.mark.django_db


def _held_elsewhere(name: str) -> Sandbox:
    """A sandbox this process does not hold in memory (as when another process owns it)."""
    row = create_sandbox(name)
    runtime().drop(row.id)
    persistence._KEY_CACHE.clear()
    return row


def test_a_key_is_read_from_the_database_once(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    row = _held_elsewhere("cached-key")
    with django_assert_num_queries(1):
        assert persistence.resolve_key(row.access_key) == row.id
        assert persistence.resolve_key(row.access_key) == row.id
        assert persistence.resolve_key(row.access_key) == row.id


def test_a_stale_entry_is_verified_again(monkeypatch: pytest.MonkeyPatch, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    row = _held_elsewhere("stale-key")
    assert persistence.resolve_key(row.access_key) == row.id
    monkeypatch.setattr(persistence, "KEY_CACHE_SECONDS", 0.0)
    with django_assert_num_queries(1):
        assert persistence.resolve_key(row.access_key) == row.id


def test_unknown_and_forgotten_keys_open_nothing() -> None:
    row = _held_elsewhere("forgotten-key")
    assert persistence.resolve_key("x" * 32) is None
    assert persistence.resolve_key(row.access_key[:-1] + ("A" if row.access_key[-1] != "A" else "B")) is None
    assert persistence.resolve_key(row.access_key) == row.id
    persistence.forget(row.id)
    Sandbox.objects.filter(pk=row.id).delete()
    assert persistence.resolve_key(row.access_key) is None


def test_the_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persistence, "KEY_CACHE_LIMIT", 2)
    rows = [_held_elsewhere(f"bounded-{i}") for i in range(3)]
    for row in rows:
        assert persistence.resolve_key(row.access_key) == row.id
    assert len(persistence._KEY_CACHE) <= 2
