"""A class on the relaying process: one group member per process, every socket gets the owner's frame.

Process ``a`` owns the sandbox; ``CLIENTS`` WebSockets watch it through process ``b``. The
owner's publisher must reach ``b`` through ONE channel (its hub's) in the group
``sandbox.<id>``, and ``b`` hands that one frame to every socket (``kubelearn/live/fanout.py``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import redis
from websockets.asyncio.client import ClientConnection, connect

from .conftest import Pair, Server, http

pytestmark = pytest.mark.redis

CLIENTS = 20
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


async def _watch(pair: Pair, server: Server) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(pair.ws(server, "demo"), origin=server.url, open_timeout=20, max_size=None)
    return ws, json.loads(await asyncio.wait_for(ws.recv(), 20))


async def _until(ws: ClientConnection, name: str) -> str:
    """The raw text of the first frame carrying the ConfigMap ``name``."""
    while True:
        text = await asyncio.wait_for(ws.recv(), 20)
        events = json.loads(text).get("events") or ()
        if any(e["object"]["metadata"]["name"] == name for e in events):
            return str(text)


def _members(pair: Pair) -> int:
    """How many channels are in the group ``sandbox.<id>`` (channels_redis' default prefix)."""
    key = f"asgi:group:sandbox.{pair.sandboxes['demo']['id']}"
    return int(redis.Redis.from_url(pair.redis_url).zcard(key))


async def test_a_class_on_process_b_is_one_group_member_and_gets_a_change_made_on_a(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    assert (await asyncio.to_thread(http, "GET", pair.api(pair.a, "demo", CONFIGMAPS)))[0] == 200  # a owns it
    sockets = [await _watch(pair, pair.b) for _ in range(CLIENTS)]
    try:
        assert {snapshot["type"] for _, snapshot in sockets} == {"cluster.snapshot"}
        assert _members(pair) == 1  # b's hub, not one channel per socket
        body = {"metadata": {"name": "announcement"}, "data": {"n": "1"}}
        status, created = await asyncio.to_thread(http, "POST", pair.api(pair.a, "demo", CONFIGMAPS), body)
        assert status == 201, created
        texts = await asyncio.gather(*(_until(ws, "announcement") for ws, _ in sockets))
        assert len(set(texts)) == 1  # the same frame, encoded once
        frame = json.loads(texts[0])
        assert frame["type"] == "cluster.delta"
        assert frame["fromResourceVersion"] < frame["resourceVersion"]
        local, _ = await _watch(pair, pair.a)  # a watcher on the owner adds the owner's hub, not a socket
        try:
            assert _members(pair) == 2
            body = {"metadata": {"name": "second"}, "data": {"n": "2"}}
            status, _ = await asyncio.to_thread(http, "POST", pair.api(pair.a, "demo", CONFIGMAPS), body)
            assert status == 201
            # The owner's hub computes the frame once, publishes it, then sends it to its own socket.
            texts = await asyncio.gather(*(_until(ws, "second") for ws in [local, *(ws for ws, _ in sockets)]))
            assert len(set(texts[1:])) == 1
            assert json.loads(texts[0]) == json.loads(texts[1])
        finally:
            await local.close()
    finally:
        for ws, _ in sockets:
            await ws.close()
    # The hub leaves the group with its last socket: it first cancels its loops, and one may be
    # waiting for the process's busy sync thread (a lease lookup) when the whole suite runs.
    for _ in range(150):
        if _members(pair) == 0:
            break
        await asyncio.sleep(0.1)
    assert _members(pair) == 0
