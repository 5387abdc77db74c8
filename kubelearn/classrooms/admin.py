"""Admin pages for classrooms and their seats."""

from __future__ import annotations

from django.contrib import admin

from .models import Classroom, Seat


class SeatInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Seat
    extra = 0
    fields = ("nickname", "lesson_id", "step_index", "needs_help", "last_seen")
    readonly_fields = ("last_seen",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "code", "instructor", "lesson_id", "step_index", "paused", "closed_at", "created")
    list_filter = ("paused", "closed_at")
    search_fields = ("title", "code", "instructor__username")
    inlines = (SeatInline,)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("nickname", "classroom", "lesson_id", "step_index", "needs_help", "last_seen")
    search_fields = ("nickname", "classroom__code")
