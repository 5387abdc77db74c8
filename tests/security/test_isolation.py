"""Student A can never read, watch or drive student B's sandbox, whatever the door.

Doors: the watch page, the studio, the WebSocket, the REST facade and the command bar. Also
WebSocket abuse: oversized frames are closed with 1009, floods get an error frame and then a
1008 close, and the consumer survives to serve the next message.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from kubelearn.asgi import application
from kubelearn.live import ratelimit
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import SESSION_KEY, create_sandbox
from kubelearn.sandboxes.runtime import runtime

ORIGIN = (b"origin", b"http://127.0.0.1")


# -- the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_watch_page_needs_the_right_token(client: Client) -> None:
    row = create_sandbox()
    assert client.get(f"/sandbox/{row.id}/watch").status_code == 404
    assert client.get(f"/sandbox/{row.id}/watch?token=wrong").status_code == 404
    assert client.get(f"/sandbox/{row.id}/table?token=wrong").status_code == 404
    page = client.get(f"/sandbox/{row.id}/watch?token={row.watch_token}")
    assert page.status_code == 200
    assert row.access_key not in page.content.decode(), "a watcher must never see the driving key"


@pytest.mark.django_db
def test_the_studio_always_uses_the_callers_own_sandbox(client: Client) -> None:
    other = create_sandbox()
    client.get("/studio/")
    own = client.session[SESSION_KEY]
    assert own != other.id
    client.get(f"/studio/?sandbox={other.id}")
    client.post("/studio/command", {"line": "get pods", "sandbox_id": other.id})
    assert client.session[SESSION_KEY] == own


# -- the REST facade ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rest_facade_key_opens_exactly_its_own_sandbox() -> None:
    a, b = create_sandbox(), create_sandbox()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "only-in-a"}}
    created = Client().post(
        f"/k8s/{a.access_key}/api/v1/namespaces/default/configmaps", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201
    in_a = Client().get(f"/k8s/{a.access_key}/api/v1/namespaces/default/configmaps/only-in-a")
    in_b = Client().get(f"/k8s/{b.access_key}/api/v1/namespaces/default/configmaps/only-in-a")
    assert (in_a.status_code, in_b.status_code) == (200, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["wrong-key", "x" * 65, "%00", "..%2f"])
def test_a_wrong_key_is_401_unauthorized(key: str) -> None:
    response = Client().get(f"/k8s/{key}/api/v1/namespaces/default/pods")
    assert response.status_code == 401
    assert json.loads(response.content)["reason"] == "Unauthorized"


@pytest.mark.django_db
def test_a_logged_in_browser_session_without_the_key_gets_nothing(client: Client) -> None:
    client.get("/studio/")  # the session now owns a sandbox
    assert client.get("/k8s/api/v1/namespaces/default/pods").status_code in (401, 404)
    assert client.get("/k8s//api/v1/namespaces/default/pods").status_code in (401, 404)
    assert client.get(f"/k8s/{client.session[SESSION_KEY]}/api/v1/pods").status_code == 401


# -- the command bar ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line",
    [
        "get pods --kubeconfig=/tmp/other",
        "get pods --server=http://127.0.0.1:8000/k8s/otherkey",
        "get pods --context=other",
        "get pods -s http://evil",
        "get pods --token=abc",
    ],
)
def test_the_command_bar_refuses_flags_that_name_another_cluster(line: str, client: Client) -> None:
    client.get("/studio/")
    other = create_sandbox()
    response = client.post("/studio/command", {"line": line})
    page = response.content.decode()
    assert other.id not in page and other.access_key not in page
    assert "error" in page.lower()


# -- the WebSocket -------------------------------------------------------------------------------


async def _connect(path: str, origin: tuple[bytes, bytes] | None = ORIGIN) -> tuple[bool, WebsocketCommunicator]:
    ws = WebsocketCommunicator(application, path, headers=[origin] if origin else [])
    connected, _code = await ws.connect(timeout=3)
    return connected, ws


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["no-token", "wrong-token", "other-sandbox-token", "bad-origin", "no-origin"])
async def test_the_websocket_refuses_anyone_without_the_right_token_or_origin(how: str) -> None:
    a: Sandbox = await sync_to_async(create_sandbox)()
    b: Sandbox = await sync_to_async(create_sandbox)()
    path, origin = f"/ws/sandbox/{a.id}/?token={a.watch_token}", ORIGIN
    if how == "no-token":
        path = f"/ws/sandbox/{a.id}/"
    elif how == "wrong-token":
        path = f"/ws/sandbox/{a.id}/?token=nope"
    elif how == "other-sandbox-token":
        path = f"/ws/sandbox/{a.id}/?token={b.watch_token}"
    elif how == "bad-origin":
        origin = (b"origin", b"http://evil.example")
    else:
        origin = None
    connected, ws = await _connect(path, origin)
    assert not connected
    await ws.disconnect()


async def _watching() -> WebsocketCommunicator:
    row: Sandbox = await sync_to_async(create_sandbox)()
    connected, ws = await _connect(f"/ws/sandbox/{row.id}/?token={row.watch_token}")
    assert connected
    snapshot = await ws.receive_json_from(timeout=3)
    assert snapshot["type"] == "cluster.snapshot"
    return ws


@pytest.mark.django_db(transaction=True)
async def test_an_oversized_websocket_message_is_closed_with_1009() -> None:
    ws = await _watching()
    await ws.send_to(text_data="x" * (ratelimit.MAX_MESSAGE_BYTES + 1))
    output = await ws.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 1009}
    await ws.disconnect()
    await sync_to_async(lambda: [runtime().drop(i) for i in runtime().live_ids()])()


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_flood_gets_an_error_frame_then_a_1008_close() -> None:
    ws = await _watching()
    for _ in range(ratelimit.BURST + ratelimit.STRIKES + 5):
        await ws.send_to(text_data="not json at all")
    kinds, close = [], None
    while close is None:
        output = await ws.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            close = output["code"]
        else:
            kinds.append(json.loads(output["text"]).get("message", ""))
    assert close == 1008
    assert any("rate limit" in message for message in kinds)
    await ws.disconnect()


def test_the_token_bucket_refills_over_time() -> None:
    bucket = ratelimit.TokenBucket(rate=10, burst=2, tokens=2, stamp=0.0)
    assert [bucket.take(0.0), bucket.take(0.0), bucket.take(0.0)] == [True, True, False]
    assert bucket.take(0.1) and not bucket.take(0.1)
