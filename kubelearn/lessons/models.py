"""Progress through the course: one row per learner and lesson.

A learner without an account is identified by a random token kept in their session
(``progress.LEARNER_KEY``) rather than by the session key itself, because Django rotates the
session key at login; the token survives the rotation, so ``user_logged_in`` can hand the
rows over to the account (see ``progress.move_session_progress_to_user``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Progress(models.Model):
    learner = models.CharField(max_length=64, blank=True, default="", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson_id = models.CharField(max_length=63)
    step_index = models.PositiveIntegerField(default=0)
    completed_steps = models.JSONField(default=list, blank=True)  # step ids
    quiz_answers = models.JSONField(default=dict, blank=True)  # step id -> [choice index, ...]
    hints_shown = models.JSONField(default=dict, blank=True)  # step id -> how many hints are open
    completed = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("lesson_id",)
        constraints = [  # noqa: RUF012 - Django reads Meta.constraints as a list
            models.UniqueConstraint(
                fields=["user", "lesson_id"], condition=Q(user__isnull=False), name="lessons_progress_user_lesson"
            ),
            models.UniqueConstraint(
                fields=["learner", "lesson_id"], condition=Q(user__isnull=True), name="lessons_progress_learner_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.learner}: {self.lesson_id} step {self.step_index}"
