"""URLs of the lessons app, mounted at ``/learn/``."""

from __future__ import annotations

from django.urls import path

from . import views, views_tools

app_name = "lessons"

urlpatterns = [
    path("", views.course_map, name="map"),
    path("schema.json", views_tools.schema, name="schema"),
    path("progress/export", views_tools.export_progress, name="export"),
    path("progress/import", views_tools.import_progress, name="import"),
    path("preview/<slug:key>/", views_tools.preview, name="preview"),
    path("<slug:lesson_id>/", views.lesson_page, name="lesson"),
    path("<slug:lesson_id>/goal", views.goal, name="goal"),
    path("<slug:lesson_id>/sandbox", views.sandbox_table, name="sandbox"),
    path("<slug:lesson_id>/picture", views.picture, name="picture"),
    path("<slug:lesson_id>/hint", views.hint, name="hint"),
    path("<slug:lesson_id>/solution", views.solution, name="solution"),
    path("<slug:lesson_id>/solution/apply", views.apply_solution, name="apply-solution"),
    path("<slug:lesson_id>/apply", views.apply_manifest, name="apply"),
    path("<slug:lesson_id>/command", views.command, name="command"),
    path("<slug:lesson_id>/quiz", views.quiz, name="quiz"),
    path("<slug:lesson_id>/reset", views.reset, name="reset"),
]
