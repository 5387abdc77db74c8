"""App config for the pages app."""

from __future__ import annotations

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "kubelearn.pages"
    label = "pages"
    verbose_name = "Pages"
