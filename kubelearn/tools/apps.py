from __future__ import annotations

from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Command-line shells over the pure cluster core (``manage.py simulate``)."""

    name = "kubelearn.tools"
    label = "kubelearn_tools"
