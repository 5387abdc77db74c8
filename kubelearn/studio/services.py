"""Glue between the studio views and the sandbox runtime: find the visitor's sandbox, act on it.

Every action follows the runtime's rule: take the sandbox lock, ``advance()`` simulated time
to now, act through the core, drain, call ``changed()`` so watchers (the WebSocket picture)
hear about it, and never hold the lock across anything slow. Inputs that change the cluster
are recorded (``recording.py``) with their simulated time, for the timeline's replay.

Across server processes (Redis): the workbench keeps the live object for the whole request,
so ``get_or_create_session_sandbox`` brings the visitor's sandbox into this process
(``forwarding.take_over``: the owner writes and forgets it, this process restores it). An
action that finds its object handed over meanwhile (``live.dropped``) stops with
``SandboxBusy`` (503, "try again") instead of writing into a forgotten copy. Other pages
drive a sandbox they do not move — a classroom seat or demo — through ``apply_to`` and
``command_on``, which run the same code where the sandbox lives (``forwarding.run_sync``).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from kubelearn.cluster import Cluster
from kubelearn.cluster.manifests import ManifestError, parse_manifests
from kubelearn.sandboxes import forwarding, persistence
from kubelearn.sandboxes.kubeconfig import websocket_path
from kubelearn.sandboxes.models import Sandbox
from kubelearn.sandboxes.provision import DEFAULT_NODES, session_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox

from . import recording
from .kubectl_bridge import CommandResult
from .locate import brief, error_line

SOURCE = "editor.yaml"
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
STEPS = (1, 10)
CHAOS_ACTIONS = ("delete-pod", "crash", "fail-node", "restore-node", "add-node", "traffic", "reset")
#: Requests per second and session, per kind of request.
RATE_LIMITS = {"apply": 5, "command": 10, "chaos": 5, "time": 10, "inspect": 20, "replay": 2}


@dataclass(frozen=True, slots=True)
class Workbench:
    row: Sandbox
    live: LiveSandbox

    @property
    def cluster(self) -> Cluster:
        return self.live.cluster


@dataclass(frozen=True, slots=True)
class ApplyRow:
    ok: bool
    line: int  # the editor line to mark (the field's line when the message names a field)
    text: str  # kubectl's line: "deployment.apps/web created" or the error
    note: str = ""  # the error without kubectl's prelude, for the note under the line


def get_or_create_session_sandbox(request: HttpRequest) -> Workbench:
    """The visitor's personal sandbox (the sandboxes app makes one per session) and its live cluster."""
    row = session_sandbox(request)
    assert row is not None  # create=True always gives one
    return Workbench(row, forwarding.take_over(row.id))


def ws_url(bench: Workbench) -> str:
    return websocket_path(bench.row)


def allowed(request: HttpRequest, bucket: str) -> bool:
    """A fixed one-second window per session and bucket, kept in the cache."""
    key = (
        f"studio-rate:{bucket}:{request.session.session_key or request.META.get('REMOTE_ADDR', '')}:{int(time.time())}"
    )
    cache.add(key, 0, timeout=2)
    try:
        return cache.incr(key) <= RATE_LIMITS[bucket]
    except ValueError:  # evicted between add and incr
        return True


def _current(live: LiveSandbox) -> None:
    """With the lock held: refuse to act on an object another process has taken over."""
    if live.dropped:
        raise forwarding.SandboxBusy(f"sandbox {live.id} just moved to another server process")


def _perform(live: LiveSandbox, entry: dict[str, Any]) -> Any:
    """Perform and record one input (lock held, time advanced)."""
    log = recording.begin(live.id, live.cluster) if recording.mutates(entry) else None
    revision = live.cluster.store.revision
    entry = {"t": live.cluster.clock.now, **entry}
    result = recording.perform(live.cluster, entry)
    if log is not None and live.cluster.store.revision != revision:
        recording.append(log, live.cluster, entry)
    if live.cluster.store.revision != revision:
        live.changed()
    return result


def _act(bench: Workbench, entry: dict[str, Any]) -> Any:
    live = bench.live
    with live.lock:
        _current(live)
        live.advance()
        return _perform(live, entry)


def _rows(text: str, results: list[Any]) -> list[ApplyRow]:
    try:
        docs = {doc.index: doc for doc in parse_manifests(text, SOURCE)}
    except ManifestError:
        docs = {}
    rows = []
    for result in results:
        line = result.line
        doc = docs.get(result.index)
        if result.error and doc is not None:
            line = doc.error_line or error_line(text, doc.line, result.error)
        shown = result.kubectl_line()
        rows.append(ApplyRow(result.ok, line, shown, brief(shown) if result.error else ""))
    return rows


def apply(bench: Workbench, text: str) -> list[ApplyRow]:
    """``kubectl apply -f editor.yaml``: one row per document, errors with the line to mark."""
    return _rows(text, _act(bench, {"op": "apply", "text": text}))


@forwarding.operation("studio.apply")
def _apply_op(live: LiveSandbox, text: str) -> list[dict[str, Any]]:
    return [asdict(row) for row in _rows(text, _perform(live, {"op": "apply", "text": text}))]


def apply_to(sandbox_id: str, text: str) -> list[ApplyRow]:
    """``apply`` for a sandbox this page must not move (a classroom seat or demo)."""
    return [ApplyRow(**row) for row in forwarding.run_sync(sandbox_id, "studio.apply", text=text)]


def command_line(line: str) -> str:
    """The line as a terminal would show it: ``get pods`` becomes ``kubectl get pods``."""
    line = line.strip()
    return line if line == "kubectl" or line.startswith("kubectl ") else f"kubectl {line}"


def command(bench: Workbench, line: str) -> Any:
    """One kubectl command line; returns ``CommandResult(exit_code, stdout, stderr)``."""
    return _act(bench, {"op": "command", "line": command_line(line)})


@forwarding.operation("studio.command")
def _command_op(live: LiveSandbox, line: str) -> dict[str, Any]:
    result = _perform(live, {"op": "command", "line": command_line(line)})
    return {"exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}


def command_on(sandbox_id: str, line: str) -> CommandResult:
    """``command`` for a sandbox this page must not move (a classroom seat or demo)."""
    return CommandResult(**forwarding.run_sync(sandbox_id, "studio.command", line=line))


def chaos(bench: Workbench, action: str, namespace: str, name: str, count: int) -> recording.ChaosOutcome:
    if action == "reset":
        reset(bench)
        return recording.ChaosOutcome(True, action, "")
    return _act(bench, {"op": "chaos", "action": action, "namespace": namespace, "name": name, "count": count})


def reset(bench: Workbench) -> None:
    """A brand-new cluster in the same sandbox; the store's revision keeps rising so watchers resync."""
    live = bench.live
    with live.lock:
        _current(live)
        live.advance()
        now = datetime.now(UTC).replace(microsecond=0)
        snap = Cluster(seed=secrets.randbelow(2**31), nodes=DEFAULT_NODES, epoch=now).snapshot()
        snap["store"]["revision"] = max(int(snap["store"]["revision"]), live.cluster.store.revision) + 1
        live.cluster = Cluster.restore(snap)
        persistence.attach(live)
        recording.restart(live.id, live.cluster)
        live.changed()


def set_time(bench: Workbench, action: str, speed: float | None, seconds: int | None) -> None:
    """Pause, resume, change speed (persisted on the row) or step simulated time forward."""
    live = bench.live
    with live.lock:
        _current(live)
        if action == "step" and seconds:
            live.advance()
            live.cluster.step(float(seconds))
            live.changed()
            return
        live.set_speed(speed=speed if action == "speed" else None, paused={"pause": True, "resume": False}.get(action))
    Sandbox.objects.filter(pk=live.id).update(speed=live.speed, paused=live.paused)


def now(bench: Workbench) -> float:
    with bench.live.lock:
        bench.live.advance()
        return bench.cluster.clock.now
