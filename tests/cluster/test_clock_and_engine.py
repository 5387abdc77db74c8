"""Simulated time and the controller engine are deterministic and never sleep."""

from __future__ import annotations

from kubelearn.cluster.clock import SimClock
from kubelearn.cluster.controllers.base import Context, Result
from kubelearn.cluster.engine import Engine
from kubelearn.cluster.rng import SeededRng


def test_timestamps_render_rfc3339_from_the_simulated_epoch():
    clock = SimClock()
    assert clock.timestamp() == "2026-01-01T09:00:00Z"
    clock.now = 90.7
    assert clock.timestamp() == "2026-01-01T09:01:30Z"
    assert clock.parse("2026-01-01T09:01:30Z") == 90.0


def test_the_same_seed_gives_the_same_uids_and_suffixes():
    a, b = SeededRng(7), SeededRng(7)
    assert [a.uid(), a.suffix()] == [b.uid(), b.suffix()]
    assert SeededRng(8).uid() != SeededRng(7).uid()


class _Counter:
    """A toy controller that asks to be called again until it has run three times."""

    NAME = "counter"
    WATCHES = ("ConfigMap",)

    def __init__(self) -> None:
        self.calls: list[float] = []

    def keys_for(self, event, ctx):
        return [("ConfigMap", "default", "x")]

    def reconcile(self, ctx, key):
        self.calls.append(ctx.clock.now)
        return Result(requeue_after=5.0) if len(self.calls) < 3 else Result()


def _engine(controller):
    from kubelearn.cluster.apiserver.events import EventRecorder
    from kubelearn.cluster.store import Store

    clock, rng, store = SimClock(), SeededRng(0), Store()
    ctx = Context(api=None, store=store, clock=clock, rng=rng, events=EventRecorder(store, clock, rng), timings=None)
    return Engine(ctx, [controller]), store


def test_step_runs_requeued_work_at_its_simulated_time():
    counter = _Counter()
    engine, store = _engine(counter)
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}})
    engine.step(7)
    assert counter.calls == [0.0, 5.0]
    assert engine.ctx.clock.now == 7


def test_run_until_idle_jumps_from_timer_to_timer_and_stops_when_settled():
    counter = _Counter()
    engine, store = _engine(counter)
    store.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"}})
    spent = engine.run_until_idle()
    assert counter.calls == [0.0, 5.0, 10.0]
    assert spent == 10.0
