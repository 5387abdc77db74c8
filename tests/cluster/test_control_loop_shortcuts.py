"""The control loops' shortcuts give the answers the long way gives (bench/control_loops.py).

The engine starts its queue scan at the first queue that may hold work, the scheduler skips
filtering when every node fits (``SchedulerCache.plain_floor``) and ignores status writes of
pods it already counts, and the kubelet skips rebuilding a status that could only come out
the same. Each shortcut is checked against the long way, or shown to step aside when the
thing it relies on changes.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from kubelearn.cluster import Cluster
from kubelearn.cluster.clock import SimClock
from kubelearn.cluster.controllers.base import Context, Result
from kubelearn.cluster.engine import Engine
from kubelearn.cluster.kubelet import kubelet
from kubelearn.cluster.kubelet.runtime import state_of
from kubelearn.cluster.kubelet.stages import CREATING, PULLING
from kubelearn.cluster.rng import SeededRng
from kubelearn.cluster.scheduler import framework
from kubelearn.cluster.scheduler.cache import SchedulerCache, pod_info
from kubelearn.cluster.store import Store

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", resources: {requests: {cpu: 10m}}}]
"""

# -- engine ---------------------------------------------------------------------------------


class _Recorder:
    """A toy controller: maps every ConfigMap event to one key and logs its reconciles."""

    def __init__(self, name: str, log: list[str], action: Any = None) -> None:
        self.NAME = name
        self.WATCHES = ("ConfigMap",)
        self.log = log
        self.action = action

    def keys_for(self, event: Any, ctx: Any) -> list[tuple[str, str, str]]:
        return [("ConfigMap", "default", event.object["metadata"]["name"])]

    def reconcile(self, ctx: Any, key: tuple[str, str, str]) -> Result:
        self.log.append(f"{self.NAME}:{key[2]}")
        if self.action is not None:
            self.action(ctx, key)
        return Result()


def _config_map(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}


def test_an_earlier_controller_woken_by_a_later_one_runs_before_the_later_ones_next_key() -> None:
    log: list[str] = []

    def write_once(ctx: Any, key: tuple[str, str, str]) -> None:
        if key[2] == "a":
            ctx.store.create(_config_map("from-last"))

    first, last = _Recorder("first", log), _Recorder("last", log, write_once)
    clock, rng, store = SimClock(), SeededRng(0), Store()
    ctx = Context(api=None, store=store, clock=clock, rng=rng, events=None, timings=None)  # type: ignore[arg-type]
    engine = Engine(ctx, [first, last])  # type: ignore[list-item]
    store.create(_config_map("a"))
    store.create(_config_map("b"))
    first_queue = engine._queues["first"]
    first_queue.clear()  # only "last" has work: the scan starts past the empty "first" queue
    engine.drain()
    assert log == ["last:a", "first:from-last", "last:b", "last:from-last"]
    engine.enqueue("first", ("ConfigMap", "default", "again"))  # a timer's requeue
    engine.drain()
    assert log[-1] == "first:again"


# -- scheduler ------------------------------------------------------------------------------


def _node(name: str, cpu: str, pods: int, cordoned: bool = False, zone: str = "") -> dict[str, Any]:
    labels = {"topology.kubernetes.io/zone": zone} if zone else {}
    return {
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"unschedulable": True} if cordoned else {},
        "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": str(pods)}},
    }


def _pod(name: str, cpu: str, owner: str, node: str = "") -> dict[str, Any]:
    refs = [{"kind": "ReplicaSet", "name": owner, "uid": owner, "controller": True}] if owner else []
    spec: dict[str, Any] = {"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}]}
    if node:
        spec["nodeName"] = node
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "d", "ownerReferences": refs}, "spec": spec}


def _twin_caches(rng: random.Random, roomy: bool) -> tuple[SchedulerCache, SchedulerCache]:
    """Two caches of the same fleet: a roomy one (the shortcut's case: a few nodes, or past 100
    where only a window of them is searched) or a cramped, mixed one."""
    caches = (SchedulerCache(), SchedulerCache())
    for i in range(rng.choice([rng.randint(2, 8), rng.randint(95, 130)]) if roomy else rng.randint(1, 30)):
        zone = rng.choice(["", "a", "b"])
        if roomy:
            node = _node(f"n{i:03}", "64", 110, zone=zone)
        else:
            node = _node(f"n{i:03}", rng.choice(["1", "2", "64"]), rng.choice([1, 3, 110]), rng.random() < 0.1, zone)
        for cache in caches:
            cache.observe_node(node)
    return caches


def test_scheduling_without_filtering_picks_what_the_filter_loop_picks() -> None:
    """Random fleets, binds, deletions and cordons: the floor shortcut never changes a decision."""
    for trial in range(40):
        rng = random.Random(trial)
        fast, slow = _twin_caches(rng, roomy=trial % 2 == 0)
        slow.plain_floor = lambda: None  # type: ignore[method-assign]  # always the filter loop
        bound: list[str] = []
        for step in range(60):
            roll = rng.random()
            if roll < 0.1 and bound:
                key = ("Pod", "d", bound.pop(rng.randrange(len(bound))))
                fast.forget_pod(key)
                slow.forget_pod(key)
                continue
            if roll < 0.13:
                name = rng.choice(list(fast.nodes))
                node = _node(name, "64", 110, cordoned=rng.random() < 0.5)
                fast.observe_node(node)
                slow.observe_node(node)
                continue
            pod = _pod(f"p{step}", rng.choice(["100m", "500m", "1"]), rng.choice(["", "rs-1", "rs-2"]))
            info = pod_info(pod)
            one, other = framework.schedule(fast, info), framework.schedule(slow, info)
            assert (one.node and one.node.name, sorted(one.statuses), one.num_nodes) == (
                other.node and other.node.name,
                sorted(other.statuses),
                other.num_nodes,
            ), (trial, step)
            assert fast.next_start == slow.next_start
            if one.node is not None:
                placed = _pod(pod["metadata"]["name"], pod["spec"]["containers"][0]["resources"]["requests"]["cpu"], "")
                placed["metadata"]["ownerReferences"] = pod["metadata"]["ownerReferences"]
                placed["spec"]["nodeName"] = one.node.name
                fast.observe_pod(placed)
                slow.observe_pod(placed)
                bound.append(pod["metadata"]["name"])


def test_the_floor_is_the_least_room_left_and_steps_aside_for_a_cordoned_node() -> None:
    cache = SchedulerCache()
    cache.observe_node(_node("a", "2", 3))
    cache.observe_node(_node("b", "1", 110))
    assert cache.plain_floor() == (3, 1000, 8 * 1024**3, 0)
    cache.observe_pod(_pod("p", "300m", "", node="b"))
    assert cache.plain_floor() == (3, 700, 8 * 1024**3, 0)  # kept up to date by the bind
    cache.forget_pod(("Pod", "d", "p"))
    assert cache.plain_floor() == (3, 1000, 8 * 1024**3, 0)  # recomputed after the unbind
    cache.observe_node(_node("a", "2", 3, cordoned=True))
    assert cache.plain_floor() is None


def test_a_status_write_of_a_counted_pod_does_not_disturb_the_scheduler_but_its_end_frees_room() -> None:
    cluster = Cluster(nodes=1)
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    cache = cluster.ctx.extras["scheduler.cache"]
    (node,) = cache.node_list()
    before = (node.pod_count, node.req_cpu)
    pod = next(cluster.store.iter_kind("Pod"))
    cluster.api.update({**pod, "status": {**pod["status"], "message": "x"}}, subresource="status", trusted=True)
    assert (node.pod_count, node.req_cpu) == before
    pod = cluster.store.peek("Pod", "default", pod["metadata"]["name"])
    cluster.api.update({**pod, "status": {**pod["status"], "phase": "Succeeded"}}, subresource="status", trusted=True)
    assert (node.pod_count, node.req_cpu) == (before[0] - 1, before[1] - 10)


# -- kubelet --------------------------------------------------------------------------------


@pytest.fixture
def running() -> tuple[Cluster, Any]:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    rec = next(iter(state_of(cluster.ctx).pods.values()))
    return cluster, rec


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    real = kubelet.build_status

    def counting(*args: Any) -> Any:
        builds.append(1)
        return real(*args)

    monkeypatch.setattr(kubelet, "build_status", counting)
    return builds


def test_a_status_that_could_only_come_out_the_same_is_not_rebuilt(
    running: tuple[Cluster, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster, rec = running
    builds = _count_builds(monkeypatch)
    version = cluster.store.peek(*rec.key)["metadata"]["resourceVersion"]
    kubelet.write_status(cluster.ctx, cluster.store.peek(*rec.key), rec)
    assert builds == []
    (c,) = rec.app
    c.stage = PULLING  # a move between stages that look alike ("ContainerCreating") ...
    kubelet.write_status(cluster.ctx, cluster.store.peek(*rec.key), rec)
    c.stage = CREATING
    kubelet.write_status(cluster.ctx, cluster.store.peek(*rec.key), rec)
    assert len(builds) == 1  # ... is built once, then recognised
    c.ready = not c.ready
    kubelet.write_status(cluster.ctx, cluster.store.peek(*rec.key), rec)
    assert len(builds) == 2
    assert cluster.store.peek(*rec.key)["metadata"]["resourceVersion"] != version


def test_a_status_changed_by_someone_else_is_rebuilt_and_put_right(
    running: tuple[Cluster, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster, rec = running
    pod = cluster.store.peek(*rec.key)
    mine = pod["status"]
    cluster.api.update({**pod, "status": {**mine, "podIP": "10.9.9.9"}}, subresource="status", trusted=True)
    builds = _count_builds(monkeypatch)
    kubelet.write_status(cluster.ctx, cluster.store.peek(*rec.key), rec)
    assert builds == [1]
    assert cluster.store.peek(*rec.key)["status"] == mine
