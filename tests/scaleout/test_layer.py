"""channels_redis carries group messages between separate layer instances (separate processes)."""

from __future__ import annotations

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer

pytestmark = pytest.mark.redis


async def test_a_group_send_from_one_layer_reaches_a_member_on_another(redis_url: str) -> None:
    sender, receiver = RedisChannelLayer(hosts=[redis_url]), RedisChannelLayer(hosts=[redis_url])
    channel = await receiver.new_channel()
    await receiver.group_add("sandbox.test", channel)
    try:
        await sender.group_send("sandbox.test", {"type": "sandbox.delta", "message": {"resourceVersion": 7}})
        received = await asyncio.wait_for(receiver.receive(channel), 5)
        assert received == {"type": "sandbox.delta", "message": {"resourceVersion": 7}}
    finally:
        await receiver.group_discard("sandbox.test", channel)
        await sender.flush()
        await receiver.flush()
