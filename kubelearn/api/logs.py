"""``GET pods/<name>/log``: container output as text/plain, optionally followed.

Mirrors the kubelet log endpoint as the API server proxies it: ``container``, ``tailLines``,
``previous`` and ``follow`` (a chunked stream that stays open while the pod lives). The
lines come from the simulated kubelet (``kubelearn.cluster.kubelet.logs``), which raises
the API server's errors (container not found, ``ContainerCreating``...). Simplified:
``timestamps``, ``sinceSeconds`` and ``limitBytes`` are ignored; a follow stream ends when
the pod is gone or finished, or after 30 minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

from asgiref.sync import sync_to_async
from django.http import HttpResponse, StreamingHttpResponse

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kubelet import logs as kubelet_logs
from kubelearn.sandboxes.runtime import LiveSandbox

from .access import locked
from .resources import Options, Target

TEXT = "text/plain"
POLL_SECONDS = 1.0
FOLLOW_SECONDS = 1800


def _text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def read(cluster: Cluster, target: Target, options: Options, tail: int | None) -> list[str]:
    assert target.name is not None
    return kubelet_logs(cluster.ctx, target.store_namespace, target.name, options.container, tail, options.previous)


def _finished(cluster: Cluster, target: Target) -> bool:
    pod = cluster.store.peek("Pod", target.store_namespace, target.name or "")
    return pod is None or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _poll(cluster: Cluster, target: Target, options: Options, seen: int) -> tuple[list[str], int, bool]:
    try:
        lines = read(cluster, target, options, None)
    except StatusError:
        return [], seen, True
    return lines[seen:], len(lines), _finished(cluster, target)


async def _follow(
    sandbox: LiveSandbox, target: Target, options: Options, first: list[str], seen: int
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FOLLOW_SECONDS
    if first:
        yield _text(first)
    done = False
    while not done and loop.time() < deadline:
        await sandbox.wait_for_change(POLL_SECONDS)
        lines, seen, done = await sync_to_async(locked, thread_sensitive=True)(
            sandbox, partial(_poll, target=target, options=options, seen=seen)
        )
        if lines:
            yield _text(lines)


def respond(sandbox: LiveSandbox, target: Target, options: Options) -> HttpResponse | StreamingHttpResponse:
    if not options.follow:
        lines = locked(sandbox, lambda c: read(c, target, options, options.tail_lines))
        return HttpResponse(_text(lines), content_type=TEXT)

    def begin(cluster: Cluster) -> tuple[list[str], int]:
        everything = read(cluster, target, options, None)
        tail = options.tail_lines
        return (everything[-tail:] if tail else [] if tail == 0 else everything), len(everything)

    first, seen = locked(sandbox, begin)
    return StreamingHttpResponse(_follow(sandbox, target, options, first, seen), content_type=TEXT)
