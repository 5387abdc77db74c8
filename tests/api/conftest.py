"""Fixtures for the REST facade tests: a live sandbox reachable under ``/k8s/<KEY>/``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import AsyncClient, Client

from kubelearn.cluster import Cluster
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

KEY = "test-access-key"
BASE = f"/k8s/{KEY}"
TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)


@pytest.fixture
def sandbox() -> Iterator[LiveSandbox]:
    """A paused sandbox (simulated time moves only when a test steps it) behind KEY."""
    rt = runtime()
    live = rt.add(LiveSandbox(id="api-test", cluster=Cluster(seed=7), paused=True))
    previous = rt.key_resolver
    rt.key_resolver = lambda key: live.id if key == KEY else None
    try:
        yield live
    finally:
        rt.key_resolver = previous
        rt.drop(live.id)


class Api:
    """The Django test client with the sandbox's URL prefix and JSON bodies."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self.client = client

    def get(self, path: str, accept: str = "application/json", **extra: Any) -> Any:
        return self.client.get(BASE + path, headers={"accept": accept}, **extra)

    def send(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body) if body is not None else ""
        return getattr(self.client, method)(BASE + path, data=data, content_type=content_type)

    def post(self, path: str, body: Any, content_type: str = "application/json") -> Any:
        return self.send("post", path, body, content_type)

    def put(self, path: str, body: Any) -> Any:
        return self.send("put", path, body)

    def patch(self, path: str, body: Any, content_type: str) -> Any:
        return self.send("patch", path, body, content_type)

    def delete(self, path: str, body: Any = None) -> Any:
        return self.send("delete", path, body)


@pytest.fixture
def api(sandbox: LiveSandbox) -> Api:
    return Api(Client())


@pytest.fixture
def async_api(sandbox: LiveSandbox) -> Api:
    return Api(AsyncClient())


@pytest.fixture
def make_deployment() -> Callable[..., dict[str, Any]]:
    return deployment


def deployment(name: str = "web", replicas: int = 2, image: str = "nginx:1.27") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image}]},
            },
        },
    }
