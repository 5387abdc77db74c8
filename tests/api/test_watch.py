"""Watch streams: replay from a resourceVersion, live events, Tables, 410 and log follow."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from asgiref.sync import sync_to_async

from kubelearn.api.access import locked
from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import TABLE_ACCEPT, Api

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def configmap(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
        "data": {"k": name},
    }


async def events_of(response: Any, limit: int | None = None) -> list[dict[str, Any]]:
    """Read newline-delimited events until the stream ends (or ``limit`` events arrived)."""
    assert response.status_code == 200
    events: list[dict[str, Any]] = []
    stream = response.streaming_content
    async for chunk in stream:
        events.extend(json.loads(line) for line in chunk.decode().splitlines() if line)
        if limit is not None and len(events) >= limit:
            await stream.aclose()
            break
    return events


def write(sandbox: LiveSandbox, call: Any) -> Any:
    return sync_to_async(locked, thread_sensitive=True)(sandbox, call)


async def test_watch_replays_changes_after_a_resource_version_including_deleted(
    async_api: Api, sandbox: LiveSandbox
) -> None:
    created = await write(sandbox, lambda c: c.api.create(configmap("a"))[0])
    since = created["metadata"]["resourceVersion"]
    await write(sandbox, lambda c: c.api.create(configmap("b")))
    await write(sandbox, lambda c: c.api.delete("ConfigMap", "default", "a"))
    response = await async_api.get(f"{CONFIGMAPS}?watch=true&resourceVersion={since}&timeoutSeconds=1")
    assert response["Content-Type"] == "application/json"
    events = await events_of(response)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "b"), ("DELETED", "a")]
    deleted = events[1]["object"]
    assert deleted["kind"] == "ConfigMap"
    assert int(deleted["metadata"]["resourceVersion"]) > int(since)


async def test_watch_without_resource_version_starts_with_synthetic_added_events(
    async_api: Api, sandbox: LiveSandbox
) -> None:
    await write(sandbox, lambda c: c.api.create(configmap("a")))
    events = await events_of(await async_api.get(f"{CONFIGMAPS}?watch=1&timeoutSeconds=1"))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a")]


async def test_watch_streams_live_changes_matching_its_field_selector(async_api: Api, sandbox: LiveSandbox) -> None:
    """What ``kubectl delete`` waits on: a DELETED event for the one object it named."""
    await write(sandbox, lambda c: c.api.create(configmap("a")))
    await write(sandbox, lambda c: c.api.create(configmap("b")))
    rv = str(sandbox.cluster.store.revision)
    response = await async_api.get(
        f"{CONFIGMAPS}?watch=true&fieldSelector=metadata.name%3Da&resourceVersion={rv}&timeoutSeconds=10"
    )
    reader = asyncio.ensure_future(events_of(response, limit=1))
    await asyncio.sleep(0.2)
    await write(sandbox, lambda c: c.api.delete("ConfigMap", "default", "b"))
    await write(sandbox, lambda c: c.api.delete("ConfigMap", "default", "a"))
    events = await asyncio.wait_for(reader, 5)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("DELETED", "a")]


async def test_a_too_old_resource_version_gets_an_error_event_with_410(async_api: Api, sandbox: LiveSandbox) -> None:
    await write(sandbox, lambda c: c.store.rebase())
    events = await events_of(await async_api.get(f"{CONFIGMAPS}?watch=true&resourceVersion=1&timeoutSeconds=5"))
    assert len(events) == 1
    assert events[0]["type"] == "ERROR"
    status = events[0]["object"]
    assert status["kind"] == "Status"
    assert status["code"] == 410
    assert status["reason"] == "Expired"
    assert status["message"].startswith("too old resource version: 1 (")


async def test_table_watch_sends_one_row_tables_with_columns_first(async_api: Api, sandbox: LiveSandbox) -> None:
    """``kubectl get -w`` watches with the Table Accept header."""
    since = str(sandbox.cluster.store.revision)
    await write(sandbox, lambda c: c.api.create(configmap("a")))
    await write(sandbox, lambda c: c.api.create(configmap("b")))
    response = await async_api.get(
        f"{CONFIGMAPS}?watch=true&resourceVersion={since}&timeoutSeconds=1", accept=TABLE_ACCEPT
    )
    assert response["Content-Type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    first, second = await events_of(response)
    assert first["object"]["kind"] == "Table"
    assert [c["name"] for c in first["object"]["columnDefinitions"]] == [
        "Name",
        "Data",
        "Age",
    ]
    assert second["object"]["columnDefinitions"] == []
    assert second["object"]["rows"][0]["cells"][:2] == ["b", 1]
    assert second["object"]["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


async def test_a_bad_label_selector_is_400_before_the_stream_starts(async_api: Api) -> None:
    response = await async_api.get(f"{CONFIGMAPS}?watch=true&labelSelector=a%3D%3D%3Db")
    assert response.status_code == 400
    assert response.json()["kind"] == "Status"


async def test_log_follow_streams_until_the_pod_is_gone(async_api: Api, sandbox: LiveSandbox, make_deployment) -> None:
    await write(sandbox, lambda c: c.api.create(make_deployment(replicas=1, image="nginx")))
    await write(sandbox, lambda c: c.step(30))
    pod = sandbox.cluster.store.list("Pod", "default")[0][0]["metadata"]["name"]
    response = await async_api.get(f"/api/v1/namespaces/default/pods/{pod}/log?follow=true&tailLines=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    stream = response.streaming_content
    first = await anext(stream)
    assert len(first.decode().splitlines()) == 1
    await write(sandbox, lambda c: c.api.delete("Pod", "default", pod, grace_period=0))
    rest = [chunk async for chunk in stream]
    assert rest == []
