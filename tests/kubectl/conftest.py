"""Fixtures for the kubectl emulator: a small deterministic cluster and a ``kubectl`` caller.

``web`` is a Deployment of two ``nginx:1.27`` pods applied at t=0 on ``Cluster(seed=0)``;
the fixture lets 30 simulated seconds pass so the pods are Running and Ready.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kubelearn.cluster import Cluster
from kubelearn.kubectl import CommandResult, run

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}]
"""

Kubectl = Callable[..., CommandResult]


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=0)
    c.apply_text(WEB)
    c.step(30)
    return c


@pytest.fixture
def kubectl(cluster: Cluster) -> Kubectl:
    def call(command: str, stdin: str = "", namespace: str = "default") -> CommandResult:
        return run(cluster, command, namespace=namespace, stdin=stdin)

    return call
