"""Snapshot encoding (``sandboxes/snapshots.py``): fast, shared-object, and the row reads back the same."""

from __future__ import annotations

import json

import pytest

from kubelearn.cluster import Cluster
from kubelearn.sandboxes import persistence, snapshots
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import runtime


def test_the_encoded_text_is_the_copying_snapshot_as_json() -> None:
    cluster = Cluster(seed=7)
    cluster.apply_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {greeting: 你好}\n")
    cluster.run_until_idle()
    assert json.loads(snapshots.encode(cluster.snapshot(copy=False))) == cluster.snapshot()


def test_a_restored_cluster_goes_on_like_the_original() -> None:
    """The RNG state survives the trip (its tuple becomes a list, as a JSON round trip gives)."""
    original = Cluster(seed=11)
    copy = Cluster.restore(json.loads(snapshots.encode(original.snapshot(copy=False))))
    assert [copy.rng.random() for _ in range(3)] == [original.rng.random() for _ in range(3)]


def test_what_orjson_refuses_falls_back_to_json() -> None:
    huge = {"n": 2**70, 1: "non-string key"}
    assert json.loads(snapshots.encode(huge)) == {"n": 2**70, "1": "non-string key"}


def test_the_field_stores_encoded_text_as_it_is() -> None:
    text = snapshots.EncodedJSON('{"store": {"objects": [], "revision": 3}}')
    assert snapshots.SnapshotEncoder().encode(text) == text
    assert json.loads(snapshots.SnapshotEncoder().encode({"a": [1, 2]})) == {"a": [1, 2]}


@pytest.mark.django_db
def test_a_saved_sandbox_reads_back_as_data_and_restores() -> None:
    row = create_sandbox("encoded")
    live = runtime().open(row.id)
    assert live is not None
    with live.lock:
        live.cluster.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kept"}})
    persistence.save(live)
    stored = Sandbox.objects.get(pk=row.id).snapshot
    assert isinstance(stored, dict)
    assert "kept" in {o["metadata"]["name"] for o in stored["store"]["objects"]}
    restored = Cluster.restore(stored)
    assert restored.store.get("ConfigMap", "default", "kept") is not None
