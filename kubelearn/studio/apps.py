"""App config for the studio app."""

from __future__ import annotations

from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The workbench around a sandbox: thin htmx views over the sandbox runtime."""

    name = "kubelearn.studio"
    label = "studio"
    verbose_name = "Studio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import services  # noqa: F401 - registers its sandbox operations (forwarding.operation)
