"""``kubectl cordon|uncordon|drain`` and ``kubectl top pods|nodes``.

Mirrors ``pkg/cmd/drain`` (cordon, refuse pods no controller manages unless ``--force``, refuse
pods with emptyDir unless ``--delete-emptydir-data``, then ``evicting pod ns/name`` and
``pod/name evicted`` for each, ``node/ship-a drained``; kubectl waits for the pods to go — here
eviction only starts their graceful termination) and ``pkg/cmd/top`` over the core's metrics
(``metrics.k8s.io`` in miniature), with kubectl's tab-terminated columns.
"""

from __future__ import annotations

from kubelearn.cluster import metrics
from kubelearn.cluster import nodes as node_ops
from kubelearn.cluster.apiserver.quantity import milli_value, value
from kubelearn.cluster.controllers.node_lifecycle import pods_on
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.objects import controller_ref

from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .tabwriter import tabwrite

CORDON_FLAGS = (Flag("selector", "l", "str"), Flag("dry-run", kind="str"))
DRAIN_FLAGS = (
    Flag("force"), Flag("ignore-daemonsets"), Flag("delete-emptydir-data"), Flag("delete-local-data"),
    Flag("grace-period", kind="int", default=-1), Flag("timeout", kind="str"), Flag("selector", "l", "str"),
    Flag("pod-selector", kind="str"), Flag("disable-eviction"), Flag("dry-run", kind="str"),
)  # fmt: skip
TOP_FLAGS = (Flag("all-namespaces", "A"), Flag("selector", "l", "str"), Flag("no-headers"), Flag("sort-by", kind="str"),
             Flag("containers"))  # fmt: skip


def _node_names(inv: Invocation, p: Parsed, verb: str) -> list[str]:
    names = [a.partition("/")[2] if a.startswith(("node/", "nodes/", "no/")) else a for a in p.args]
    if not names:
        raise KubectlError(f"error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples")
    for name in names:
        try:
            inv.api.get("Node", "", name)
        except StatusError as exc:
            raise server_error(exc) from exc
    return names


def _set_cordon(inv: Invocation, p: Parsed, on: bool) -> None:
    for name in _node_names(inv, p, "cordon" if on else "uncordon"):
        node = inv.api.get("Node", "", name)
        already = bool(node.get("spec", {}).get("unschedulable")) == on
        if not already:
            (node_ops.cordon if on else node_ops.uncordon)(inv.ctx, name)
        inv.print(f"node/{name} {'already ' if already else ''}{'cordoned' if on else 'uncordoned'}")
    inv.settle()


def cordon(inv: Invocation, p: Parsed) -> None:
    _set_cordon(inv, p, True)


def uncordon(inv: Invocation, p: Parsed) -> None:
    _set_cordon(inv, p, False)


def drain(inv: Invocation, p: Parsed) -> None:
    for name in _node_names(inv, p, "drain"):
        node = inv.api.get("Node", "", name)
        if node.get("spec", {}).get("unschedulable"):
            inv.print(f"node/{name} already cordoned")
        else:
            node_ops.cordon(inv.ctx, name)
            inv.print(f"node/{name} cordoned")
        pods = [pod for pod in pods_on(inv.ctx, name) if not pod["metadata"].get("deletionTimestamp")]
        problems = []
        unmanaged = [_ns_name(pod) for pod in pods if controller_ref(pod) is None]
        if unmanaged and not p.get("force"):
            problems.append(
                f"cannot delete Pods that declare no controller (use --force to override): {', '.join(unmanaged)}"
            )
        local = [_ns_name(pod) for pod in pods if any("emptyDir" in v for v in pod["spec"].get("volumes") or [])]
        if local and not (p.get("delete-emptydir-data") or p.get("delete-local-data")):
            problems.append(
                f"cannot delete Pods with local storage (use --delete-emptydir-data to override): {', '.join(local)}"
            )
        if problems:
            inv.settle()
            raise KubectlError(
                f'error: unable to drain node "{name}" due to error: {", ".join(problems)}, continuing command...\n'
                f"There are pending nodes to be drained:\n {name}\n" + "\n".join(problems)
            )
        if unmanaged:
            inv.warn(f"Warning: deleting Pods that declare no controller: {', '.join(unmanaged)}")
        grace = p.get("grace-period", -1)
        for pod in pods:
            inv.print(f"evicting pod {_ns_name(pod)}")
        for pod in pods:
            node_ops.evict(inv.ctx, pod, grace if grace >= 0 else None)
        for pod in pods:
            inv.print(f"pod/{pod['metadata']['name']} evicted")
        inv.print(f"node/{name} drained")
    inv.settle()


def _ns_name(pod: dict) -> str:  # type: ignore[type-arg]
    return f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"


def top_pods(inv: Invocation, p: Parsed) -> None:
    all_ns = bool(p.get("all-namespaces"))
    usage = metrics.top_pods(inv.ctx, None if all_ns else inv.namespace)
    if p.get("selector"):
        from kubelearn.cluster.kinds import BY_KIND

        from .resources import list_objects

        keep = {(o["metadata"]["namespace"], o["metadata"]["name"])
                for o in list_objects(inv, BY_KIND["Pod"], all_ns, p.get("selector"))}  # fmt: skip
        usage = [u for u in usage if (u.namespace, u.name) in keep]
    if not usage:
        raise KubectlError("No resources found" if all_ns else f"No resources found in {inv.namespace} namespace.", 0)
    if p.get("sort-by") == "cpu":
        usage.sort(key=lambda u: -u.cpu_m)
    elif p.get("sort-by") == "memory":
        usage.sort(key=lambda u: -u.memory_bytes)
    rows = [] if p.get("no-headers") else [(["NAMESPACE"] if all_ns else []) + ["NAME", "CPU(cores)", "MEMORY(bytes)"]]
    for u in usage:
        rows.append(([u.namespace] if all_ns else []) + [u.name, f"{u.cpu_m}m", f"{u.memory_bytes // (1024 * 1024)}Mi"])
    inv.write(tabwrite("".join("".join(f"{c}\t" for c in row) + "\n" for row in rows), minwidth=6, padding=3))


def top_nodes(inv: Invocation, p: Parsed) -> None:
    totals = metrics.top_nodes(inv.ctx)
    rows = [] if p.get("no-headers") else [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]]
    for name in sorted(totals):
        if p.args and name not in p.args:
            continue
        node = inv.api.get("Node", "", name)
        alloc = node.get("status", {}).get("allocatable") or {}
        cpu, mem = totals[name]
        cpu_total, mem_total = milli_value(alloc.get("cpu", "0")), value(alloc.get("memory", "0"))
        rows.append([name, f"{cpu}m", f"{cpu * 100 // cpu_total if cpu_total else 0}%",
                     f"{mem // (1024 * 1024)}Mi", f"{mem * 100 // mem_total if mem_total else 0}%"])  # fmt: skip
    inv.write(tabwrite("".join("".join(f"{c}\t" for c in row) + "\n" for row in rows), minwidth=6, padding=3))


TOP_SUBCOMMANDS = {
    "pods": (TOP_FLAGS, top_pods),
    "pod": (TOP_FLAGS, top_pods),
    "po": (TOP_FLAGS, top_pods),
    "nodes": (TOP_FLAGS, top_nodes),
    "node": (TOP_FLAGS, top_nodes),
    "no": (TOP_FLAGS, top_nodes),
}
