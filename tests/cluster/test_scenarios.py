"""Golden scenarios: manifests plus timed actions in, final objects plus the event list out.

Each ``scenarios/<name>.input.yaml`` holds ``manifests`` (applied at t=0) and ``actions``
(each optionally ``at: <seconds>``; the cluster steps to that time first). After the last
action the cluster runs until idle (or ``end_step`` seconds). The projection written to
``<name>.expected.yaml`` is compact and stable: per object kind/name the fields a lesson
talks about, then every Event in creation order as ``t type reason kind/name: message``.
Nothing is normalised: the cluster is deterministic (seed 0). ``pytest --update-golden``
rewrites the expected files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kubelearn.cluster import Cluster, kubelet, nodes
from kubelearn.cluster.controllers import deployment_history
from kubelearn.cluster.objects import Obj
from kubelearn.cluster.proxy import send_requests, set_load
from kubelearn.cluster.store import ADDED, WatchEvent

SCENARIOS = Path(__file__).parent / "scenarios"
CASES = sorted(p.name.removesuffix(".input.yaml") for p in SCENARIOS.glob("*.input.yaml"))


class Recorder:
    """Keeps events in creation order (the store lists them by their random names)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.events: list[tuple[str, str]] = []
        self.notes: list[Any] = []
        cluster.store.listeners.append(self.on_event)

    def on_event(self, event: WatchEvent) -> None:
        if event.kind == "Event" and event.type == ADDED:
            self.events.append((event.object["metadata"]["namespace"], event.object["metadata"]["name"]))


def _pods(cluster: Cluster, selector: str = "") -> list[Obj]:
    items, _ = cluster.api.list("Pod", "default", label_selector=selector)
    return [p for p in items if not p["metadata"].get("deletionTimestamp")]


def run_action(cluster: Cluster, rec: Recorder, action: dict[str, Any]) -> None:
    ctx = cluster.ctx
    if "apply" in action:
        results = cluster.apply_text(action["apply"])
        rec.notes.append({"at": cluster.clock.now, "apply": [r.kubectl_line() for r in results]})
    elif "scale" in action:
        spec = action["scale"]
        cluster.api.set_scale(spec.get("kind", "Deployment"), "default", spec["name"], spec["replicas"])
    elif "delete_pod" in action:
        spec = action["delete_pod"]
        name = spec.get("name") or _pods(cluster, spec.get("selector", ""))[spec.get("index", 0)]["metadata"]["name"]
        cluster.api.delete("Pod", "default", name)
        rec.notes.append({"at": cluster.clock.now, "deleted": name})
    elif "fail_node" in action:
        nodes.fail_node(ctx, action["fail_node"])
    elif "set_image" in action:
        spec = action["set_image"]
        body = {"spec": {"template": {"spec": {"containers": [{"name": spec["container"], "image": spec["image"]}]}}}}
        cluster.api.patch("Deployment", "default", spec["deployment"], body, "application/strategic-merge-patch+json")
    elif "rollback" in action:
        spec = action["rollback"]
        line = deployment_history.rollback(ctx, "default", spec["deployment"], spec.get("to_revision", 0))
        rec.notes.append({"at": cluster.clock.now, "rollback": line})
    elif "send_requests" in action:
        spec = action["send_requests"]
        results = send_requests(ctx, "default", spec["service"], spec.get("count", 1))
        rec.notes.append({"at": cluster.clock.now, "requests": [r.pod or r.error for r in results]})
    elif "set_load" in action:
        spec = action["set_load"]
        set_load(ctx, "default", spec["service"], spec["rps"])
    elif "logs" in action:
        pod = _pods(cluster, action["logs"])[0]
        rec.notes.append({"at": cluster.clock.now, "logs": kubelet.logs(ctx, "default", pod["metadata"]["name"])})
    elif "step" in action:
        cluster.step(float(action["step"]))
    else:
        raise ValueError(f"unknown action {action}")
    cluster.engine.drain()


def _conditions(obj: Obj) -> list[str]:
    return [
        f"{c['type']}={c['status']} {c.get('reason', '')}".strip()
        for c in obj.get("status", {}).get("conditions") or ()
    ]


def project(cluster: Cluster, rec: Recorder) -> dict[str, Any]:
    store, out = cluster.store, {}
    for d in store.iter_kind("Deployment", "default"):
        st = d.get("status", {})
        out[f"Deployment/{d['metadata']['name']}"] = {
            "replicas": f"{st.get('readyReplicas', 0)}/{d['spec']['replicas']} ready, {st.get('updatedReplicas', 0)} up-to-date, "
            f"{st.get('availableReplicas', 0)} available",
            "revision": (d["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision"),
            "conditions": _conditions(d),
        }
    for rs in store.iter_kind("ReplicaSet", "default"):
        st = rs.get("status", {})
        out[f"ReplicaSet/{rs['metadata']['name']}"] = {
            "replicas": f"{rs['spec']['replicas']} desired, {st.get('replicas', 0)} current, {st.get('readyReplicas', 0)} ready",
            "revision": (rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision"),
            "image": rs["spec"]["template"]["spec"]["containers"][0]["image"],
        }
    for pod in store.iter_kind("Pod", "default"):
        st = pod.get("status", {})
        statuses = st.get("containerStatuses") or []
        waiting = [s["state"]["waiting"].get("reason") for s in statuses if (s.get("state") or {}).get("waiting")]
        ready = next((c["status"] for c in st.get("conditions") or () if c["type"] == "Ready"), "False")
        entry = {
            "phase": st.get("phase"),
            "node": pod["spec"].get("nodeName"),
            "ready": ready == "True",
            "restarts": sum(s.get("restartCount", 0) for s in statuses),
        }
        if waiting:
            entry["waiting"] = waiting[0]
        if pod["metadata"].get("deletionTimestamp"):
            entry["terminating"] = True
        out[f"Pod/{pod['metadata']['name']}"] = entry
    for ep in store.iter_kind("Endpoints", "default"):
        subsets = ep.get("subsets") or []
        out[f"Endpoints/{ep['metadata']['name']}"] = {
            "ready": sorted(
                a["targetRef"]["name"] for s in subsets for a in s.get("addresses", []) if "targetRef" in a
            ),
            "notReady": sorted(a["targetRef"]["name"] for s in subsets for a in s.get("notReadyAddresses", [])),
        }
    for hpa in store.iter_kind("HorizontalPodAutoscaler", "default"):
        st = hpa.get("status", {})
        out[f"HorizontalPodAutoscaler/{hpa['metadata']['name']}"] = {
            "replicas": f"{st.get('currentReplicas', 0)} current, {st.get('desiredReplicas', 0)} desired",
            "conditions": _conditions(hpa),
        }
    for job in store.iter_kind("Job", "default"):
        st = job.get("status", {})
        out[f"Job/{job['metadata']['name']}"] = {
            "succeeded": st.get("succeeded", 0),
            "failed": st.get("failed", 0),
            "conditions": _conditions(job),
        }
    for node in store.iter_kind("Node"):
        out[f"Node/{node['metadata']['name']}"] = {
            "conditions": [c for c in _conditions(node) if c.startswith("Ready")]
        }
    events = []
    for ns, name in rec.events:
        ev = store.peek("Event", ns, name)
        if ev is None or (ev["involvedObject"].get("kind") == "Node" and ev["reason"] == "RegisteredNode"):
            continue
        t = int(cluster.clock.parse(ev["firstTimestamp"]))
        involved = ev["involvedObject"]
        count = f" (x{ev['count']})" if ev.get("count", 1) > 1 else ""
        events.append(f"{t} {ev['type']} {ev['reason']} {involved['kind']}/{involved['name']}: {ev['message']}{count}")
    return {"time": cluster.clock.now, "notes": rec.notes, "objects": out, "events": events}


def run_scenario(spec: dict[str, Any]) -> dict[str, Any]:
    cluster = Cluster(seed=0)
    rec = Recorder(cluster)
    if spec.get("manifests"):
        results = cluster.apply_text(spec["manifests"])
        rec.notes.append({"at": 0.0, "apply": [r.kubectl_line() for r in results]})
    for action in spec.get("actions") or ():
        at = action.get("at")
        if at is not None and at > cluster.clock.now:
            cluster.step(at - cluster.clock.now)
        run_action(cluster, rec, {k: v for k, v in action.items() if k != "at"})
    if spec.get("end_step") is not None:
        cluster.step(float(spec["end_step"]))
    else:
        cluster.run_until_idle(float(spec.get("idle_limit", 3600)))
    return project(cluster, rec)


@pytest.mark.parametrize("name", CASES)
def test_scenario_matches_its_golden_file(name: str, update_golden: bool) -> None:
    spec = yaml.safe_load((SCENARIOS / f"{name}.input.yaml").read_text())
    actual = run_scenario(spec)
    expected_path = SCENARIOS / f"{name}.expected.yaml"
    text = yaml.safe_dump(actual, sort_keys=False, allow_unicode=True, width=200)
    if update_golden or not expected_path.exists():
        expected_path.write_text(text)
        if not update_golden:
            pytest.fail(f"{expected_path.name} did not exist; it has been written — review and commit it")
        return
    assert text == expected_path.read_text()
