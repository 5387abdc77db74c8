"""What kubectl changes reaches a WebSocket watcher of the same sandbox (the browser's feed).

A ``websocket-client`` connection (installed with the ``kubernetes`` package) opens the ``ws``
URL that ``manage.py sandbox show`` prints, receives the snapshot, and then sees kubectl's
creates, scales and deletes arrive as ``cluster.delta`` events.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket

from tests.kubectl_real.support import SANDBOX, Kubectl, LiveServer

pytestmark = pytest.mark.kubectl


class Feed:
    """The sandbox's WebSocket feed, applied to a local copy of the objects."""

    def __init__(self, url: str) -> None:
        self.socket = websocket.create_connection(url, timeout=10)
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.events: list[tuple[str, str, str]] = []
        self.version = 0

    def receive(self) -> dict[str, Any]:
        message = json.loads(self.socket.recv())
        if message["type"] == "cluster.snapshot":
            self.objects = {self._key(o): o for o in message["objects"]}
        elif message["type"] == "cluster.delta":
            assert message["fromResourceVersion"] == self.version, "the feed skipped a version"
            for event in message["events"]:
                key = self._key(event["object"])
                self.events.append((event["type"], key[0], key[2]))
                if event["type"] == "DELETED":
                    self.objects.pop(key, None)
                else:
                    self.objects[key] = event["object"]
        self.version = message.get("resourceVersion", self.version)
        return message

    def until(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"the feed never showed it; events: {self.events[-20:]}"
            self.receive()

    def get(self, kind: str, name: str, namespace: str = "default") -> dict[str, Any] | None:
        return self.objects.get((kind, namespace, name))

    @staticmethod
    def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
        meta = obj["metadata"]
        return (obj["kind"], meta.get("namespace", ""), meta["name"])


@pytest.fixture(scope="module")
def ws_url(kube_server: LiveServer, kubeconfig: Path) -> str:
    """The ``ws`` URL ``manage.py sandbox show`` prints for the suite's sandbox."""
    shown = json.loads(kube_server.manage("sandbox", "show", SANDBOX, "--server", kube_server.url))
    assert shown["ws"].startswith(f"ws://127.0.0.1:{kube_server.port}/ws/sandbox/{shown['id']}/?token=")
    return str(shown["ws"])


@pytest.fixture
def feed(ws_url: str) -> Iterator[Feed]:
    feed = Feed(ws_url)
    try:
        yield feed
    finally:
        feed.socket.close()


def test_the_feed_starts_with_a_snapshot_of_the_sandbox(feed: Feed) -> None:
    first = feed.receive()
    assert first["type"] == "cluster.snapshot"
    assert {"ship-a", "ship-b", "ship-c"} <= {name for kind, _, name in feed.objects if kind == "Node"}
    assert feed.get("Service", "kubernetes") is not None


def test_kubectl_creates_scales_and_deletes_show_up_on_the_feed(feed: Feed, kubectl: Kubectl) -> None:
    feed.receive()
    kubectl("create", "configmap", "ws-note", "--from-literal=said=hello")
    feed.until(lambda: feed.get("ConfigMap", "ws-note") is not None)
    assert feed.get("ConfigMap", "ws-note")["data"] == {"said": "hello"}  # type: ignore[index]

    kubectl("create", "deployment", "ws-web", "--image=nginx:1.27")
    feed.until(lambda: any(k == "Pod" and n.startswith("ws-web-") for k, _, n in feed.objects))
    kubectl("scale", "deployment", "ws-web", "--replicas=2")
    feed.until(lambda: (feed.get("Deployment", "ws-web") or {}).get("status", {}).get("readyReplicas") == 2)
    assert sum(k == "Pod" and n.startswith("ws-web-") for k, _, n in feed.objects) == 2

    kubectl("delete", "configmap", "ws-note")
    kubectl("delete", "deployment", "ws-web")
    feed.until(lambda: feed.get("ConfigMap", "ws-note") is None and feed.get("Deployment", "ws-web") is None)
    assert ("DELETED", "ConfigMap", "ws-note") in feed.events
    assert ("DELETED", "Deployment", "ws-web") in feed.events
