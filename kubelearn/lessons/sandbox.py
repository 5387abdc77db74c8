"""The learner's sandbox as a lesson sees it: put it in a step's state, act on it, read it.

The sandbox is the visitor's personal one from ``kubelearn.sandboxes`` (one per session). The
session remembers which lesson step it was last prepared for (``MARKER``). Moving on to the
next step applies that step's setup on top of what the learner built; any other jump (another
lesson, an earlier step, "reset") replaces the cluster with ``runner.state_at`` — the same
replay ``lessons test`` uses — keeping the store's revision rising so watchers resync, as the
studio's reset does. Every access follows the runtime's rule: lock, ``advance()``, act,
``changed()``.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest

from kubelearn.cluster import Cluster
from kubelearn.sandboxes import persistence
from kubelearn.sandboxes.provision import session_sandbox
from kubelearn.sandboxes.runtime import LiveSandbox, runtime

from . import runner
from .schema import Lesson

MARKER = "kubelearn_lesson_sandbox"
logger = logging.getLogger(__name__)


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


def open_for(request: HttpRequest, lesson: Lesson, index: int, reset: bool = False) -> LiveSandbox:
    """The learner's live sandbox, prepared for step ``index`` of ``lesson``."""
    row = session_sandbox(request)
    assert row is not None
    live = runtime().open(row.id)
    if live is None:  # no loader installed (the sandboxes app always installs one)
        live = runtime().add(persistence.attach(LiveSandbox(row.id, Cluster(seed=0))))
    marker = request.session.get(MARKER) or {}
    same_lesson = marker.get("sandbox") == row.id and marker.get("lesson") == lesson.id
    previous = marker.get("step") if same_lesson else None
    if reset or previous != index:
        with live.lock:
            live.advance()
            if not reset and previous is not None and index == previous + 1:
                runner.apply_changes(live.cluster, lesson.steps[index].setup, settle=False)
            else:
                _replace(live, lesson, index)
            live.changed()
        request.session[MARKER] = {"sandbox": row.id, "lesson": lesson.id, "step": index}
    return live


@contextmanager
def using(live: LiveSandbox, changes: bool = False) -> Iterator[Cluster]:
    """Hold the sandbox lock with simulated time brought up to now; ``changes`` calls ``changed()``."""
    with live.lock:
        live.advance()
        yield live.cluster
        if changes:
            live.changed()
