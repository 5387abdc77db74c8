"""The store behaves like etcd behind the API server: versions, watch, conflicts."""

from __future__ import annotations

import pytest

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.selectors import parse_label_selector
from kubelearn.cluster.store import ADDED, DELETED, MODIFIED, Store


def cm(name: str, ns: str = "default", **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns, "labels": labels}}


def test_every_write_gets_a_strictly_increasing_resource_version():
    store = Store()
    a = store.create(cm("a"))
    b = store.create(cm("b"))
    a2 = store.update({**a, "data": {"k": "v"}})
    assert int(a["metadata"]["resourceVersion"]) < int(b["metadata"]["resourceVersion"])
    assert int(b["metadata"]["resourceVersion"]) < int(a2["metadata"]["resourceVersion"])
    assert store.revision == 3


def test_creating_an_existing_object_is_a_409_already_exists():
    store = Store()
    store.create(cm("a"))
    with pytest.raises(StatusError) as err:
        store.create(cm("a"))
    assert err.value.code == 409
    assert err.value.message == 'configmaps "a" already exists'


def test_an_update_with_a_stale_resource_version_is_a_409_conflict():
    store = Store()
    first = store.create(cm("a"))
    store.update({**first, "data": {"x": "1"}})
    with pytest.raises(StatusError) as err:
        store.update({**first, "data": {"x": "2"}}, expected_version=int(first["metadata"]["resourceVersion"]))
    assert err.value.code == 409
    assert err.value.reason == "Conflict"
    assert err.value.message == (
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_reads_return_copies_that_cannot_change_the_store():
    store = Store()
    store.create(cm("a"))
    copy = store.get("ConfigMap", "default", "a")
    copy["metadata"]["labels"]["hacked"] = "yes"
    assert "hacked" not in store.get("ConfigMap", "default", "a")["metadata"]["labels"]


def test_missing_objects_are_404_on_update_and_delete():
    store = Store()
    with pytest.raises(StatusError) as err:
        store.delete("Deployment", "default", "web")
    assert err.value.code == 404
    assert err.value.message == 'deployments.apps "web" not found'


def test_list_filters_by_namespace_label_and_field_selectors_and_sorts_by_name():
    store = Store()
    store.create(cm("b", app="web"))
    store.create(cm("a", app="web"))
    store.create(cm("c", app="db"))
    store.create(cm("d", "other", app="web"))
    items, _ = store.list("ConfigMap", "default", parse_label_selector("app=web"))
    assert [i["metadata"]["name"] for i in items] == ["a", "b"]
    items, _ = store.list("ConfigMap", None, None, [("metadata.namespace", "=", "other")])
    assert [i["metadata"]["name"] for i in items] == ["d"]


def test_watch_replays_added_modified_deleted_after_any_version():
    store = Store()
    a = store.create(cm("a"))
    start = store.revision
    store.update({**a, "data": {"k": "v"}})
    store.delete("ConfigMap", "default", "a")
    events = store.events_since(start)
    assert [e.type for e in events] == [MODIFIED, DELETED]
    assert [e.resource_version for e in events] == [start + 1, start + 2]
    assert store.events_since(0)[0].type == ADDED
    assert events[1].to_wire()["object"]["metadata"]["name"] == "a"


def test_watching_from_a_compacted_version_is_410_gone():
    store = Store(watch_window=3)
    for i in range(5):
        store.create(cm(f"c{i}"))
    with pytest.raises(StatusError) as err:
        store.events_since(1)
    assert err.value.code == 410
    assert err.value.reason == "Expired"
    assert "too old resource version: 1" in err.value.message
    assert [e.resource_version for e in store.events_since(2)] == [3, 4, 5]


def test_dump_and_load_restore_objects_and_revision():
    store = Store()
    store.create(cm("a", app="x"))
    restored = Store.load(store.dump())
    assert restored.get("ConfigMap", "default", "a") == store.get("ConfigMap", "default", "a")
    assert restored.revision == store.revision
    created = restored.create(cm("b"))
    assert created["metadata"]["resourceVersion"] == str(store.revision + 1)
