"""Commands for a sandbox that another process owns: sent over the channel layer, run by the owner.

With Redis, each sandbox is simulated by one process (``ownership.py``). Every server process
listens on its own channel ``process.<process id>``; a process that needs a sandbox it does
not own sends the owner a serialisable command and awaits the reply on a fresh channel
(``FORWARD_TIMEOUT`` seconds for the first answer). The owner runs it with its local runtime:

* ``snapshot`` — what a watcher at ``version`` needs (``protocol.catch_up``: a delta or a
  snapshot); it also registers a remote watcher, so the owner ticks the sandbox and publishes
  its deltas to the group ``sandbox.<id>`` (``relay.py``) for ``REMOTE_WATCH_SECONDS``;
* ``apply`` — ``kubectl apply`` of manifest text, one kubectl line per document;
* ``kubectl`` — one kubectl command line through the emulator;
* ``http`` — a whole REST facade request, answered as a stream (``relay.py``).

The owner never trusts the forwarder: ``http`` carries the access key in its path and is
authorised again by the facade; the other commands carry a grant signed with ``SECRET_KEY``
(``grant(sandbox_id, right)``) that names the sandbox and the right ("watch" or "drive"),
issued by the forwarder only after its own check. A grant for one sandbox opens no other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core import signing

from . import ownership
from .ownership import PROCESS_ID
from .runtime import LiveSandbox, runtime

logger = logging.getLogger(__name__)

FORWARD_TIMEOUT = 10.0
GRANT_SALT = "kubelearn.sandboxes.forwarding"
GRANT_MAX_AGE = 600
RIGHTS = {"snapshot": "watch", "apply": "drive", "kubectl": "drive"}
LOCK_RETRY = 0.01
LIVENESS_SECONDS = 1.0

Handler = Callable[[dict[str, Any]], Awaitable[None]]
_handlers: dict[str, Handler] = {}


class ForwardError(Exception):
    """The owner did not answer in time, refused, or the sandbox moved: retry or reconnect."""


def process_channel(process_id: str) -> str:
    return f"process.{process_id}"


def grant(sandbox_id: str, right: str) -> str:
    """A signed, short-lived permission for one sandbox (issue only after checking the caller)."""
    return signing.dumps({"s": sandbox_id, "r": right}, salt=GRANT_SALT)


def grant_allows(token: Any, sandbox_id: str, right: str) -> bool:
    if not isinstance(token, str):
        return False
    try:
        data = signing.loads(token, salt=GRANT_SALT, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return False
    rights = ("watch", "drive") if data.get("r") == "drive" else (data.get("r"),)
    return data.get("s") == sandbox_id and right in rights


# --- the caller's side -------------------------------------------------------------------


async def request(owner: str, message: dict[str, Any], timeout: float = FORWARD_TIMEOUT) -> tuple[Any, str]:  # noqa: ASYNC109
    """Send ``message`` to the owner's channel; returns (first reply, reply channel).

    While waiting, the owner's lease is checked every ``LIVENESS_SECONDS``: when it expired
    (the owner died) the wait ends early, so the caller can take the sandbox over.
    """
    layer = get_channel_layer()
    reply = await layer.new_channel()
    try:
        await layer.send(process_channel(owner), {**message, "type": "forward.command", "reply": reply})
    except Exception as exc:  # ChannelFull or Redis down
        raise ForwardError(f"cannot reach process {owner}: {exc}") from exc
    sandbox_id = message.get("sandbox")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await receive(reply, min(LIVENESS_SECONDS, max(0.01, deadline - loop.time()))), reply
        except ForwardError:
            if loop.time() >= deadline:
                raise
            if isinstance(sandbox_id, str) and await sync_to_async(ownership.owner_of)(sandbox_id) != owner:
                raise ForwardError(f"process {owner} no longer owns sandbox {sandbox_id}") from None


async def receive(reply: str, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
    try:
        message: dict[str, Any] = await asyncio.wait_for(get_channel_layer().receive(reply), timeout)
    except TimeoutError as exc:
        raise ForwardError("the owning process did not answer in time") from exc
    return message


async def call(owner: str, command: str, sandbox_id: str, token: str, **payload: Any) -> Any:
    """Run ``command`` on the owner; its result, or ForwardError."""
    message = {"command": command, "sandbox": sandbox_id, "grant": token, "payload": payload}
    answer, _ = await request(owner, message)
    if "error" in answer:
        raise ForwardError(answer["error"])
    return answer.get("result")


async def execute(sandbox_id: str, command: str, token: str, **payload: Any) -> Any:
    """Run a command on the sandbox wherever it lives (here when this process owns it)."""
    live = await database_sync_to_async(runtime().open)(sandbox_id)
    if live is not None:
        return await _run(live, command, payload)
    owner = await database_sync_to_async(runtime().owner_elsewhere)(sandbox_id)
    if owner is None:
        raise ForwardError("no such sandbox")
    return await call(owner, command, sandbox_id, token, **payload)


# --- the owner's side --------------------------------------------------------------------

_listener: asyncio.Task[None] | None = None


def handler(command: str) -> Callable[[Handler], Handler]:
    """Register the owner-side handler of a streaming command (``relay.py``: ``http``)."""

    def register(func: Handler) -> Handler:
        _handlers[command] = func
        return func

    return register


def ensure_listening() -> None:
    """Start this process's command listener on the running loop (idempotent)."""
    global _listener
    if _listener is None or _listener.done():
        _listener = asyncio.get_running_loop().create_task(_listen(), name="sandbox-forwarding")


async def _listen() -> None:
    layer = get_channel_layer()
    channel = process_channel(PROCESS_ID)
    tasks: set[asyncio.Task[None]] = set()
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("forwarding listener: receive failed")
            await asyncio.sleep(1.0)
            continue
        task = asyncio.create_task(_dispatch(message))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


async def _answer(reply: Any, message: dict[str, Any]) -> None:
    if isinstance(reply, str):
        with contextlib.suppress(Exception):
            await get_channel_layer().send(reply, {"type": "forward.reply", **message})


async def _dispatch(message: dict[str, Any]) -> None:
    command, reply = message.get("command"), message.get("reply")
    try:
        if command in _handlers:
            await _handlers[command](message)
            return
        sandbox_id = message.get("sandbox")
        right = RIGHTS.get(str(command))
        if right is None or not isinstance(sandbox_id, str):
            await _answer(reply, {"error": f"unknown command {command!r}"})
            return
        if not grant_allows(message.get("grant"), sandbox_id, right):
            await _answer(reply, {"error": "forbidden: the grant does not cover this sandbox"})
            return
        live = await database_sync_to_async(runtime().open)(sandbox_id)
        if live is None:
            await _answer(reply, {"error": "moved: this process does not own the sandbox"})
            return
        result = await _run(live, str(command), message.get("payload") or {})
        await _answer(reply, {"result": result})
    except Exception as exc:
        logger.exception("forwarded command %s failed", command)
        await _answer(reply, {"error": f"failed: {exc}"})


async def _run(live: LiveSandbox, command: str, payload: dict[str, Any]) -> Any:
    if command == "snapshot":
        from . import relay

        relay.remote_watcher(live)
        return await catch_up(live, payload.get("version"))
    if command == "apply":
        return await sync_to_async(_apply)(live, str(payload.get("text", "")))
    if command == "kubectl":
        return await sync_to_async(_kubectl)(live, str(payload.get("line", "")))
    raise ForwardError(f"unknown command {command!r}")


async def catch_up(live: LiveSandbox, version: Any) -> Any:
    """``protocol.catch_up`` from the event loop: the lock is tried, never waited on."""
    from kubelearn.live import protocol

    version = version if isinstance(version, int) and not isinstance(version, bool) else None
    while not live.lock.acquire(blocking=False):  # noqa: ASYNC110 - a threading lock has no awaitable
        await asyncio.sleep(LOCK_RETRY)
    try:
        return protocol.catch_up(live.cluster.store, version)
    finally:
        live.lock.release()


def _changing(live: LiveSandbox, action: Callable[[], Any]) -> Any:
    with live.lock:
        live.advance()
        before = live.cluster.store.revision
        try:
            return action()
        finally:
            if live.cluster.store.revision != before:
                live.cluster.step(0)
                live.changed()


def _apply(live: LiveSandbox, text: str) -> list[str]:
    return _changing(live, lambda: [r.kubectl_line() for r in live.cluster.apply_text(text)])


def _kubectl(live: LiveSandbox, line: str) -> dict[str, Any]:
    from kubelearn.kubectl.commands import run

    result = _changing(live, lambda: run(live.cluster, line))
    return {"exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}
