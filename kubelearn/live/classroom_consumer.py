"""The classroom WebSocket: ``/ws/class/<code>/`` relays the instructor's pacing to every page.

Read-only for browsers: the server pushes ``class.goto`` {lesson, step}, ``class.paused``
{paused}, ``class.projector`` {sandbox_id} and ``class.incident`` {kind}, sent by the
classroom views to the channel-layer group ``classroom.<code>``; anything a client sends is
answered with an error. Admission: the room's instructor (session login) or a student whose
session holds a seat token for this room; everyone else is refused before the handshake.
Origin is checked by ``AllowedHostsOriginValidator`` around the router (``kubelearn.asgi``).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kubelearn.live.groups import classroom_group

REFUSED = 4403
FIELDS = {
    "class.goto": ("lesson", "step"),
    "class.paused": ("paused",),
    "class.projector": ("sandbox_id",),
    "class.incident": ("kind",),
}


def _admitted(code: str, session: Any, user: Any) -> bool:
    from kubelearn.classrooms.access import may_follow
    from kubelearn.classrooms.models import Classroom

    classroom = Classroom.objects.filter(code=code).first()
    return classroom is not None and may_follow(classroom, session, user)


class ClassroomConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    group: str | None = None

    async def connect(self) -> None:
        code = str(self.scope["url_route"]["kwargs"]["code"]).upper()
        if not await database_sync_to_async(_admitted)(code, self.scope.get("session"), self.scope.get("user")):
            await self.close(code=REFUSED)
            return
        self.group = classroom_group(code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self.send_json({"type": "error", "message": "this socket only listens"})

    async def _relay(self, event: dict[str, Any]) -> None:
        kind = str(event["type"])
        await self.send_json({"type": kind, **{k: event.get(k) for k in FIELDS[kind]}})

    async def class_goto(self, event: dict[str, Any]) -> None:
        await self._relay(event)

    async def class_paused(self, event: dict[str, Any]) -> None:
        await self._relay(event)

    async def class_projector(self, event: dict[str, Any]) -> None:
        await self._relay(event)

    async def class_incident(self, event: dict[str, Any]) -> None:
        await self._relay(event)
