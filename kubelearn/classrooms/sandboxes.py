"""Every call this app makes to the sandbox runtime, in one place (the Redis scale-out hooks in here).

The classroom never simulates anything itself: it opens live sandboxes through
``runtime().open`` and follows the runtime's rule — take the lock, ``advance()``, act through
the core, call ``changed()`` so WebSocket watchers hear about it. Replacing a whole cluster
(preparing a lesson step, taking a copy of the demo) keeps the store's revision rising, as
the studio's reset does, so every watcher resyncs with a fresh snapshot.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from kubelearn.cluster import Cluster, nodes
from kubelearn.cluster.apiserver.patch import STRATEGIC_MERGE_PATCH
from kubelearn.cluster.errors import StatusError
from kubelearn.lessons import runner
from kubelearn.lessons.checks import CheckResult
from kubelearn.lessons.schema import Lesson, Step
from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime
from kubelearn.studio.services import Workbench

logger = logging.getLogger(__name__)
BAD_IMAGE = "kubelearn/web:3.0-broken"
INCIDENTS = ("fail-ship", "bad-image")


def open_live(row: Sandbox) -> LiveSandbox:
    live = runtime().open(row.id)
    if live is None:  # no loader installed (the sandboxes app always installs one)
        live = runtime().add(persistence.attach(LiveSandbox(row.id, Cluster.restore(row.snapshot))))
    return live


def bench(row: Sandbox) -> Workbench:
    """The studio's handle (for its kubectl command bar and YAML apply)."""
    return Workbench(row, open_live(row))


def _replace(live: LiveSandbox, snap: dict[str, Any]) -> None:
    """Swap in a whole new store (lock held), revision rising so watchers resync."""
    snap["store"]["revision"] = max(int(snap["store"]["revision"]), live.cluster.store.revision) + 1
    live.cluster = Cluster.restore(snap)
    persistence.attach(live)
    live.changed()


def prepare(row: Sandbox, lesson: Lesson, index: int) -> None:
    """Put the sandbox in the state step ``index`` of ``lesson`` begins with."""
    live = open_live(row)
    seed = zlib.crc32(f"{row.id}:{lesson.id}".encode()) & 0x7FFFFFFF
    try:
        snap = runner.state_at(lesson, index, seed).snapshot()
    except runner.LessonRunError:
        logger.exception("lesson %s: cannot build the state of step %d", lesson.id, index + 1)
        snap = Cluster(seed=seed, nodes=lesson.start.nodes).snapshot()
    with live.lock:
        live.advance()
        _replace(live, snap)


def copy(source: Sandbox, target: Sandbox) -> None:
    """Take a copy of ``source``'s current state into ``target`` (never the other way)."""
    src, dst = open_live(source), open_live(target)
    with src.lock:
        src.advance()
        snap = src.cluster.snapshot()
    with dst.lock:
        dst.advance()
        _replace(dst, snap)


def evaluate(row: Sandbox, step: Step) -> list[CheckResult]:
    live = open_live(row)
    with live.lock:
        live.advance()
        return runner.goal(live.cluster, step)


def set_paused(rows: list[Sandbox], paused: bool) -> None:
    for row in rows:
        open_live(row).set_speed(paused=paused)
    Sandbox.objects.filter(pk__in=[r.pk for r in rows]).update(paused=paused)


def incident(row: Sandbox, kind: str) -> str:
    """Fire a drill into one sandbox: a ship fails, or deployment ``web`` rolls out a bad image."""
    live = open_live(row)
    with live.lock:
        live.advance()
        cluster = live.cluster
        try:
            if kind == "fail-ship":
                ready = [
                    n["metadata"]["name"]
                    for n in cluster.store.iter_kind("Node", None)
                    if any(c.get("type") == "Ready" and c.get("status") == "True" for c in n["status"]["conditions"])
                ]
                if not ready:
                    return "no ship to fail"
                nodes.fail_node(cluster.ctx, sorted(ready)[0])
                result = f"node/{sorted(ready)[0]} failed"
            elif kind == "bad-image":
                web = cluster.store.get("Deployment", "default", "web")
                if web is None:
                    return "no deployment web"
                container = web["spec"]["template"]["spec"]["containers"][0]["name"]
                body = {"spec": {"template": {"spec": {"containers": [{"name": container, "image": BAD_IMAGE}]}}}}
                cluster.api.patch("Deployment", "default", "web", body, STRATEGIC_MERGE_PATCH)
                result = "deployment.apps/web image updated"
            else:
                raise ValueError(kind)
        except StatusError as exc:
            return exc.message
        cluster.engine.drain()
        live.changed()
        return result


def recent_events(row: Sandbox, limit: int = 6) -> list[dict[str, Any]]:
    """The newest Events (by last timestamp), newest first."""
    live = open_live(row)
    with live.lock:
        live.advance()
        events = list(live.cluster.store.iter_kind("Event", None))
    events.sort(key=lambda e: int(e["metadata"].get("resourceVersion") or 0))
    return events[::-1][:limit]
