"""App config for the lessons app; connects the login signal that moves progress to an account."""

from __future__ import annotations

from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "kubelearn.lessons"
    label = "lessons"
    verbose_name = "Lessons"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import sandbox  # noqa: F401 - registers its sandbox operations (forwarding.operation)
        from .progress import move_session_progress_to_user

        user_logged_in.connect(move_session_progress_to_user, dispatch_uid="kubelearn.lessons.progress")
