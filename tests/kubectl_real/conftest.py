"""Fixtures for ``tests/kubectl_real``: one live daphne server, one sandbox, the real kubectl.

One daphne process per session (``kubelearn.asgi:application`` on a free loopback port, a
temporary SQLite database after ``migrate``), one sandbox whose kubeconfig comes from
``manage.py sandbox kubeconfig NAME --server URL``, and a ``kubectl`` helper (see
``support.Kubectl``) with that kubeconfig, a timeout and a fresh ``--cache-dir``. Tests share
the cluster, so each uses its own object names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.kubectl_real.support import SANDBOX, Kubectl, LiveServer, start_server, write_kubeconfig


@pytest.fixture(scope="session")
def kube_server(
    tmp_path_factory: pytest.TempPathFactory, repo_root: Path, make_env: Callable[..., dict[str, str]]
) -> Iterator[LiveServer]:
    """One daphne process for the whole kubectl suite."""
    server = start_server(tmp_path_factory.mktemp("kubectl-server"), repo_root, make_env)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kubeconfig(kube_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kubeconfig(kube_server, SANDBOX, tmp_path_factory.mktemp("kubeconfig") / "config")


@pytest.fixture(scope="session")
def kubectl(kubeconfig: Path, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    """``kubectl(*args, input=None, check=True)`` against the session's sandbox."""
    home = tmp_path_factory.mktemp("kubectl-home")
    workdir = tmp_path_factory.mktemp("manifests")
    return Kubectl(kubeconfig=kubeconfig, cache_dir=home / "cache", workdir=workdir)


@pytest.fixture(scope="session")
def sandbox_kubectl(kube_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Kubectl]:
    """``sandbox_kubectl(name)``: kubectl for another sandbox on the same server (exact whole-cluster output)."""

    def make(name: str) -> Kubectl:
        home = tmp_path_factory.mktemp(f"kubectl-{name}")
        config = write_kubeconfig(kube_server, name, home / "config")
        return Kubectl(kubeconfig=config, cache_dir=home / "cache", workdir=home)

    return make
