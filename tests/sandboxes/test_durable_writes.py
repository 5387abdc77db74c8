"""Durable writes: an acknowledged write is in the database before the answer leaves (issue 8).

With ``SANDBOX_DURABLE_WRITES`` (on by default with Redis), ``LiveSandbox.changed()`` — what
every request that writes calls — saves the snapshot at once, so a kill -9 of the owner right
after a 201 loses nothing; simulated time's own progress stays throttled. Snapshots are
numbered, so an older one never overwrites a newer one.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import runtime

pytestmark = pytest.mark.django_db

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def _post(client: Client, key: str, name: str) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    response = client.post(f"/k8s/{key}{CONFIGMAPS}", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def _in_database(sandbox_id: str, name: str) -> bool:
    return f'"{name}"' in json.dumps(Sandbox.objects.get(pk=sandbox_id).snapshot)


def test_a_facade_write_is_saved_before_it_is_acknowledged(settings: Settings, client: Client) -> None:
    settings.SANDBOX_DURABLE_WRITES = True
    row = create_sandbox("durable")
    _post(client, row.access_key, "acked")
    assert _in_database(row.id, "acked")  # no housekeeper round ran: the request saved it


def test_without_durable_writes_the_save_waits_for_the_housekeeper(settings: Settings, client: Client) -> None:
    settings.SANDBOX_DURABLE_WRITES = False
    row = create_sandbox("throttled")
    _post(client, row.access_key, "later")
    assert not _in_database(row.id, "later")
    assert persistence.flush(row.id) and _in_database(row.id, "later")


def test_an_older_snapshot_never_overwrites_a_newer_one() -> None:
    row = create_sandbox("ordered")
    live = runtime().open(row.id)
    assert live is not None
    with live.lock:
        old_data, old_seq = persistence._take(live)
        live.cluster.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "newer"}})
        new_data, new_seq = persistence._take(live)
    persistence._write(live, new_data, new_seq, live.speed, live.paused)
    persistence._write(live, old_data, old_seq, live.speed, live.paused)  # a slow, older save lands last
    assert _in_database(row.id, "newer")


def test_a_durable_save_leaves_nothing_for_the_housekeeper(settings: Settings, client: Client) -> None:
    """The commit hook already wrote the snapshot: a second, identical write a second later is waste."""
    settings.SANDBOX_DURABLE_WRITES = True
    row = create_sandbox("saved-once")
    _post(client, row.access_key, "once")
    live = runtime().get(row.id)
    assert live is not None and not live.dirty
    assert persistence.flush(row.id) is False


def test_without_durable_writes_a_request_write_stays_dirty(settings: Settings, client: Client) -> None:
    settings.SANDBOX_DURABLE_WRITES = False
    row = create_sandbox("left-dirty")
    _post(client, row.access_key, "pending")
    live = runtime().get(row.id)
    assert live is not None and live.dirty
