"""Watch: a chunked stream of newline-delimited ``{"type", "object"}`` events.

Mirrors the API server's watch (``endpoints/handlers/watch.go`` over the watch cache):
without a resourceVersion (or with ``0``) every matching object first arrives as a synthetic
``ADDED``; with ``resourceVersion=N`` every change after N is replayed from the store's
log, then live changes follow. A version the log no longer reaches yields one ``ERROR``
event carrying a 410 Expired Status, as upstream. ``timeoutSeconds`` ends the stream
(kubectl ``get -w`` exits when it ends); without it the stream lives 30 minutes. For
``kubectl get -w`` the objects are one-row Tables. Simplified: an object that stops matching
a selector is not announced as ``DELETED``; no bookmarks.

The stream is an async generator (served by the ASGI handler); every look at the cluster
happens in the shared sync thread with the sandbox lock held, never across an ``await``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError, new_bad_request
from kubelearn.cluster.objects import Obj, labels_of
from kubelearn.cluster.selectors import (
    Selector,
    SelectorError,
    field_selector_matches,
    matches,
    parse_field_selector,
    parse_label_selector,
)
from kubelearn.sandboxes.runtime import LiveSandbox

from . import tables
from .access import locked
from .handlers import check_field_selector, printer_for
from .resources import Options, Target
from .status import JSON, dumps

POLL_SECONDS = 1.0
DEFAULT_TIMEOUT_SECONDS = 1800


@dataclass
class Watch:
    """One watcher's filter and position in the store's history."""

    target: Target
    options: Options
    as_table: bool
    labels: Selector | None
    fields: list[tuple[str, str, str]]
    since: int = 0
    sent_columns: bool = False
    done: bool = False

    def wants(self, obj: Obj) -> bool:
        meta = obj.get("metadata", {})
        if self.target.namespace is not None and meta.get("namespace", "") != self.target.namespace:
            return False
        if self.labels is not None and not matches(self.labels, labels_of(obj)):
            return False
        return not self.fields or field_selector_matches(self.fields, obj)

    def line(self, cluster: Cluster, event_type: str, obj: Obj) -> bytes:
        if self.as_table:
            rv = obj["metadata"].get("resourceVersion", "")
            obj = tables.table(
                printer_for(cluster),
                self.target.info.kind,
                [obj],
                rv,
                self.options.include_object,
                with_columns=not self.sent_columns,
            )
            self.sent_columns = True
        return dumps({"type": event_type, "object": obj}) + b"\n"

    def error(self, exc: StatusError) -> bytes:
        self.done = True
        return dumps({"type": "ERROR", "object": exc.status()}) + b"\n"


def prepare(target: Target, options: Options, as_table: bool) -> Watch:
    """Validate the selectors before any byte of the stream is sent (400 otherwise)."""
    if target.name is not None:
        selector = f"metadata.name={target.name}"
        merged = f"{options.field_selector},{selector}" if options.field_selector else selector
        options = replace(options, field_selector=merged)
        target = replace(target, name=None)
    check_field_selector(target, options)
    try:
        labels = parse_label_selector(options.label_selector) if options.label_selector else None
        fields = parse_field_selector(options.field_selector) if options.field_selector else []
    except SelectorError as exc:
        raise new_bad_request(str(exc)) from exc
    return Watch(target, options, as_table, labels, fields)


def start(cluster: Cluster, watch: Watch) -> list[bytes]:
    """The first chunk: synthetic ADDEDs (no resourceVersion) or the replay after it."""
    rv = watch.options.resource_version
    kind = watch.target.info.kind
    if rv in ("", "0"):
        watch.since = cluster.store.revision
        return [watch.line(cluster, "ADDED", obj) for obj in cluster.store.iter_kind(kind) if watch.wants(obj)]
    try:
        watch.since = int(rv)
    except ValueError:
        return [watch.error(new_bad_request(f'invalid resource version "{rv}"'))]
    return poll(cluster, watch)


def poll(cluster: Cluster, watch: Watch) -> list[bytes]:
    """Every change since the last poll that the watcher wants."""
    try:
        events = cluster.store.events_since(watch.since, [watch.target.info.kind])
    except StatusError as exc:
        return [watch.error(exc)]
    lines = [watch.line(cluster, e.type, e.object) for e in events if watch.wants(e.object)]
    watch.since = max(watch.since, cluster.store.revision)
    return lines


async def _stream(sandbox: LiveSandbox, watch: Watch, first: list[bytes]) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    timeout = watch.options.timeout_seconds
    deadline = loop.time() + (timeout if timeout is not None and timeout > 0 else DEFAULT_TIMEOUT_SECONDS)
    # Always yield, even nothing: daphne sends the status line and headers with the first body
    # write, and client-go cannot cancel a watch whose headers never came (kubectl wait/rollout
    # status would hang after their condition is met, until the first event or the timeout).
    yield b"".join(first)
    while not watch.done:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return
        await sandbox.wait_for_change(min(POLL_SECONDS, remaining))
        lines = await sync_to_async(locked, thread_sensitive=True)(sandbox, lambda c: poll(c, watch))
        if lines:
            yield b"".join(lines)


def respond(sandbox: LiveSandbox, target: Target, options: Options, as_table: bool) -> StreamingHttpResponse:
    watch = prepare(target, options, as_table)
    first = locked(sandbox, lambda cluster: start(cluster, watch))
    content_type = tables.TABLE_CONTENT_TYPE if as_table else JSON
    response = StreamingHttpResponse(_stream(sandbox, watch, first), content_type=content_type)
    response["Cache-Control"] = "no-cache, private"
    return response
