"""URLs of the classrooms app, mounted at ``/class/``."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.urls import path

from . import views_instructor as teach
from . import views_student as learn

app_name = "classrooms"

urlpatterns = [
    path("", teach.home, name="home"),
    path("join/", learn.join, name="join"),
    path("login/", LoginView.as_view(template_name="classrooms/login.html", next_page="/class/"), name="login"),
    path("<str:code>/", learn.student, name="student"),
    path("<str:code>/goal", learn.goal, name="goal"),
    path("<str:code>/copy", learn.copy, name="copy"),
    path("<str:code>/follow", learn.follow, name="follow"),
    path("<str:code>/help", learn.needs_help, name="help"),
    path("<str:code>/run", learn.command, name="run"),
    path("<str:code>/apply-mine", learn.apply, name="apply-mine"),
    path("<str:code>/control", teach.control, name="control"),
    path("<str:code>/close", teach.close, name="close"),
    path("<str:code>/goto", teach.goto, name="goto"),
    path("<str:code>/pause", teach.pause, name="pause"),
    path("<str:code>/incident", teach.incident, name="incident"),
    path("<str:code>/project", teach.project, name="project"),
    path("<str:code>/command", teach.command, name="command"),
    path("<str:code>/apply", teach.apply, name="apply"),
    path("<str:code>/dashboard", teach.dashboard, name="dashboard"),
    path("<str:code>/projector", teach.projector, name="projector"),
    path("<str:code>/projector/narration", teach.narration_view, name="narration"),
]
