"""Every call this app makes to a sandbox, in one place: named operations run where it lives.

The classroom never simulates anything itself, and never moves a sandbox: the instructor's
dashboard, incidents and pause touch every student's sandbox, and with Redis each of those
is owned by whichever server process the student's own pages reached. So each function here
runs a named operation (``forwarding.operation``) through ``forwarding.run_sync``: in this
process under the runtime's rule (lock, ``advance()``, act, ``changed()`` so WebSocket
watchers hear about it) when the sandbox is or can be ours, otherwise on its owner. Values
cross as JSON (lessons by id, checks by name, clusters as snapshots). Replacing a whole
cluster (preparing a lesson step, taking a copy of the demo) keeps the store's revision
rising, as the studio's reset does, so every watcher resyncs with a fresh snapshot.
"""

from __future__ import annotations

import logging
from typing import Any

from kubelearn.cluster import Cluster, nodes
from kubelearn.cluster.apiserver.patch import STRATEGIC_MERGE_PATCH
from kubelearn.cluster.errors import StatusError
from kubelearn.lessons import sandbox as lesson_sandbox
from kubelearn.lessons.checks import CheckResult
from kubelearn.lessons.schema import Lesson, Step
from kubelearn.sandboxes import forwarding, persistence
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.runtime import LiveSandbox
from kubelearn.studio import services as studio
from kubelearn.studio.kubectl_bridge import CommandResult

logger = logging.getLogger(__name__)
BAD_IMAGE = "kubelearn/web:3.0-broken"
INCIDENTS = ("fail-ship", "bad-image")


def prepare(row: Sandbox, lesson: Lesson, index: int) -> None:
    """Put the sandbox in the state step ``index`` of ``lesson`` begins with."""
    lesson_sandbox.prepare(row.id, lesson, index)


def command(row: Sandbox, line: str) -> CommandResult:
    """A kubectl line in the sandbox (the studio's command bar, run where the sandbox lives)."""
    return studio.command_on(row.id, line)


def apply(row: Sandbox, text: str) -> list[studio.ApplyRow]:
    """``kubectl apply -f`` of the YAML box (the studio's, run where the sandbox lives)."""
    return studio.apply_to(row.id, text)


@forwarding.operation("classroom.snapshot", right="watch")
def _snapshot_op(live: LiveSandbox) -> dict[str, Any]:
    return live.cluster.snapshot()


@forwarding.operation("classroom.replace")
def _replace_op(live: LiveSandbox, snapshot: dict[str, Any]) -> None:
    """Swap in a whole new store, revision rising so watchers resync."""
    snapshot["store"]["revision"] = max(int(snapshot["store"]["revision"]), live.cluster.store.revision) + 1
    live.cluster = Cluster.restore(snapshot)
    persistence.attach(live)


def copy(source: Sandbox, target: Sandbox) -> None:
    """Take a copy of ``source``'s current state into ``target`` (never the other way)."""
    snapshot = forwarding.run_sync(source.id, "classroom.snapshot")
    forwarding.run_sync(target.id, "classroom.replace", snapshot=snapshot)


def evaluate(row: Sandbox, step: Step) -> list[CheckResult]:
    return lesson_sandbox.evaluate(row.id, step)


@forwarding.operation("classroom.pause")
def _pause_op(live: LiveSandbox, paused: bool) -> None:
    live.set_speed(paused=paused)


def set_paused(rows: list[Sandbox], paused: bool) -> None:
    """Pause or resume every sandbox; one whose process is busy does not stop the others."""
    busy: forwarding.SandboxBusy | None = None
    for row in rows:
        try:
            forwarding.run_sync(row.id, "classroom.pause", paused=paused)
        except forwarding.SandboxBusy as exc:
            logger.warning("could not %s sandbox %s: %s", "pause" if paused else "resume", row.id, exc)
            busy = exc
    Sandbox.objects.filter(pk__in=[r.pk for r in rows]).update(paused=paused)
    if busy is not None:
        raise busy


@forwarding.operation("classroom.incident")
def _incident_op(live: LiveSandbox, kind: str) -> str:
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
    return result


def incident(row: Sandbox, kind: str) -> str:
    """Fire a drill into one sandbox: a ship fails, or deployment ``web`` rolls out a bad image.

    Returns what happened, kubectl-style; a sandbox whose process is busy says so instead of
    stopping the drill for the rest of the class.
    """
    if kind not in INCIDENTS:
        raise ValueError(kind)
    try:
        return str(forwarding.run_sync(row.id, "classroom.incident", kind=kind))
    except forwarding.SandboxBusy as exc:
        logger.warning("incident %s missed sandbox %s: %s", kind, row.id, exc)
        return "the sandbox's server is busy"


@forwarding.operation("classroom.events", right="watch")
def _events_op(live: LiveSandbox, limit: int) -> list[dict[str, Any]]:
    events = list(live.cluster.store.iter_kind("Event", None))
    events.sort(key=lambda e: int(e["metadata"].get("resourceVersion") or 0))
    return events[::-1][:limit]


def recent_events(row: Sandbox, limit: int = 6) -> list[dict[str, Any]]:
    """The newest Events (by last timestamp), newest first."""
    return list(forwarding.run_sync(row.id, "classroom.events", limit=limit))
