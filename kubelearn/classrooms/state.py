"""Where a classroom is in its lesson path, and keeping each seat's sandbox in step with it.

Moving the class ("everyone go to lesson X step Y") updates the room and every seat; a
seat's sandbox is prepared for its step lazily, on the student's next page view, so one push
does not rebuild thirty clusters inside one request.
"""

from __future__ import annotations

from django.utils import timezone

from kubelearn.lessons.registry import registry
from kubelearn.lessons.schema import Lesson, Step

from . import sandboxes
from .models import Classroom, Seat


def lesson_of(classroom: Classroom, lesson_id: str | None = None) -> Lesson | None:
    wanted = lesson_id or classroom.lesson_id or (classroom.lesson_path[0] if classroom.lesson_path else "")
    return registry().get(wanted) if wanted else None


def step_of(lesson: Lesson | None, index: int) -> Step | None:
    if lesson is None or not lesson.steps:
        return None
    return lesson.steps[min(max(index, 0), len(lesson.steps) - 1)]


def goto(classroom: Classroom, lesson_id: str, index: int) -> Lesson:
    """Move the room (and every seat) to step ``index`` (0-based) of ``lesson_id``."""
    lesson = registry().get(lesson_id)
    if lesson is None or lesson_id not in classroom.lesson_path:
        raise ValueError(lesson_id)
    index = min(max(index, 0), len(lesson.steps) - 1)
    classroom.lesson_id, classroom.step_index = lesson.id, index
    classroom.save(update_fields=["lesson_id", "step_index"])
    classroom.seats.update(lesson_id=lesson.id, step_index=index, step_started_at=timezone.now(), checks=[])
    if classroom.demo is not None:
        sandboxes.prepare(classroom.demo, lesson, index)
    return lesson


def marker(seat: Seat) -> str:
    return f"{seat.lesson_id}:{seat.step_index}"


def ensure_prepared(seat: Seat, lesson: Lesson | None) -> None:
    """The seat's sandbox is in its step's start state (rebuilt once per push)."""
    if lesson is None or seat.sandbox is None or seat.prepared == marker(seat):
        return
    sandboxes.prepare(seat.sandbox, lesson, seat.step_index)
    seat.prepared = marker(seat)
    seat.save(update_fields=["prepared"])
