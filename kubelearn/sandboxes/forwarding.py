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
* ``http`` — a whole REST facade request, answered as a stream (``relay.py``);
* ``op`` — a named owner-side operation of the page glue (below);
* ``release`` — hand the sandbox over: write it, forget it, give up its lease (below).

The owner never trusts the forwarder: ``http`` carries the access key in its path and is
authorised again by the facade; the other commands carry a grant signed with ``SECRET_KEY``
(``grant(sandbox_id, right)``) that names the sandbox and the right ("watch" or "drive"),
issued by the forwarder only after its own check. A grant for one sandbox opens no other.

**Page actions** (Django views, sync code) never simulate a copy of their own:

* ``run_sync(id, name, **payload)`` runs an *operation* — a sync function registered with
  ``@operation(name, right=...)`` that takes ``(live, **payload)`` and returns JSON-able data —
  where the sandbox lives: here, under the runtime rule (lock, ``advance()``, act,
  ``changed()`` if the store moved), when this process owns or can claim the sandbox;
  otherwise on the owner, as an ``op`` command, waiting for the answer. The classroom
  (instructor's dashboard, incidents, pause) and the lesson page use it, so touching thirty
  students' sandboxes never pulls them into the instructor's process.
* ``take_over(id)`` is for the studio workbench, which keeps the live object for a whole
  request: when another process owns the sandbox, it asks the owner to ``release`` it (write
  its snapshot under the lock, drop it — its WebSocket watchers see ``live.dropped`` and
  close with "service restart" so browsers reconnect —, delete the lease), then claims and
  restores it here.

Neither ever makes an unleased copy: when the owner does not answer within
``FORWARD_TIMEOUT`` while still holding its lease, they raise ``SandboxBusy`` (the page
answers 503 "the sandbox's server is busy, try again", ``middleware.py``); when its lease
expired meanwhile, they claim the sandbox and go on here. Without Redis everything is local.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core import signing

from . import ownership, persistence
from .ownership import PROCESS_ID
from .runtime import LiveSandbox, runtime

logger = logging.getLogger(__name__)

FORWARD_TIMEOUT = 10.0
GRANT_SALT = "kubelearn.sandboxes.forwarding"
GRANT_MAX_AGE = 600
MOVED = "moved"
RIGHTS = {"snapshot": "watch", "apply": "drive", "kubectl": "drive", "release": "drive"}
LOCK_RETRY = 0.01
LIVENESS_SECONDS = 1.0
ATTEMPTS = 4  # looks at the lease a page action takes before it gives up (the sandbox kept moving)
RETRY_PAUSE = 0.05

Handler = Callable[[dict[str, Any]], Awaitable[None]]
_handlers: dict[str, Handler] = {}
F = TypeVar("F", bound=Callable[..., Any])


class ForwardError(Exception):
    """The owner did not answer in time, refused, or the sandbox moved: retry or reconnect."""


class OwnerGone(ForwardError):
    """The process asked no longer has the sandbox (it moved, or its lease expired): look again."""


class SandboxBusy(ForwardError):
    """The owner holds the lease but does not answer: the page asks the visitor to try again."""


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


async def request(owner: str, message: dict[str, Any], timeout: float | None = None) -> tuple[Any, str]:  # noqa: ASYNC109
    """Send ``message`` to the owner's channel; returns (first reply, reply channel).

    While waiting (``FORWARD_TIMEOUT`` unless told), the owner's lease is checked every
    ``LIVENESS_SECONDS``: when it expired (the owner died) the wait ends early, so the caller
    can take the sandbox over.
    """
    timeout = FORWARD_TIMEOUT if timeout is None else timeout
    layer = get_channel_layer()
    reply = await layer.new_channel()
    try:
        # "expires" (wall clock): the owner drops a command still queued when this caller gave up.
        expires = time.time() + timeout
        await layer.send(
            process_channel(owner), {**message, "type": "forward.command", "reply": reply, "expires": expires}
        )
    except Exception as exc:  # ChannelFull or Redis down
        raise ForwardError(f"cannot reach process {owner}: {exc}") from exc
    sandbox_id = message.get("sandbox")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    # One receive for the whole wait: channels_redis drops a message that arrives as a receive is
    # cancelled, so a receive per liveness check lost replies under load (bench/soak.py: the
    # "start" of a forwarded HTTP answer vanished and its body arrived first: 503 "bad reply").
    answer = asyncio.ensure_future(layer.receive(reply))
    try:
        while True:
            done, _ = await asyncio.wait({answer}, timeout=min(LIVENESS_SECONDS, max(0.01, deadline - loop.time())))
            if done:
                return answer.result(), reply
            if loop.time() >= deadline:
                raise ForwardError("the owning process did not answer in time")
            if isinstance(sandbox_id, str) and await sync_to_async(ownership.owner_of)(sandbox_id) != owner:
                raise OwnerGone(f"process {owner} no longer owns sandbox {sandbox_id}")
    finally:
        if not answer.done():
            answer.cancel()
        elif not answer.cancelled():
            answer.exception()  # mark a failed receive as seen (Redis down): we raised already


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
        error = str(answer["error"])
        raise (OwnerGone if error.startswith(MOVED) else ForwardError)(error)
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
    expires = message.get("expires")
    if isinstance(expires, int | float) and time.time() > expires:
        # The caller already answered 503 (its kubectl retries); running the command now would
        # apply a write after newer ones: a backlog replayed stale applies (bench/soak.py).
        logger.warning("dropped an expired forwarded command %s", command)
        return
    try:
        if command in _handlers:
            await _handlers[command](message)
            return
        sandbox_id = message.get("sandbox")
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        right = RIGHTS.get(str(command))
        if command == "op":  # the operation decides which right its grant must carry
            op = _operations.get(str(payload.get("name")))
            right = op.right if op is not None else None
        if right is None or not isinstance(sandbox_id, str):
            await _answer(reply, {"error": f"unknown command {command!r} {payload.get('name') or ''}".rstrip()})
            return
        if not grant_allows(message.get("grant"), sandbox_id, right):
            await _answer(reply, {"error": "forbidden: the grant does not cover this sandbox"})
            return
        if command == "release":
            await database_sync_to_async(release_here, thread_sensitive=False)(sandbox_id)
            await _answer(reply, {"result": True})
            return
        live = await database_sync_to_async(runtime().open)(sandbox_id)
        if live is None:
            await _answer(reply, {"error": f"{MOVED}: this process does not own the sandbox"})
            return
        result = await _run(live, str(command), payload)
        await _answer(reply, {"result": result})
    except Moved:
        await _answer(reply, {"error": f"{MOVED}: the sandbox was just handed over"})
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
    if command == "op":
        args = payload.get("args")
        if not isinstance(args, dict):
            raise ValueError("an op needs its arguments as a mapping")
        run = database_sync_to_async(run_local, thread_sensitive=False)
        return await run(live, str(payload.get("name")), args)
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


# --- named operations for the page glue (classrooms, lessons, studio) ---------------------


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    func: Callable[..., Any]
    right: str  # what the caller's grant must allow: "watch" (reads) or "drive" (changes)


_operations: dict[str, Operation] = {}


class Moved(Exception):
    """The live object was handed over (``dropped``) between ``open()`` and taking its lock."""


def operation(name: str, right: str = "drive") -> Callable[[F], F]:
    """Register ``func(live, **payload) -> JSON-able`` as the owner-side operation ``name``.

    The module that defines it must be imported in every server process before commands
    arrive (its app's ``AppConfig.ready`` imports it), since the owner looks the name up.
    """
    if right not in ("watch", "drive"):
        raise ValueError(f"unknown right {right!r}")

    def register(func: F) -> F:
        _operations[name] = Operation(name, func, right)
        return func

    return register


def _lookup(name: str) -> Operation:
    op = _operations.get(name)
    if op is None:
        raise LookupError(f"no sandbox operation named {name!r}")
    return op


def _json_default(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def plain(value: Any) -> Any:
    """``value`` as it arrives after a trip to another process (tuples become lists, ...).

    The local path uses it too, so a caller that would only break across processes breaks in
    the single-process test suite already.
    """
    return json.loads(json.dumps(value, default=_json_default))


def run_local(live: LiveSandbox, name: str, payload: dict[str, Any]) -> Any:
    """Run operation ``name`` on a sandbox this process holds, under the runtime rule."""
    op = _lookup(name)
    payload = plain(payload)
    with live.lock:
        if live.dropped:
            raise Moved(live.id)
        live.advance()
        cluster, revision = live.cluster, live.cluster.store.revision
        try:
            result = op.func(live, **payload)
        finally:
            if live.cluster is not cluster or live.cluster.store.revision != revision:
                live.changed()
    return plain(result)


def run_sync(sandbox_id: str, name: str, /, **payload: Any) -> Any:
    """Run operation ``name`` wherever the sandbox lives; its (JSON-able) result.

    Sync code only (a view's thread): here when this process owns or can claim the sandbox,
    else forwarded to the owner with a grant for the operation's right (issue it only after
    the caller's own permission check). Raises ``SandboxBusy`` when the owner keeps its lease
    but does not answer; ``LookupError`` for an unknown sandbox or operation.
    """
    op = _lookup(name)
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_PAUSE * attempt)
        owner = runtime().owner_elsewhere(sandbox_id)
        if owner is None:
            live = _open_here(sandbox_id)
            if live is not None:
                try:
                    return run_local(live, name, payload)
                except Moved:
                    pass
            continue
        token = grant(sandbox_id, op.right)
        try:
            return async_to_sync(call)(owner, "op", sandbox_id, token, name=name, args=payload)
        except OwnerGone:
            continue
        except ForwardError as exc:
            _busy_unless_moved(sandbox_id, owner, exc)
    raise SandboxBusy(f"sandbox {sandbox_id} kept moving between server processes")


def take_over(sandbox_id: str) -> LiveSandbox:
    """The live sandbox in this process, asking its owner to hand it over when needed.

    For pages that keep the live object for the whole request (the studio workbench). Sync
    code only. Raises ``SandboxBusy`` when the owner keeps its lease but does not answer.
    """
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_PAUSE * attempt)
        owner = runtime().owner_elsewhere(sandbox_id)
        if owner is None:
            live = _open_here(sandbox_id)
            if live is not None:
                return live
            continue
        try:
            async_to_sync(call)(owner, "release", sandbox_id, grant(sandbox_id, "drive"))
        except OwnerGone:
            continue
        except ForwardError as exc:
            _busy_unless_moved(sandbox_id, owner, exc)
    raise SandboxBusy(f"sandbox {sandbox_id} kept moving between server processes")


def _open_here(sandbox_id: str) -> LiveSandbox | None:
    """``open()`` once the lease is ours; None if it moved meanwhile (LookupError: no such sandbox)."""
    live = runtime().open(sandbox_id)
    if live is None and runtime().owner_elsewhere(sandbox_id) is None:
        ownership.release(sandbox_id)  # the lease claimed for a sandbox that does not exist
        raise LookupError(f"no sandbox {sandbox_id}")
    return live


def _busy_unless_moved(sandbox_id: str, owner: str, exc: ForwardError) -> None:
    """After a failed forward: SandboxBusy while ``owner`` still holds the lease, else go on."""
    if ownership.owner_of(sandbox_id) != owner:
        return  # it died or let go meanwhile: the next attempt claims the sandbox or asks the new owner
    if str(exc).startswith(("forbidden", "failed", "unknown")):
        raise exc
    raise SandboxBusy(f"the server process of sandbox {sandbox_id} did not answer: {exc}") from exc


def release_here(sandbox_id: str) -> bool:
    """Owner side of ``release``: final write under the locks, drop, delete the lease if ours.

    Returns whether the sandbox was in memory here.
    """
    live = runtime().hand_over(sandbox_id, persistence.save_held, ownership.release)
    if live is not None:
        logger.info("handed sandbox %s over to another process", sandbox_id)
    return live is not None
