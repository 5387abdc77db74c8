"""URLs of the sandboxes app, mounted at ``/sandbox/``."""

from __future__ import annotations

from django.urls import path

from kubelearn.sandboxes import views

app_name = "sandboxes"

urlpatterns = [
    path("", views.sandbox_page, name="page"),
    path("kubeconfig", views.kubeconfig_download, name="kubeconfig"),
    path("table", views.own_table, name="table"),
    path("<slug:sandbox_id>/watch", views.watch_page, name="watch"),
    path("<slug:sandbox_id>/table", views.watch_table, name="watch-table"),
]
