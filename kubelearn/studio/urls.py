"""URLs of the studio app, mounted at ``/studio/``."""

from __future__ import annotations

from django.urls import path

from kubelearn.studio import views

app_name = "studio"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("apply", views.apply, name="apply"),
    path("command", views.command, name="command"),
    path("time", views.time_control, name="time"),
    path("timeline", views.timeline, name="timeline"),
    path("replay", views.replay, name="replay"),
    path("chaos", views.chaos, name="chaos"),
    path("inspect", views.inspect, name="inspect"),
]
