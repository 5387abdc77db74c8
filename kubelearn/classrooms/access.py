"""Who may do what in a classroom: the instructor role, the room's owner, a student's seat.

Instructors are users in the "instructors" group (or superusers). A student is whoever holds
a seat's secret token in their session (``SESSION_SEATS``: join code -> token); every
student view finds the seat through that token, so a student can only ever reach their own
sandbox. The demo's watch token, handed to students, only lets them watch.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import INSTRUCTORS_GROUP, Classroom, Seat

SESSION_SEATS = "classroom_seats"


def is_instructor(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.groups.filter(name=INSTRUCTORS_GROUP).exists())


def require_instructor(request: HttpRequest) -> None:
    if not is_instructor(request.user):
        raise PermissionDenied("Instructors only.")


def room(code: str) -> Classroom:
    found = Classroom.objects.select_related("demo", "projected").filter(code=code.upper()).first()
    if found is None:
        raise Http404("No such classroom.")
    return found


def owned_room(request: HttpRequest, code: str, writable: bool = False) -> Classroom:
    """The classroom if the caller is its instructor (403 otherwise); ``writable``: not closed."""
    require_instructor(request)
    classroom = room(code)
    if classroom.instructor_id != request.user.pk:
        raise PermissionDenied("Not your classroom.")
    if writable and not classroom.is_open:
        raise PermissionDenied("This classroom is closed.")
    return classroom


def seat_token(session: Any, code: str) -> str:
    seats = session.get(SESSION_SEATS) if session is not None else None
    return str(seats.get(code, "")) if isinstance(seats, dict) else ""


def find_seat(session: Any, classroom: Classroom) -> Seat | None:
    token = seat_token(session, classroom.code)
    if not token:
        return None
    seat = classroom.seats.select_related("sandbox").filter(token=token).first()
    return seat if seat is not None and seat.token_matches(token) else None


def own_seat(request: HttpRequest, code: str, writable: bool = False) -> Seat:
    """The caller's seat in this classroom (403 without one; ``writable``: room still open)."""
    classroom = room(code)
    seat = find_seat(request.session, classroom)
    if seat is None:
        raise PermissionDenied("Join this classroom first.")
    if writable and not classroom.is_open:
        raise PermissionDenied("This classroom is closed.")
    seat.classroom = classroom
    return seat


def may_follow(classroom: Classroom, session: Any, user: Any) -> bool:
    """The WebSocket rule: the room's instructor, or a student holding a seat in it."""
    if user is not None and getattr(user, "is_authenticated", False) and classroom.instructor_id == user.pk:
        return True
    return find_seat(session, classroom) is not None
