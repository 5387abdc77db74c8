"""A server restart loses nothing: objects made with kubectl come back after SIGTERM and SIGKILL.

This module runs its own daphne process over a copy of the session's database (so it need
not migrate again), stops it and starts a new one on the same database and port, so the
kubeconfig stays valid. SIGTERM lets the process flush every sandbox on the way out; after
SIGKILL only what the housekeeper already wrote survives, which it does within
``SANDBOX_SAVE_SECONDS`` (default 1 s) of a change.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kubectl_real.support import Kubectl, LiveServer, write_kubeconfig

pytestmark = pytest.mark.kubectl

SANDBOX_SAVE_SECONDS = 1.0  # kubelearn.sandboxes.persistence's default


@pytest.fixture(scope="module")
def server(
    kube_server: LiveServer,
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    make_env: Callable[..., dict[str, str]],
) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("restart-server")
    source = sqlite3.connect(kube_server.workdir / "db.sqlite3")
    target = sqlite3.connect(workdir / "db.sqlite3")
    with source, target:
        source.backup(target)
    source.close()
    target.close()
    env = make_env(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="true")
    server = LiveServer(workdir=workdir, repo_root=repo_root, env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def k(server: LiveServer) -> Kubectl:
    config = write_kubeconfig(server, "kubectl-restart", server.workdir / "config")
    k = Kubectl(kubeconfig=config, cache_dir=server.workdir / "cache", workdir=server.workdir)
    k("create", "deployment", "keep", "--image=nginx:1.27", "--replicas=2")
    k("expose", "deployment", "keep", "--port=80")
    k("create", "configmap", "keep", "--from-literal=color=blue")
    k("create", "secret", "generic", "keep", "--from-literal=token=s3cret")
    k("rollout", "status", "deployment/keep", "--timeout=60s")
    return k


def _inventory(k: Kubectl) -> list[str]:
    return sorted(k.lines("get", "all,configmaps,secrets", "-o", "name"))


def test_kubectl_get_all_shows_the_same_objects_after_a_sigterm_restart(server: LiveServer, k: Kubectl) -> None:
    before = _inventory(k)
    assert {"deployment.apps/keep", "service/keep", "configmap/keep", "secret/keep"} <= set(before)
    assert sum(name.startswith("pod/keep-") for name in before) == 2
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    assert _inventory(k) == before  # the very same pods: nothing was recreated
    ready = k("get", "deployment", "keep", "-o", "jsonpath={.status.readyReplicas}/{.spec.replicas}").stdout
    assert ready == "2/2"
    assert k("get", "configmap", "keep", "-o", "jsonpath={.data.color}").stdout == "blue"
    k("scale", "deployment", "keep", "--replicas=3")  # and the restored cluster keeps working
    k("rollout", "status", "deployment/keep", "--timeout=60s")
    k("scale", "deployment", "keep", "--replicas=2")


def test_a_change_survives_sigkill_once_the_save_interval_has_passed(server: LiveServer, k: Kubectl) -> None:
    k("create", "configmap", "after-kill", "--from-literal=written=yes")
    k("label", "configmap", "keep", "checked=true")
    before = _inventory(k)
    time.sleep(SANDBOX_SAVE_SECONDS + 1.5)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    server.start()
    assert _inventory(k) == before
    assert k("get", "configmap", "after-kill", "-o", "jsonpath={.data.written}").stdout == "yes"
    assert k("get", "configmap", "-l", "checked=true", "-o", "name").stdout == "configmap/keep\n"


def test_pods_still_starting_when_the_server_stops_start_after_the_restart(server: LiveServer, k: Kubectl) -> None:
    k("create", "deployment", "midway", "--image=nginx:1.27.2", "--replicas=2")
    k.poll(lambda: len(k.lines("get", "pods", "-l", "app=midway", "-o", "name")) == 2, what="the pods to exist")
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    result = k("rollout", "status", "deployment/midway", "--timeout=6s", check=False)
    assert result.stdout.splitlines()[-1:] == ['deployment "midway" successfully rolled out'], result.stderr
