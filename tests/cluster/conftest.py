"""Shared fixtures for the core's tests: the golden-file switch and a hand-driven kubelet.

``--update-golden`` rewrites ``tests/cluster/scenarios/*.expected.yaml`` from the current
behaviour instead of comparing against them (review the diff before committing).

The workload-controller unit tests run a cluster without the real kubelet, so each test says
exactly when a pod starts, becomes Ready, fails or succeeds (``FakeKubelet``). The scenario
tests use the full default cluster.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster import Cluster
from kubelearn.cluster.controllers import (
    deployment,
    endpoints,
    garbage_collector,
    hpa,
    job,
    namespace,
    replicaset,
    serviceaccount,
)
from kubelearn.cluster.objects import Obj, clone


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/cluster/scenarios/*.expected.yaml instead of comparing against them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


WORKLOAD_CONTROLLERS = [namespace, serviceaccount, deployment, replicaset, job, hpa, endpoints, garbage_collector]


class FakeKubelet:
    """Moves pods through their lifecycle on command (node = round-robin over the ships)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.next_node = 0
        self.next_ip = 10

    def pods(self, namespace: str = "default") -> list[Obj]:
        return list(self.cluster.store.iter_kind("Pod", namespace))

    def _write_status(self, pod: Obj, **changes: Any) -> None:
        current = self.cluster.store.peek("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        if current is None:
            return
        updated = clone(current)
        status = updated.setdefault("status", {})
        now = self.cluster.clock.timestamp()
        if "node" in changes and not updated["spec"].get("nodeName"):
            updated["spec"]["nodeName"] = changes["node"]
            self.cluster.api.update(updated, trusted=True)
            updated = clone(self.cluster.store.peek("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"]))
            status = updated.setdefault("status", {})
        if "phase" in changes:
            status["phase"] = changes["phase"]
        if changes.get("ip") and not status.get("podIP"):
            status["podIP"] = changes["ip"]
            status["startTime"] = now
        if "ready" in changes:
            old = {c["type"]: c for c in status.get("conditions") or ()}.get("Ready", {})
            value = "True" if changes["ready"] else "False"
            since = old.get("lastTransitionTime") if old.get("status") == value else now
            status["conditions"] = [{"type": "Ready", "status": value, "lastTransitionTime": since}]
        if "restarts" in changes:
            status["containerStatuses"] = [{"name": "c", "restartCount": changes["restarts"], "ready": False}]
        self.cluster.api.update(updated, subresource="status", trusted=True)

    def start(self, pod: Obj, ready: bool = True) -> None:
        node = pod["spec"].get("nodeName") or f"ship-{'abc'[self.next_node % 3]}"
        self.next_node += 1
        self.next_ip += 1
        self._write_status(pod, node=node, phase="Running", ip=f"10.244.0.{self.next_ip}", ready=ready)

    def start_all(self, ready: bool = True, namespace: str = "default") -> None:
        for pod in self.pods(namespace):
            if (pod.get("status") or {}).get("phase") in (None, "Pending") and not pod["metadata"].get(
                "deletionTimestamp"
            ):
                self.start(pod, ready)
        self.cluster.engine.drain()
        self.finish_terminating()

    def set_ready(self, pod: Obj, ready: bool) -> None:
        self._write_status(pod, ready=ready)
        self.cluster.engine.drain()

    def end(self, pod: Obj, phase: str) -> None:
        self._write_status(pod, phase=phase, ready=False)
        self.cluster.engine.drain()

    def finish_terminating(self) -> None:
        """Terminating pods finish (what the kubelet does after the grace period)."""
        for pod in self.pods():
            if pod["metadata"].get("deletionTimestamp"):
                self.cluster.api.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], grace_period=0)
        self.cluster.engine.drain()

    def settle(self, rounds: int = 20) -> None:
        """Start every new pod and finish every terminating one until nothing changes."""
        for _ in range(rounds):
            before = self.cluster.store.revision
            self.cluster.step(0)
            self.start_all()
            self.cluster.step(0)
            if self.cluster.store.revision == before:
                return


@pytest.fixture
def cluster() -> Cluster:
    """Workload controllers only; the fake kubelet below drives pods, so the real kubelet's hooks are off."""
    cluster = Cluster(controllers=list(WORKLOAD_CONTROLLERS))
    cluster.ctx.extras.pop("record_request", None)
    cluster.ctx.extras.pop("image_request_cost", None)
    return cluster


@pytest.fixture
def kubelet(cluster: Cluster) -> FakeKubelet:
    return FakeKubelet(cluster)
