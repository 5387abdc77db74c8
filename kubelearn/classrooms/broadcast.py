"""Push classroom news to every open page through the channel layer (group ``classroom.<code>``).

Message types: ``class.goto`` {lesson, step}, ``class.paused`` {paused}, ``class.projector``
{sandbox_id}, ``class.incident`` {kind}. ``ClassroomConsumer`` relays them to the browsers.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from kubelearn.live.groups import classroom_group

from .models import Classroom


def send(classroom: Classroom, message_type: str, **payload: Any) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(classroom_group(classroom.code), {"type": message_type, **payload})
