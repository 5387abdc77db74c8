"""``kubectl describe``: the command, and ``describe(cluster, kind, namespace, name)`` for the inspector.

Mirrors ``pkg/cmd/describe``: ``TYPE NAME`` falls back to every object whose name starts
with NAME (as kubectl does), ``TYPE`` alone or ``-l`` describes each match, and several
descriptions are separated by two blank lines. The per-kind text comes from the
``describe_*`` modules; kinds without a dedicated describer get the generic header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import BY_KIND, KindInfo
from kubelearn.cluster.objects import Obj

from .describe_other import (
    describe_configmap,
    describe_endpoints,
    describe_namespace,
    describe_node,
    describe_pvc,
    describe_secret,
    describe_service,
)
from .describe_pods import describe_pod
from .describe_text import Writer, annotations_multiline, describe_events, events_for, labels_multiline
from .describe_workloads import describe_deployment, describe_hpa, describe_job, describe_replicaset
from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import list_objects, namespace_for, parse_targets

FLAGS = (Flag("selector", "l", "str"), Flag("all-namespaces", "A"), Flag("show-events", kind="bool", default=True))

DESCRIBERS: dict[str, Callable[[Any, Obj], str]] = {
    "Pod": describe_pod,
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replicaset,
    "Job": describe_job,
    "HorizontalPodAutoscaler": describe_hpa,
    "Service": describe_service,
    "Endpoints": describe_endpoints,
    "Node": describe_node,
    "Namespace": describe_namespace,
    "ConfigMap": describe_configmap,
    "Secret": describe_secret,
    "PersistentVolumeClaim": describe_pvc,
}


def _generic(inv: Any, obj: Obj) -> str:
    w = Writer(inv.cluster.clock)
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    describe_events(w, events_for(inv, obj))
    return w.text()


def describe_object(inv: Any, obj: Obj) -> str:
    return DESCRIBERS.get(obj.get("kind", ""), _generic)(inv, obj)


def describe(cluster: Any, kind: str, namespace: str, name: str) -> str:
    """The text ``kubectl describe <kind> <name> -n <namespace>`` prints (``""`` if it is gone)."""
    info = BY_KIND[kind]
    inv = Invocation(cluster, namespace or "default")
    try:
        obj = cluster.api.get(kind, namespace if info.namespaced else "", name)
    except StatusError:
        return ""
    return describe_object(inv, obj)


def run(inv: Invocation, p: Parsed) -> None:
    if not p.args:
        raise KubectlError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of '
            "supported resources.\n\nerror: Required resource not specified.\n"
            "See 'kubectl describe -h' for help and examples"
        )
    types, targets = parse_targets(p.args, "describe")
    objects: list[Obj] = []
    for info in types:
        objects.extend(list_objects(inv, info, bool(p.get("all-namespaces")), p.get("selector", "")))
    for target in targets:
        objects.extend(_by_name_or_prefix(inv, target.info, target.name))
    if not objects and types:
        info = types[0]
        inv.warn(f"No resources found in {inv.namespace} namespace." if info.namespaced else "No resources found")
        return
    texts = [describe_object(inv, obj) for obj in objects]
    inv.write("\n\n".join(texts))


def _by_name_or_prefix(inv: Invocation, info: KindInfo, name: str) -> list[Obj]:
    try:
        return [inv.api.get(info.kind, namespace_for(inv, info), name)]
    except StatusError as exc:
        matches = [o for o in list_objects(inv, info) if o["metadata"]["name"].startswith(name)]
        if not matches:
            raise server_error(exc) from exc
        return matches
