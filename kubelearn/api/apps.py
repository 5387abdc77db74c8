"""App config for the Kubernetes REST facade (``/k8s/<access-key>/...``)."""

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Translates kubectl's and client-go's HTTP into calls on a sandbox's simulated cluster."""

    name = "kubelearn.api"
    label = "k8sapi"
    verbose_name = "Kubernetes API facade"
