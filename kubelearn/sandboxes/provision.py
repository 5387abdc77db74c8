"""Creating, finding and deleting sandboxes: what ``kind create cluster`` is to a real one.

A new sandbox gets a freshly booted ``Cluster`` (random seed, three ships) whose snapshot is
stored straight away; it goes live in a server process on its first request. Browser
visitors get one sandbox per session (also linked to their account when logged in), the
command line names its own. Sync code only (ORM).
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from kubelearn.cluster import Cluster

from . import persistence
from .models import ID_ALPHABET, Sandbox

SESSION_KEY = "sandbox_id"
# Each request runs in its own thread under ASGI, and a lesson page loads several fragments at
# once: without this, each of them made its own sandbox for the same new session.
_CREATE_LOCK = threading.Lock()
DEFAULT_NODES = 3


def generated_name() -> str:
    return "web-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(10))


def create_sandbox(name: str | None = None, *, session_key: str = "", user: Any = None) -> Sandbox:
    # Simulated time 0 is the moment the sandbox was made, so kubectl's AGE column is right.
    cluster = Cluster(
        seed=secrets.randbelow(2**31), nodes=DEFAULT_NODES, epoch=datetime.now(UTC).replace(microsecond=0)
    )
    row = Sandbox(name=name or generated_name(), session_key=session_key, snapshot=cluster.snapshot())
    if user is not None and getattr(user, "is_authenticated", False):
        row.user = user
    row.save()
    return row


def get_or_create_named(name: str) -> tuple[Sandbox, bool]:
    row = Sandbox.objects.filter(name=name).first()
    return (row, False) if row is not None else (create_sandbox(name), True)


def delete_sandbox(row: Sandbox) -> None:
    persistence.forget(row.id)
    row.delete()


def session_sandbox(request: HttpRequest, create: bool = True) -> Sandbox | None:
    """The visitor's own sandbox (made on the first visit when ``create``)."""
    session = request.session
    row = None
    if SESSION_KEY in session:
        row = Sandbox.objects.filter(pk=session[SESSION_KEY]).first()
    if row is None and session.session_key:
        row = Sandbox.objects.filter(session_key=session.session_key).first()
    if row is None and not create:
        return None
    if row is None:
        if not session.session_key:
            session.save()
        with _CREATE_LOCK:
            row = Sandbox.objects.filter(session_key=session.session_key).first()
            if row is None:
                row = create_sandbox(session_key=session.session_key or "", user=getattr(request, "user", None))
    if session.get(SESSION_KEY) != row.id:
        session[SESSION_KEY] = row.id
    return row


def owns(row: Sandbox, session: Any = None, user: Any = None) -> bool:
    """Whether this session (or logged-in user) owns the sandbox and so may watch it."""
    if user is not None and getattr(user, "is_authenticated", False) and row.user_id == user.pk:
        return True
    if session is None:
        return False
    return session.get(SESSION_KEY) == row.id or bool(row.session_key and session.session_key == row.session_key)


def may_watch(sandbox_id: str, token: str, session: Any = None, user: Any = None) -> bool:
    """The watch token, or owning it, lets you watch (never drive) a sandbox."""
    row = Sandbox.objects.filter(pk=sandbox_id).first()
    return row is not None and (row.watch_token_matches(token) or owns(row, session, user))
