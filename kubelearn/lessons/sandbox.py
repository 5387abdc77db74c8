"""The learner's sandbox as a lesson sees it: put it in a step's state, act on it, read it.

The sandbox is the visitor's personal one from ``kubelearn.sandboxes`` (one per session). The
session remembers which lesson step it was last prepared for (``MARKER``). Moving on to the
next step applies that step's setup on top of what the learner built; any other jump (another
lesson, an earlier step, "reset") replaces the cluster with ``runner.state_at`` — the same
replay ``lessons test`` uses — keeping the store's revision rising so watchers resync, as the
studio's reset does.

Every access is a named operation (``forwarding.operation``) run where the sandbox lives:
in this process under the runtime's rule (lock, ``advance()``, act, ``changed()``), or — with
Redis, when another process owns the sandbox — on that process, which the lesson page never
pulls the sandbox away from (its goal panel polls every two seconds; moving a sandbox on each
poll would restart its WebSocket watchers). Operations take and return JSON-able values, so
they name lessons by id and checks by name and parameters; the classroom uses the same ones.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from django.http import HttpRequest

from kubelearn.cluster import Cluster
from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import get_all
from kubelearn.sandboxes import forwarding, persistence
from kubelearn.sandboxes.provision import session_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox

from . import checks, runner
from .registry import registry
from .schema import Check, Lesson, Step, Text

MARKER = "kubelearn_lesson_sandbox"
NEXT, REPLACE = "next", "replace"
logger = logging.getLogger(__name__)


def _lesson(lesson_id: str) -> Lesson:
    lesson = registry().get(lesson_id)
    if lesson is None:
        raise LookupError(f"no lesson {lesson_id!r} in this process")
    return lesson


def _replace(live: LiveSandbox, lesson: Lesson, index: int) -> None:
    seed = zlib.crc32(f"{live.id}:{lesson.id}".encode()) & 0x7FFFFFFF
    try:
        snap = runner.state_at(lesson, index, seed).snapshot()
    except runner.LessonRunError:  # an authoring problem (`lessons test` reports it): start empty
        logger.exception("lesson %s: cannot build the state of step %d", lesson.id, index + 1)
        snap = Cluster(seed=seed, nodes=lesson.start.nodes).snapshot()
    snap["store"]["revision"] = max(int(snap["store"]["revision"]), live.cluster.store.revision) + 1
    live.cluster = Cluster.restore(snap)
    persistence.attach(live)


@forwarding.operation("lesson.prepare")
def _prepare_op(live: LiveSandbox, lesson: str, index: int, mode: str) -> None:
    found = _lesson(lesson)
    if mode == NEXT:
        runner.apply_changes(live.cluster, found.steps[index].setup, settle=False)
    else:
        _replace(live, found, index)


def prepare(sandbox_id: str, lesson: Lesson, index: int, mode: str = REPLACE) -> None:
    """Put the sandbox in the state step ``index`` begins with (``NEXT``: add its setup)."""
    forwarding.run_sync(sandbox_id, "lesson.prepare", lesson=lesson.id, index=index, mode=mode)


def open_for(request: HttpRequest, lesson: Lesson, index: int, reset: bool = False) -> str:
    """The learner's sandbox id, prepared for step ``index`` of ``lesson``."""
    row = session_sandbox(request)
    assert row is not None
    marker = request.session.get(MARKER) or {}
    same_lesson = marker.get("sandbox") == row.id and marker.get("lesson") == lesson.id
    previous = marker.get("step") if same_lesson else None
    if reset or previous != index:
        following = not reset and previous is not None and index == previous + 1
        prepare(row.id, lesson, index, NEXT if following else REPLACE)
        request.session[MARKER] = {"sandbox": row.id, "lesson": lesson.id, "step": index}
    return row.id


# --- reading and acting, wherever the sandbox lives --------------------------------------

NO_HINT = Text(zh="", en="")


def _text(value: Text) -> dict[str, str]:
    return {"en": value.en, "zh": value.zh}


@forwarding.operation("lesson.checks", right="watch")
def _checks_op(live: LiveSandbox, specs: list[dict[str, Any]], quiz_ok: bool) -> list[dict[str, Any]]:
    found = []
    for spec in specs:
        result = checks.evaluate(live.cluster, Check(spec["check"], spec["params"], NO_HINT), quiz_ok)
        found.append({"ok": result.ok, "label": _text(result.label), "detail": _text(result.detail)})
    return found


def evaluate(sandbox_id: str, step: Step, quiz_ok: bool = False) -> list[checks.CheckResult]:
    """``runner.goal`` on the sandbox: the step's checks, each ticked or not, with its hint."""
    specs = [{"check": c.check, "params": c.params} for c in step.goal]
    found = forwarding.run_sync(sandbox_id, "lesson.checks", specs=specs, quiz_ok=quiz_ok)
    return [
        checks.CheckResult(r["ok"], c.label or Text(**r["label"]), Text(**r["detail"]), c.hint)
        for c, r in zip(step.goal, found, strict=True)
    ]


@forwarding.operation("lesson.table", right="watch")
def _table_op(live: LiveSandbox) -> dict[str, Any]:
    cluster = live.cluster
    now = cluster.clock.now
    table = get_all(cluster.store, Printer(lambda stamp: now - cluster.clock.parse(stamp)), namespace=None)
    return {"table": table, "now": now}


def table(sandbox_id: str) -> tuple[str, float]:
    """``kubectl get all -A`` as the server prints it, and the simulated time."""
    found = forwarding.run_sync(sandbox_id, "lesson.table")
    return found["table"], found["now"]


@forwarding.operation("lesson.solution")
def _solution_op(live: LiveSandbox, lesson: str, index: int) -> dict[str, list[str]]:
    outcome = runner.apply_changes(live.cluster, _lesson(lesson).steps[index].solution, settle=False)
    return {"lines": outcome.lines, "errors": outcome.errors}


def apply_solution(sandbox_id: str, lesson: Lesson, index: int) -> tuple[list[str], list[str]]:
    """Apply step ``index``'s solution: (kubectl lines, error lines)."""
    found = forwarding.run_sync(sandbox_id, "lesson.solution", lesson=lesson.id, index=index)
    return found["lines"], found["errors"]


@forwarding.operation("lesson.apply")
def _apply_op(live: LiveSandbox, text: str) -> dict[str, list[str]]:
    results = live.cluster.apply_text(text, source="lesson.yaml")
    return {
        "lines": [r.kubectl_line() for r in results if r.ok],
        "errors": [r.kubectl_line() for r in results if not r.ok],
    }


def apply_text(sandbox_id: str, text: str) -> tuple[list[str], list[str]]:
    """``kubectl apply -f lesson.yaml``: (lines of the objects applied, lines of the errors)."""
    found = forwarding.run_sync(sandbox_id, "lesson.apply", text=text)
    return found["lines"], found["errors"]


@forwarding.operation("lesson.command")
def _command_op(live: LiveSandbox, line: str) -> list[Any]:
    return list(runner.run_command(live.cluster, line))


def command(sandbox_id: str, line: str) -> tuple[int, str, str]:
    """One kubectl command line: (exit code, stdout, stderr)."""
    code, out, err = forwarding.run_sync(sandbox_id, "lesson.command", line=line)
    return int(code), str(out), str(err)
