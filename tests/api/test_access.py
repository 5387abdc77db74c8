"""``api.access.locked``: a facade request never writes into a sandbox object this process let go."""

from __future__ import annotations

import pytest

from kubelearn.api.access import locked
from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError
from kubelearn.sandboxes.runtime import LiveSandbox


def test_a_write_on_a_dropped_sandbox_is_refused_with_a_retryable_503() -> None:
    live = LiveSandbox("s1", Cluster(seed=1))
    live.mark_dropped()  # handed over to another process between the lookup and the lock
    calls: list[Cluster] = []
    with pytest.raises(StatusError) as caught:
        locked(live, calls.append)
    assert caught.value.code == 503 and "retry" in caught.value.message
    assert calls == []


def test_a_live_sandbox_runs_the_call_and_wakes_watchers_on_change() -> None:
    live = LiveSandbox("s2", Cluster(seed=1))
    seen: list[LiveSandbox] = []
    live.on_change.append(seen.append)
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}
    locked(live, lambda cluster: cluster.api.create(body))
    assert live.cluster.store.get("ConfigMap", "default", "c") is not None
    assert seen == [live]
