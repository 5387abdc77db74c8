"""Fixtures for the security suite: sandboxes reachable through each door, and store invariants.

``facade_sandbox`` is a paused live sandbox behind an access key for the REST facade (the same
pattern as ``tests/api/conftest.py``, with the sandbox quotas installed as in production);
``studio`` is a Django client whose session owns a sandbox; ``assert_consistent`` checks what
every door must leave behind, whatever it was fed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kubelearn.cluster import Cluster
from kubelearn.sandboxes import persistence, quotas
from kubelearn.sandboxes.provision import SESSION_KEY
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

KEY = "security-test-key"
BASE = f"/k8s/{KEY}"
DEPLOYMENTS = f"{BASE}/apis/apps/v1/namespaces/default/deployments"

#: Inputs the fuzz tests threw, by door; ``pytest_terminal_summary`` prints the tally (issue: >= 10,000 per run).
FUZZ_INPUTS: dict[str, int] = {}

VALID_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: still-works
spec:
  replicas: 1
  selector:
    matchLabels: {app: still-works}
  template:
    metadata:
      labels: {app: still-works}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


@pytest.fixture(autouse=True)
def _forget_live_sandboxes() -> Iterator[None]:
    yield
    for sandbox_id in runtime().live_ids():
        persistence.forget(sandbox_id)


@pytest.fixture
def facade_sandbox() -> Iterator[LiveSandbox]:
    """A paused sandbox with production quotas, reachable as ``/k8s/<KEY>/``."""
    rt = runtime()
    cluster = Cluster(seed=11)
    quotas.install(cluster, quotas.Limits())
    live = rt.add(LiveSandbox(id="securityfuzz", cluster=cluster, paused=True))
    previous = rt.key_resolver
    rt.key_resolver = lambda key: live.id if key == KEY else None
    try:
        yield live
    finally:
        rt.key_resolver = previous
        rt.drop(live.id)


@pytest.fixture
def studio(client: Client, db: None) -> Iterator[Client]:
    """A client that has opened /studio/ once (so its session owns a sandbox), rate limits reset."""
    cache.clear()
    assert client.get("/studio/").status_code == 200
    yield client
    sandbox_id = client.session.get(SESSION_KEY)
    if sandbox_id:
        runtime().drop(sandbox_id)


def check_store(cluster: Cluster) -> None:
    """Every stored object is well-formed, resourceVersions are unique, the loops settle."""
    seen: dict[str, str] = {}
    for obj in cluster.store.iter_kind_all():
        meta = obj.get("metadata")
        assert isinstance(obj.get("apiVersion"), str) and obj["apiVersion"], obj
        assert isinstance(obj.get("kind"), str) and obj["kind"], obj
        assert isinstance(meta, dict), obj
        assert isinstance(meta.get("name"), str) and meta["name"], obj
        assert isinstance(meta.get("uid"), str) and meta["uid"], obj
        version = meta.get("resourceVersion")
        assert isinstance(version, str) and version.isdigit(), obj
        label = f"{obj['kind']}/{meta.get('namespace', '')}/{meta['name']}"
        assert version not in seen, f"{label} and {seen.get(version)} share resourceVersion {version}"
        seen[version] = label
        json.dumps(obj)  # still plain JSON data
    cluster.run_until_idle(limit=60.0)  # a minute of simulated time: the loops settle or time out


@pytest.fixture
def assert_consistent() -> Callable[[Cluster], None]:
    """``assert_consistent(cluster)``: store invariants hold and a valid manifest still applies."""

    def check(cluster: Cluster) -> None:
        check_store(cluster)
        results = cluster.apply_text(VALID_DEPLOYMENT, source="check.yaml")
        assert [r.ok for r in results] == [True], [r.error for r in results]
        check_store(cluster)

    return check


def is_status(body: Any) -> bool:
    return isinstance(body, dict) and body.get("kind") == "Status" and isinstance(body.get("message"), str)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many fuzz inputs this run threw, so the budget is visible in every CI log."""
    if FUZZ_INPUTS:
        doors = ", ".join(f"{door} {count:,}" for door, count in sorted(FUZZ_INPUTS.items()))
        terminalreporter.write_line(f"fuzz: {sum(FUZZ_INPUTS.values()):,} inputs ({doors})")
