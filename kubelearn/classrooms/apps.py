"""The classrooms app: an instructor's live demo that a room of students follows."""

from __future__ import annotations

from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "kubelearn.classrooms"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Classrooms"

    def ready(self) -> None:
        from . import sandboxes  # noqa: F401 - registers its sandbox operations (forwarding.operation)
