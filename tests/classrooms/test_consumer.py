"""ClassroomConsumer: the instructor and seated students hear the pacing; strangers are refused."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, User
from django.test import Client

from kubelearn.asgi import application
from kubelearn.classrooms.models import INSTRUCTORS_GROUP, Classroom
from kubelearn.live.groups import classroom_group

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1")
WAIT = 3.0


def setup_room() -> tuple[Classroom, str, str]:
    """A classroom, the instructor's session cookie and a seated student's session cookie."""
    user = User.objects.create_user("teacher")
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
    teacher = Client()
    teacher.force_login(user)
    teacher.post("/class/", {"title": "Room", "lessons": ["dispatch-center"]})
    classroom = Classroom.objects.get(title="Room")
    student = Client()
    student.post("/class/join/", {"code": classroom.code, "nickname": "ana"})
    return classroom, teacher.cookies["sessionid"].value, student.cookies["sessionid"].value


def communicator(code: str, session: str | None, origin: bytes = b"http://127.0.0.1") -> WebsocketCommunicator:
    headers = [(b"origin", origin)]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, f"/ws/class/{code}/", headers=headers)


async def test_seated_students_and_the_instructor_receive_the_pacing_messages() -> None:
    classroom, teacher, student = await sync_to_async(setup_room)()
    sockets = [communicator(classroom.code, teacher), communicator(classroom.code, student)]
    for ws in sockets:
        connected, _ = await ws.connect()
        assert connected
    await get_channel_layer().group_send(
        classroom_group(classroom.code), {"type": "class.goto", "lesson": "dispatch-center", "step": 3}
    )
    for ws in sockets:
        assert await ws.receive_json_from(WAIT) == {"type": "class.goto", "lesson": "dispatch-center", "step": 3}
    await get_channel_layer().group_send(classroom_group(classroom.code), {"type": "class.paused", "paused": True})
    assert await sockets[1].receive_json_from(WAIT) == {"type": "class.paused", "paused": True}
    await sockets[1].send_json_to({"type": "class.goto", "lesson": "x", "step": 1})
    assert (await sockets[1].receive_json_from(WAIT))["type"] == "error"
    for ws in sockets:
        await ws.disconnect()


async def test_strangers_and_foreign_origins_are_refused() -> None:
    classroom, _, student = await sync_to_async(setup_room)()
    stranger = communicator(classroom.code, None)
    connected, _ = await stranger.connect()
    assert not connected
    foreign = communicator(classroom.code, student, origin=b"http://evil.example")
    connected, _ = await foreign.connect()
    assert not connected
    unknown = communicator("ZZZZZZ", student)
    connected, _ = await unknown.connect()
    assert not connected
