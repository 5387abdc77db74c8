"""An idle sandbox leaves memory through the housekeeper and comes back intact on the next request.

``test_persistence.py`` covers ``evict_idle`` itself (flush first, watched sandboxes stay); this
follows the whole path a class sees (issue 8): the housekeeper's round evicts the idle sandbox,
a kubectl request through the REST facade restores it, and it is the same cluster — same objects
with the same uids and resourceVersions, the same store revision — whose simulated clock goes
on from where it stopped (time does not pass out of memory).
"""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from kubelearn.sandboxes import housekeeper
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

pytestmark = pytest.mark.django_db

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}
IDLE_SECONDS = 60.0


def versions(live: LiveSandbox) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Every object's (uid, resourceVersion), by (kind, namespace, name)."""
    return {
        (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): (
            o["metadata"]["uid"],
            o["metadata"]["resourceVersion"],
        )
        for o in live.cluster.store.iter_kind_all()
    }


def test_the_housekeeper_evicts_an_idle_sandbox_and_a_request_restores_it_intact(
    settings: Settings, client: Client
) -> None:
    settings.SANDBOX_IDLE_SECONDS = IDLE_SECONDS
    row = create_sandbox("idle-class")
    live = runtime().open(row.id)
    assert live is not None
    with live.lock:
        live.cluster.api.create(DEPLOYMENT)
        live.cluster.step(60)  # pods scheduled and running
        live.changed()
    before, revision, clock = versions(live), live.cluster.store.revision, live.cluster.clock.now
    assert sum(kind == "Pod" for kind, _, _ in before) == 2

    later = time.monotonic() + IDLE_SECONDS + 1
    housekeeper.run_once(later, last_eviction=later - housekeeper.EVICT_EVERY_SECONDS)
    assert runtime().get(row.id) is None  # out of memory (saved first)

    response = client.get(f"/k8s/{row.access_key}/apis/apps/v1/namespaces/default/deployments/web")
    assert response.status_code == 200
    assert json.loads(response.content)["metadata"]["uid"] == before[("Deployment", "default", "web")][0]
    again = runtime().get(row.id)
    assert again is not None and again is not live
    assert versions(again) == before
    assert again.cluster.store.revision == revision
    assert again.cluster.clock.now == pytest.approx(clock, abs=1.0)  # the request's wall-clock tick only

    with again.lock:
        restored_at = again.cluster.clock.now
        again.cluster.step(30)
    assert again.cluster.clock.now == pytest.approx(restored_at + 30)
