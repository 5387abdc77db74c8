"""Record and replay: every input a sandbox received, so any earlier moment can be rebuilt.

The core is deterministic (seeded RNG, simulated clock), so the cluster at time T is a pure
function of where it started and what was done to it, when. A ``Recording`` row keeps the
base snapshot and the ordered inputs — applied manifests, kubectl command lines, chaos
actions — each with the simulated second it happened at. ``state_at(recording, T)`` restores
the base on a fresh ``Cluster``, steps to each input's time, performs it and steps on to T.
The live sandbox and the replay perform inputs through the same ``perform`` function, so
they cannot drift apart. Simplified: inputs that came through other doors (the REST facade,
a lesson) are not recorded, and a full log is rebased (older history is forgotten).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubelearn.cluster import Cluster, kubelet, nodes, proxy
from kubelearn.cluster.errors import StatusError

from . import kubectl_bridge
from .models import Recording

MAX_ENTRIES = 500
READ_ONLY_VERBS = frozenset({"get", "describe", "logs", "explain", "api-resources", "version", "top", "events"})


@dataclass(frozen=True, slots=True)
class ChaosOutcome:
    ok: bool
    action: str
    target: str
    detail: str = ""  # a kubectl-like line, or the traffic summary


def chaos(cluster: Cluster, action: str, namespace: str, name: str, count: int) -> ChaosOutcome:
    """Do one chaos action to the cluster (see ``services.CHAOS_ACTIONS``); API errors are outcomes."""
    try:
        return _chaos(cluster, action, namespace, name, count)
    except StatusError as exc:
        return ChaosOutcome(False, action, name, f"Error from server ({exc.reason}): {exc.message}")


def _chaos(cluster: Cluster, action: str, namespace: str, name: str, count: int) -> ChaosOutcome:
    ctx = cluster.ctx
    if action == "delete-pod":
        cluster.api.delete("Pod", namespace, name)
        return ChaosOutcome(True, action, name, f'pod "{name}" deleted')
    if action == "crash":
        return ChaosOutcome(kubelet.crash_container(ctx, namespace, name), action, name)
    if action == "fail-node":
        nodes.fail_node(ctx, name)
    elif action == "restore-node":
        nodes.restore_node(ctx, name)
    elif action == "add-node":
        name = nodes.add_node(ctx)["metadata"]["name"]
    elif action == "traffic":
        results = proxy.send_requests(ctx, namespace, name, count)
        answered: dict[str, int] = {}
        for result in results:
            key = result.pod if result.ok else result.error
            answered[key] = answered.get(key, 0) + 1
        summary = ", ".join(f"{who} ×{n}" for who, n in sorted(answered.items()))
        return ChaosOutcome(any(r.ok for r in results), action, name, summary)
    return ChaosOutcome(True, action, name)


def perform(cluster: Cluster, entry: dict[str, Any]) -> Any:
    """Perform one recorded input on ``cluster`` (live or replayed) and drain the control loops."""
    op = entry["op"]
    if op == "apply":
        result: Any = cluster.apply_text(entry["text"], source="editor.yaml")
    elif op == "command":
        result = kubectl_bridge.run(cluster, entry["line"])
    else:
        result = chaos(
            cluster, entry["action"], entry.get("namespace", ""), entry.get("name", ""), entry.get("count", 1)
        )
    cluster.engine.drain()
    return result


def mutates(entry: dict[str, Any]) -> bool:
    """Whether replay needs this input (read-only kubectl verbs change nothing)."""
    if entry["op"] != "command":
        return True
    words = [w for w in entry["line"].split() if not w.startswith("-")]
    words = words[1:] if words[:1] == ["kubectl"] else words
    return bool(words) and words[0] not in READ_ONLY_VERBS


def begin(sandbox_id: str, cluster: Cluster) -> Recording:
    """The sandbox's recording, started now (base = the current state) if it has none."""
    recording = Recording.objects.filter(sandbox_id=sandbox_id).first()
    if recording is None:
        recording = Recording.objects.create(sandbox_id=sandbox_id, base=cluster.snapshot(), entries=[])
    return recording


def restart(sandbox_id: str, cluster: Cluster) -> None:
    """Forget the history: the recording starts again from the cluster as it is now."""
    Recording.objects.update_or_create(sandbox_id=sandbox_id, defaults={"base": cluster.snapshot(), "entries": []})


def append(recording: Recording, cluster: Cluster, entry: dict[str, Any]) -> None:
    """Add an input that has just been performed at ``entry["t"]``; rebase when the log is full."""
    if len(recording.entries) >= MAX_ENTRIES:
        recording.base, recording.entries = cluster.snapshot(), []
    else:
        recording.entries = [*recording.entries, entry]
    recording.save(update_fields=["base", "entries", "updated"])


def state_at(recording: Recording, until: float) -> Cluster:
    """A fresh cluster rebuilt from the recording as it was at simulated second ``until``."""
    cluster = Cluster.restore(recording.base)
    for entry in recording.entries:
        if entry["t"] > until:
            break
        if entry["t"] > cluster.clock.now:
            cluster.step(entry["t"] - cluster.clock.now)
        perform(cluster, entry)
    if until > cluster.clock.now:
        cluster.step(until - cluster.clock.now)
    return cluster
