"""Classrooms and seats: who teaches, who follows, and where each student is in the lesson path.

A ``Classroom`` belongs to one instructor and has a short join code, a lesson path and a
demo sandbox (the cluster on the projector). A ``Seat`` is one student: a nickname, a secret
session token (kept in the student's session; no account needed), their own sandbox and the
step they are on. Closing a room only stamps ``closed_at``: the data stays, read-only.
"""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

#: No 0/O, 1/I/L: codes are read aloud and copied from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
INSTRUCTORS_GROUP = "instructors"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Classroom(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    title = models.CharField(max_length=120)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms")
    lesson_path = models.JSONField(default=list)  # lesson ids, in teaching order
    lesson_id = models.CharField(max_length=100, blank=True, default="")
    step_index = models.PositiveIntegerField(default=0)
    demo = models.ForeignKey(
        "sandboxes.Sandbox", null=True, blank=True, on_delete=models.SET_NULL, related_name="demo_of"
    )
    projected = models.ForeignKey(
        "sandboxes.Sandbox", null=True, blank=True, on_delete=models.SET_NULL, related_name="projected_in"
    )
    paused = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Seat(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="seats")
    nickname = models.CharField(max_length=40)
    token = models.CharField(max_length=64, default=new_token, editable=False, db_index=True)
    sandbox = models.ForeignKey(
        "sandboxes.Sandbox", null=True, blank=True, on_delete=models.SET_NULL, related_name="seats"
    )
    lesson_id = models.CharField(max_length=100, blank=True, default="")
    step_index = models.PositiveIntegerField(default=0)
    prepared = models.CharField(max_length=120, blank=True, default="")  # "<lesson>:<step>" the sandbox is set up for
    following = models.BooleanField(default=True)
    step_started_at = models.DateTimeField(default=timezone.now)
    needs_help = models.BooleanField(default=False)
    last_seen = models.DateTimeField(default=timezone.now)
    checks = models.JSONField(default=list, blank=True)  # [{"label": {"en","zh"}, "ok": bool}]
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("nickname", "id")

    def __str__(self) -> str:
        return f"{self.nickname} in {self.classroom.code}"

    def token_matches(self, token: str) -> bool:
        return bool(token) and hmac.compare_digest(self.token.encode(), token.encode())
