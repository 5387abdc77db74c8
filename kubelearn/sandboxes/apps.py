"""Sandboxes: who owns which mini cluster, how it ticks in real time, and how it survives restarts."""

from __future__ import annotations

from django.apps import AppConfig


class SandboxesConfig(AppConfig):
    """The runtime around the pure core: live clusters per sandbox, persisted as snapshots."""

    name = "kubelearn.sandboxes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import persistence, views  # noqa: F401 - views registers its sandbox operation

        persistence.install()
