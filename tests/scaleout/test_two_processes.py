"""Two daphne processes on one Redis serve the same sandboxes (issue 7, "Scale-out").

Process ``a`` owns the sandbox after the first request through it; a WebSocket client of
process ``b`` follows it through the owner's relayed deltas; killing ``a`` moves ownership to
``b`` once the lease expires, and nothing that ``a`` saved is lost.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import redis
from channels_redis.core import RedisChannelLayer
from django.core import signing
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from kubelearn.sandboxes.forwarding import GRANT_SALT
from kubelearn.sandboxes.ownership import PREFIX

from .conftest import LEASE_SECONDS, SECRET, Pair, Server, http

pytestmark = pytest.mark.redis

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
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def _ws(pair: Pair, server: Server, name: str) -> ClientConnection:
    return connect(pair.ws(server, name), origin=server.url, open_timeout=10)


def _kinds_and_names(message: dict[str, Any]) -> set[tuple[str, str]]:
    objects = message.get("objects") or [e["object"] for e in message.get("events", [])]
    return {(o["kind"], o["metadata"]["name"]) for o in objects}


def _receive_until(ws: ClientConnection, wanted: tuple[str, str], seconds: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if wanted in _kinds_and_names(message):
            return message
    raise AssertionError(f"{wanted} never arrived")


def _drain(ws: ClientConnection) -> None:
    while True:
        ws.recv(timeout=15)


def _owner(pair: Pair, name: str) -> str | None:
    value = redis.Redis.from_url(pair.redis_url).get(PREFIX + pair.sandboxes[name]["id"])
    return value.decode() if value else None


def test_an_apply_on_process_a_reaches_a_websocket_client_on_process_b(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    assert http("GET", pair.api(pair.a, "demo", DEPLOYMENTS))[0] == 200  # a owns the sandbox now
    owner = _owner(pair, "demo")
    assert owner is not None
    with _ws(pair, pair.b, "demo") as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "cluster.snapshot"
        assert ("Deployment", "web") not in _kinds_and_names(first)
        status, created = http("POST", pair.api(pair.a, "demo", DEPLOYMENTS), DEPLOYMENT)
        assert status == 201, created
        delta = _receive_until(ws, ("Deployment", "web"))
        assert delta["type"] == "cluster.delta"
        assert delta["fromResourceVersion"] < delta["resourceVersion"]
    assert _owner(pair, "demo") == owner  # b relayed; it never took the sandbox over


def test_a_facade_request_on_the_other_process_is_forwarded_to_the_owner(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    assert http("GET", pair.api(pair.a, "demo", DEPLOYMENTS))[0] == 200
    status, _ = http("POST", pair.api(pair.b, "demo", DEPLOYMENTS), DEPLOYMENT)  # through b, run by a
    assert status == 201
    status, listed = http("GET", pair.api(pair.a, "demo", DEPLOYMENTS))
    assert [d["metadata"]["name"] for d in listed["items"]] == ["web"]
    status, events = http("GET", pair.api(pair.b, "demo", "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1"))
    assert status == 200  # a watch through b is proxied (the owner streams it) and ends with its timeout
    assert {e["type"] for e in events} == {"ADDED"}


def test_killing_the_owner_moves_the_sandbox_and_keeps_its_objects(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    status, created = http("POST", pair.api(pair.a, "demo", DEPLOYMENTS), DEPLOYMENT)
    assert status == 201
    uid = created["metadata"]["uid"]
    with _ws(pair, pair.b, "demo") as ws:
        assert ("Deployment", "web") in _kinds_and_names(json.loads(ws.recv(timeout=10)))
        time.sleep(1.0)  # the throttled snapshot (0.2 s) is written
        pair.a.kill()
        killed = time.monotonic()
        status = 0
        while time.monotonic() - killed < LEASE_SECONDS + 8:
            status, listed = http("GET", pair.api(pair.b, "demo", DEPLOYMENTS))
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, pair.b.output()
        assert [d["metadata"]["uid"] for d in listed["items"]] == [uid]
        with pytest.raises(ConnectionClosed):  # the relay to the dead owner gives up: 1012
            _drain(ws)
    with _ws(pair, pair.b, "demo") as again:  # the browser reconnects
        snapshot = json.loads(again.recv(timeout=10))
        assert snapshot["type"] == "cluster.snapshot"
        deployments = [o for o in snapshot["objects"] if o["kind"] == "Deployment"]
        assert [d["metadata"]["uid"] for d in deployments] == [uid]


async def _command(pair: Pair, owner: str, message: dict[str, Any]) -> dict[str, Any]:
    """Play a forwarding process: send a command to the owner's channel, collect the answer."""
    layer = RedisChannelLayer(hosts=[pair.redis_url])
    reply = await layer.new_channel()
    await layer.send(f"process.{owner}", {"type": "forward.command", "reply": reply, **message})
    answer: dict[str, Any] = await asyncio.wait_for(layer.receive(reply), 10)
    if answer.get("kind") == "start":  # a streamed HTTP reply: gather the body
        answer["body"], chunk = b"", {"more": True}
        while chunk.get("more"):
            chunk = await asyncio.wait_for(layer.receive(reply), 10)
            answer["body"] += chunk.get("body", b"")
    await layer.flush()
    return answer


def _grant(sandbox_id: str, right: str, key: str = SECRET) -> str:
    return signing.dumps({"s": sandbox_id, "r": right}, key=key, salt=GRANT_SALT)


async def test_a_student_cannot_send_a_command_to_the_instructors_sandbox(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    demo, student = pair.sandboxes["demo"]["id"], pair.sandboxes["student"]["id"]
    status, _ = await asyncio.to_thread(http, "POST", pair.api(pair.a, "demo", DEPLOYMENTS), DEPLOYMENT)
    assert status == 201
    owner = _owner(pair, "demo")
    assert owner is not None
    apply = {
        "command": "apply",
        "sandbox": demo,
        "payload": {"text": "kind: Namespace\napiVersion: v1\nmetadata: {name: x}"},
    }
    for grant in (None, _grant(student, "drive"), _grant(demo, "watch"), _grant(demo, "drive", key="x" * 50)):
        answer = await _command(pair, owner, {**apply, "grant": grant})
        assert answer["error"].startswith("forbidden"), answer
    answer = await _command(pair, owner, {"command": "snapshot", "sandbox": demo, "grant": _grant(student, "watch")})
    assert answer["error"].startswith("forbidden")
    # The control: the instructor's own grant works.
    answer = await _command(pair, owner, {"command": "snapshot", "sandbox": demo, "grant": _grant(demo, "watch")})
    assert ("Deployment", "web") in _kinds_and_names(answer["result"])
    # A forwarded REST request is authorised again by the owner: the key decides, not the forwarder.
    student_key = pair.sandboxes["student"]["server"].split("/k8s/", 1)[1]
    answer = await _command(
        pair,
        owner,
        {
            "command": "http",
            "sandbox": demo,
            "method": "GET",
            "path": f"/k8s/{student_key}{DEPLOYMENTS}",
            "query_string": b"",
            "headers": [[b"host", b"127.0.0.1"]],
            "body": b"",
        },
    )
    assert answer["status"] == 200
    assert json.loads(answer["body"])["items"] == []  # the student's own, empty sandbox, never the demo
