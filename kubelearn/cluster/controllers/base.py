"""What every controller shares: the context it runs in and the result it returns.

Mirrors controller-runtime's split between a builder (which events wake the controller, and
how an event becomes a key) and a reconciler (read the state for one key, make the world
match it, maybe ask to be called again later). Controllers look at the state, never at the
event payload, so missed or duplicated events do no harm (house rule 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..objects import Key, controller_ref, key_of, namespace_of

if TYPE_CHECKING:
    from ..apiserver.events import EventRecorder
    from ..apiserver.server import APIServer
    from ..clock import SimClock
    from ..rng import SeededRng
    from ..store import Store, WatchEvent


@dataclass(frozen=True, slots=True)
class Result:
    """``reconcile.Result``: ``requeue_after`` seconds of simulated time, or None when settled."""

    requeue_after: float | None = None


@dataclass(slots=True)
class Context:
    """Everything a reconcile function may touch; nothing else (no globals, no wall clock)."""

    api: APIServer
    store: Store
    clock: SimClock
    rng: SeededRng
    events: EventRecorder
    timings: Any  # kubelet.stages.Timings once the kubelet exists; a plain object for tests
    extras: dict[str, Any] = field(default_factory=dict)


class Controller(Protocol):
    NAME: str
    WATCHES: tuple[str, ...]

    def keys_for(self, event: WatchEvent, ctx: Context) -> Iterable[Key]: ...

    def reconcile(self, ctx: Context, key: Key) -> Result: ...


def own_key(kind: str, event: WatchEvent) -> list[Key]:
    """Map an event on ``kind`` to its own key (``For(&Kind{})``)."""
    return [key_of(event.object)] if event.kind == kind else []


def owner_key(owner_kind: str, event: WatchEvent) -> list[Key]:
    """Map an event on a dependent to its controlling owner (``Owns(&Kind{})``)."""
    ref = controller_ref(event.object)
    if ref and ref.get("kind") == owner_kind:
        return [(owner_kind, namespace_of(event.object), ref["name"])]
    return []
