"""The engine: informers, work queues and deterministic dispatch under simulated time.

Mirrors kube-controller-manager's machinery (shared informers feeding rate-limited work
queues) without goroutines: every store change is offered to each controller that watches
its kind; the controller maps it to keys; keys wait in a de-duplicating FIFO per controller;
the engine drains the queues in a fixed controller order. ``step(seconds)`` and
``run_until_idle()`` move the SimClock from timer to timer, so tests never sleep and two
runs with the same inputs produce the same history.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable

from .controllers.base import Context, Controller
from .objects import Key
from .store import WatchEvent

# A reconcile storm (a controller that keeps waking itself) is a bug; stop instead of hanging.
MAX_RECONCILES_PER_DRAIN = 2_000_000


class Engine:
    def __init__(self, ctx: Context, controllers: list[Controller]) -> None:
        self.ctx = ctx
        self.controllers = controllers
        self._queues: dict[str, OrderedDict[Key, None]] = {c.NAME: OrderedDict() for c in controllers}
        self._position = {c.NAME: index for index, c in enumerate(controllers)}
        self._watchers: dict[str, list[Controller]] = {}
        # kind -> (keys_for, queue, position) per watching controller, resolved once: this runs
        # for every write.
        self._routes: dict[str, list[tuple[Callable[..., Iterable[Key]], OrderedDict[Key, None], int]]] = {}
        for controller in controllers:
            for kind in controller.WATCHES:
                self._watchers.setdefault(kind, []).append(controller)
                route = (controller.keys_for, self._queues[controller.NAME], self._position[controller.NAME])
                self._routes.setdefault(kind, []).append(route)
        # No queue before this position holds a key: ``drain`` starts looking here instead of at
        # the first of a dozen controllers for each of the thousands of reconciles of a rollout.
        self._first = 0
        ctx.store.listeners.append(self._on_event)
        self.reconciles = 0

    def _on_event(self, event: WatchEvent) -> None:
        routes = self._routes.get(event.kind)
        if routes is None:
            return
        ctx = self.ctx
        for keys_for, queue, position in routes:
            keys = keys_for(event, ctx)
            if keys:  # most events concern few of the watchers: no iterator for an empty answer
                for key in keys:
                    queue[key] = None
                if position < self._first:
                    self._first = position

    def enqueue(self, controller_name: str, key: Key) -> None:
        self._queues[controller_name][key] = None
        self._first = min(self._first, self._position[controller_name])

    def enqueue_all(self) -> None:
        """Offer every stored object to every controller again (after a restore)."""
        for kind, watchers in self._watchers.items():
            for obj in list(self.ctx.store.iter_kind(kind)):
                event = WatchEvent("ADDED", 0, obj)
                for controller in watchers:
                    for key in controller.keys_for(event, self.ctx):
                        self._queues[controller.NAME][key] = None
        self._first = 0

    def busy(self) -> bool:
        return any(self._queues.values())

    def drain(self) -> int:
        """Reconcile until every queue is empty; returns how many reconciles ran.

        Always the first controller (in ``controllers`` order) with work goes next, one key at
        a time, so an earlier controller's reaction comes before a later one's next item.
        """
        ran = 0
        ctx = self.ctx
        order = [(controller, self._queues[controller.NAME]) for controller in self.controllers]
        count = len(order)
        try:
            while True:
                # ``_first`` only ever moves back when a key lands in an earlier queue, so every
                # queue before it is empty: the scan gives the same answer as one from the start.
                position = self._first
                while position < count and not order[position][1]:
                    position += 1
                if position == count:
                    self._first = 0
                    return ran
                self._first = position
                controller, queue = order[position]
                key, _ = queue.popitem(last=False)
                result = controller.reconcile(ctx, key)
                ran += 1
                if result.requeue_after is not None:
                    ctx.clock.call_later(result.requeue_after, self.enqueue, controller.NAME, key)
                if ran > MAX_RECONCILES_PER_DRAIN:
                    raise RuntimeError("reconcile storm: the controllers did not settle")
        finally:
            self.reconciles += ran

    def _fire_due_timers(self) -> None:
        while (timer := self.ctx.clock.pop_due()) is not None:
            if not timer.cancelled:
                timer.fire()

    def step(self, seconds: float) -> None:
        """Advance simulated time by ``seconds``, running every timer and reconcile on the way."""
        clock = self.ctx.clock
        target = clock.now + max(0.0, seconds)
        self.drain()
        while True:
            nxt = clock.next_timer_at()
            if nxt is None or nxt > target:
                break
            clock.now = max(clock.now, nxt)
            self._fire_due_timers()
            self.drain()
        clock.now = target
        self.drain()

    def run_until_idle(self, limit: float = 3600.0) -> float:
        """Run until nothing is queued and no timer is due within ``limit`` seconds; returns time spent."""
        clock = self.ctx.clock
        start = clock.now
        self.drain()
        while True:
            nxt = clock.next_timer_at()
            if nxt is None or nxt > start + limit:
                break
            clock.now = max(clock.now, nxt)
            self._fire_due_timers()
            self.drain()
        return clock.now - start
