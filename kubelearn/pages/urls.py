"""URLs of the pages app."""

from __future__ import annotations

from django.urls import path

from kubelearn.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
