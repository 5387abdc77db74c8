"""Where each learner is in the course: read, update, hand over at login, export and import.

Anonymous learners are a random token in their session (``LEARNER_KEY``); logged-in learners
are their user. At login (and so at sign-up, which logs in) every row of the session's token
moves to the user, keeping the further-along row when both exist. Export is a small JSON
document; import merges one back (never moving anyone backwards).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from .models import Progress

LEARNER_KEY = "kubelearn_learner"
EXPORT_FORMAT = "kubelearn-progress"
EXPORT_VERSION = 1
MAX_IMPORT_LESSONS = 500


def _owner(request: HttpRequest, create: bool) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user}
    token = request.session.get(LEARNER_KEY)
    if not token:
        if not create:
            return None
        token = request.session[LEARNER_KEY] = secrets.token_urlsafe(18)
    return {"user": None, "learner": token}


def all_progress(request: HttpRequest) -> dict[str, Progress]:
    owner = _owner(request, create=False)
    if owner is None:
        return {}
    return {row.lesson_id: row for row in Progress.objects.filter(**owner)}


def get(request: HttpRequest, lesson_id: str) -> Progress | None:
    owner = _owner(request, create=False)
    return None if owner is None else Progress.objects.filter(lesson_id=lesson_id, **owner).first()


def get_or_create(request: HttpRequest, lesson_id: str) -> Progress:
    owner = _owner(request, create=True)
    assert owner is not None
    row, _ = Progress.objects.get_or_create(lesson_id=lesson_id, **owner)
    return row


def _merge(into: Progress, other: Progress) -> None:
    into.completed_steps = sorted(set(into.completed_steps or []) | set(other.completed_steps or []))
    into.quiz_answers = {**(other.quiz_answers or {}), **(into.quiz_answers or {})}
    into.hints_shown = {**(other.hints_shown or {}), **(into.hints_shown or {})}
    into.completed = into.completed or other.completed
    into.step_index = max(into.step_index, other.step_index)


def move_session_progress_to_user(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the session's anonymous progress becomes the account's."""
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.get(LEARNER_KEY)
    if not token:
        return
    with transaction.atomic():
        for row in Progress.objects.filter(learner=token, user__isnull=True):
            existing = Progress.objects.filter(user=user, lesson_id=row.lesson_id).first()
            if existing is None:
                row.user, row.learner = user, ""
                row.save()
                continue
            _merge(existing, row)
            existing.save()
            row.delete()


def export_data(request: HttpRequest) -> dict[str, Any]:
    lessons = {
        lesson_id: {
            "step": row.step_index,
            "completed_steps": list(row.completed_steps or []),
            "quiz_answers": dict(row.quiz_answers or {}),
            "completed": row.completed,
        }
        for lesson_id, row in sorted(all_progress(request).items())
    }
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "lessons": lessons}


class ProgressImportError(ValueError):
    """The uploaded document is not a kubelearn progress export."""


def _clean_entry(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProgressImportError("each lesson entry must be an object")
    step = data.get("step", 0)
    steps = data.get("completed_steps", [])
    answers = data.get("quiz_answers", {})
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < 1000:
        raise ProgressImportError("step must be a small non-negative integer")
    if not isinstance(steps, list) or not all(isinstance(s, str) and len(s) <= 63 for s in steps) or len(steps) > 200:
        raise ProgressImportError("completed_steps must be a list of step ids")
    if not isinstance(answers, dict) or len(answers) > 200:
        raise ProgressImportError("quiz_answers must be an object")
    for key, value in answers.items():
        if len(key) > 63 or not isinstance(value, list) or not all(isinstance(v, int) for v in value[:50]):
            raise ProgressImportError("quiz_answers must map step ids to lists of choice numbers")
    return {
        "step": step,
        "completed_steps": steps,
        "quiz_answers": {k: v[:50] for k, v in answers.items()},
        "completed": data.get("completed") is True,
    }


def import_data(request: HttpRequest, data: Any) -> int:
    """Merge an export into this learner's progress; returns how many lessons it touched."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT or data.get("version") != EXPORT_VERSION:
        raise ProgressImportError("not a kubelearn progress export (format kubelearn-progress, version 1)")
    lessons = data.get("lessons")
    if not isinstance(lessons, dict) or len(lessons) > MAX_IMPORT_LESSONS:
        raise ProgressImportError("lessons must be an object")
    cleaned = {str(k)[:63]: _clean_entry(v) for k, v in lessons.items()}
    with transaction.atomic():
        for lesson_id, entry in cleaned.items():
            row = get_or_create(request, lesson_id)
            incoming = Progress(
                lesson_id=lesson_id,
                step_index=entry["step"],
                completed_steps=entry["completed_steps"],
                quiz_answers=entry["quiz_answers"],
                completed=entry["completed"],
            )
            _merge(row, incoming)
            row.save()
    return len(cleaned)
