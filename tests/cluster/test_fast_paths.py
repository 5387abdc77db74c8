"""The control plane's fast paths keep the store's promises (issue #8 benchmarks).

Internal writers skip copies (``trusted``, ``copy_in=False``, ``copy_out=False``), the store
stamps the API server's own metadata in place, pods of one ReplicaSet share their spec, the
kubelet reuses unchanged parts of a pod's status, events share their ``source``. All of that
is only sound while nobody changes a stored object in place; these tests hold every layer to
it and check that each shortcut still bumps ``resourceVersion`` and reaches the watch log.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelearn.cluster import Cluster
from kubelearn.cluster.controllers import garbage_collector
from kubelearn.cluster.controllers.pod_index import pod_index
from kubelearn.cluster.controllers.replicaset import new_pod
from kubelearn.cluster.kubelet.status import build_status
from kubelearn.cluster.objects import Obj, clone
from kubelearn.cluster.rng import _SUFFIX_ALPHABET, SeededRng
from kubelearn.cluster.store import ADDED, MODIFIED, Store, WatchEvent

from .test_scenarios import SCENARIOS, run_scenario

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", resources: {requests: {cpu: 10m}}}]
"""


def _frozen(obj: Obj) -> str:
    return json.dumps(obj, sort_keys=True)


class Witness:
    """Remembers every committed object as JSON and checks later that none changed in place."""

    def __init__(self, cluster: Cluster) -> None:
        self.seen: list[tuple[Obj, str]] = []
        cluster.store.listeners.append(self.on_event)

    def on_event(self, event: WatchEvent) -> None:
        self.seen.append((event.object, _frozen(event.object)))

    def changed(self) -> list[str]:
        return [
            f"{obj.get('kind')}/{obj['metadata'].get('name')}@{obj['metadata'].get('resourceVersion')}"
            for obj, text in self.seen
            if _frozen(obj) != text
        ]


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".input.yaml") for p in SCENARIOS.glob("*.input.yaml")))
def test_no_component_changes_a_committed_object_in_place(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    witnesses: list[Witness] = []
    original_init = Cluster.__init__

    def init(self: Cluster, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        witnesses.append(Witness(self))

    monkeypatch.setattr(Cluster, "__init__", init)
    run_scenario(yaml.safe_load((Path(SCENARIOS) / f"{name}.input.yaml").read_text()))
    assert witnesses and witnesses[0].seen
    assert witnesses[0].changed() == []


def test_a_trusted_status_write_bumps_the_version_and_reaches_the_watch_log() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    pod = next(cluster.store.iter_kind("Pod"))
    before = cluster.store.revision
    caller_metadata = pod["metadata"]
    written, _ = cluster.api.update(
        {**pod, "status": {**pod["status"], "message": "hi"}},
        subresource="status",
        trusted=True,
        copy_out=False,
        copy_in=False,
    )
    assert cluster.store.revision == before + 1
    assert written["metadata"]["resourceVersion"] == str(before + 1)
    assert written["metadata"] is not caller_metadata  # the stored version the caller read is untouched
    assert caller_metadata["resourceVersion"] == str(int(pod["metadata"]["resourceVersion"]))
    (event,) = cluster.store.events_since(before)
    assert (event.type, event.kind, event.object) == (MODIFIED, "Pod", written)
    assert cluster.store.peek("Pod", "default", pod["metadata"]["name"]) is written


def test_own_metadata_is_stamped_in_place_and_still_versioned() -> None:
    store = Store()
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}}
    stored = store.create(obj, copy_out=False, own_metadata=True)
    assert stored["metadata"]["resourceVersion"] == "1"
    again = store.update({**stored, "metadata": dict(stored["metadata"]), "data": {"k": "v"}}, own_metadata=True)
    assert again["metadata"]["resourceVersion"] == "2"
    assert [(e.type, e.resource_version) for e in store.events_since(0)] == [(ADDED, 1), (MODIFIED, 2)]
    assert store.events_since(0)[0].object["metadata"]["resourceVersion"] == "1"


def test_what_the_api_hands_out_is_a_copy_where_it_promises_one() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    name = next(cluster.store.iter_kind("Pod"))["metadata"]["name"]
    stored_text = _frozen(cluster.store.peek("Pod", "default", name))
    got = cluster.api.get("Pod", "default", name)
    got["spec"]["containers"][0]["image"] = "evil"
    got["status"]["conditions"][0]["status"] = "Nope"
    items, _ = cluster.api.list("Pod", "default")
    items[0]["metadata"]["labels"]["app"] = "evil"
    (result,) = cluster.apply_text(DEPLOYMENT.replace("replicas: 3", "replicas: 4"))
    assert result.object is not None
    result.object["spec"]["template"]["spec"]["containers"][0]["image"] = "evil"
    cluster.run_until_idle()
    assert _frozen(cluster.store.peek("Pod", "default", name)) == stored_text
    deployment = cluster.store.peek("Deployment", "default", "web")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_pods_created_without_copy_in_share_the_prototype_spec_but_never_change_it() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT.replace("replicas: 3", "replicas: 0"))
    cluster.run_until_idle()
    rs = next(cluster.store.iter_kind("ReplicaSet"))
    prototype = new_pod(rs)
    before = _frozen(prototype)
    first, _ = cluster.api.create(prototype, trusted=True, copy_out=False, copy_in=False)
    second, _ = cluster.api.create(prototype, trusted=True, copy_out=False, copy_in=False)
    assert _frozen(prototype) == before  # admission wrote into copies, not into the caller's object
    assert first["metadata"]["name"] != second["metadata"]["name"]
    assert first["spec"]["containers"] is second["spec"]["containers"]  # shared, read-only
    assert first["spec"] is not second["spec"]
    assert len(first["spec"]["tolerations"]) == 2
    assert first["spec"]["tolerations"] is not second["spec"]["tolerations"]
    assert first["metadata"]["resourceVersion"] != second["metadata"]["resourceVersion"]


def test_build_status_shares_unchanged_parts_and_equals_a_fresh_build() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    from kubelearn.cluster.kubelet.runtime import state_of

    rec = next(iter(state_of(cluster.ctx).pods.values()))
    pod = cluster.store.peek(*rec.key)
    now = cluster.clock.timestamp()
    again = build_status(pod, rec, now, cluster.clock.timestamp)
    assert again == pod["status"]
    assert again["conditions"] is pod["status"]["conditions"]
    assert again["containerStatuses"] is pod["status"]["containerStatuses"]
    fresh = build_status({**pod, "status": {}}, rec, now, cluster.clock.timestamp)
    old_conditions = {c["type"]: c for c in pod["status"]["conditions"]}
    for cond in fresh["conditions"]:
        assert {k: v for k, v in cond.items() if k != "lastTransitionTime"} == {
            k: v for k, v in old_conditions[cond["type"]].items() if k != "lastTransitionTime"
        }
    assert fresh["containerStatuses"] == pod["status"]["containerStatuses"]


def test_a_status_write_does_not_wake_the_garbage_collector_but_an_owner_change_does() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    pod = next(cluster.store.iter_kind("Pod"))
    queue = cluster.engine._queues[garbage_collector.NAME]
    cluster.api.update({**pod, "status": {**pod["status"], "message": "x"}}, subresource="status", trusted=True)
    assert ("Pod", "default", pod["metadata"]["name"]) not in queue
    adopted = clone(cluster.store.peek(*("Pod", "default", pod["metadata"]["name"])))
    gone = {"apiVersion": "v1", "kind": "ConfigMap", "name": "gone", "uid": "0000"}
    adopted["metadata"]["ownerReferences"].append(gone)
    cluster.api.update(adopted, trusted=True)
    assert ("Pod", "default", pod["metadata"]["name"]) in queue
    cluster.engine.drain()  # the GC drops the reference to the missing owner
    refs = cluster.store.peek("Pod", "default", pod["metadata"]["name"])["metadata"]["ownerReferences"]
    assert [ref["kind"] for ref in refs] == ["ReplicaSet"]


def test_the_orphan_index_is_the_namespace_list_without_controlled_pods() -> None:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT)
    cluster.run_until_idle()
    bare = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "labels": {"x": "y"}}}
    bare["spec"] = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    cluster.api.create(bare)
    cluster.run_until_idle()
    index = pod_index(cluster.ctx)
    expected = [p for p in index.in_namespace("default") if not p["metadata"].get("ownerReferences")]
    assert [p["metadata"]["name"] for p in index.orphans_in("default")] == [p["metadata"]["name"] for p in expected]
    assert [p["metadata"]["name"] for p in expected] == ["bare"]


def test_name_suffixes_draw_exactly_what_random_choice_draws() -> None:
    for seed in range(50):
        ours, reference = SeededRng(seed), random.Random(seed)
        for _ in range(20):
            expected = "".join(reference.choice(_SUFFIX_ALPHABET) for _ in range(5))
            assert ours.suffix() == expected
            ours.uid()
            reference.getrandbits(128)


def test_a_watch_event_knows_its_kind_and_compares_by_value() -> None:
    obj = {"kind": "Pod", "metadata": {"name": "a"}}
    event = WatchEvent(ADDED, 3, obj)
    assert event.kind == "Pod"
    assert event == WatchEvent(ADDED, 3, {"kind": "Pod", "metadata": {"name": "a"}})
    assert event != WatchEvent(MODIFIED, 3, obj)
    assert event.to_wire() == {"type": ADDED, "object": obj}
    assert event.to_wire()["object"] is not obj


def test_timestamps_are_memoised_per_second_without_changing_them() -> None:
    cluster = Cluster(nodes=0)
    clock = cluster.clock
    stamps = {second: clock.timestamp(second + 0.5) for second in range(0, 200, 7)}
    assert stamps[0] == "2026-01-01T09:00:00Z"
    assert stamps[196] == "2026-01-01T09:03:16Z"
    assert all(clock.timestamp(s) == text for s, text in stamps.items())


def test_the_fused_scorer_picks_what_the_per_plugin_scores_pick() -> None:
    from kubelearn.cluster.scheduler import framework
    from kubelearn.cluster.scheduler.cache import NodeInfo, SchedulerCache, pod_info

    rng = random.Random(7)
    for trial in range(300):
        cache = SchedulerCache()
        nodes = []
        for i in range(rng.randint(2, 12)):
            zone = rng.choice(["", "zone-a", "zone-b", "zone-c"]) if trial % 3 else ""
            node = NodeInfo(f"n{i}", node={}, zone=zone, alloc_cpu=rng.choice([0, 1000, 4000]))
            node.alloc_memory = rng.choice([0, 2**30, 2**33])
            node.nz_cpu, node.nz_memory = rng.randint(0, 5000), rng.randint(0, 2**33)
            node.owners = {"rs": rng.randint(0, 5)} if rng.random() < 0.8 else {}
            node.refresh_free()  # the cache does this whenever requests change
            if zone:
                cache._add_zone_owner(zone, "rs", node.owners.get("rs", 0))
            nodes.append(node)
        owner = "rs" if trial % 4 else ""
        refs = [{"controller": True, "uid": owner}] if owner else []
        pod = pod_info(
            {
                "metadata": {"name": "p", "namespace": "d", "ownerReferences": refs},
                "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]},
            }
        )
        scored = framework.score_nodes(pod, nodes, cache)
        totals = [least * 1 + spread * 2 for least, spread in scored]
        expected = nodes[totals.index(max(totals))]
        assert framework.best_node(pod, nodes, cache) is expected, trial
