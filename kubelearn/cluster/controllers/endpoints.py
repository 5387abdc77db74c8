"""The Endpoints controller: which pods stand behind each Service, and which are ready.

Mirrors ``pkg/controller/endpoint`` (kube-controller-manager 1.32): for every Service with a
selector, an Endpoints object of the same name lists each matching pod that has an IP —
Ready pods under ``addresses``, the others under ``notReadyAddresses`` (all under
``addresses`` with ``publishNotReadyAddresses``) — with ``targetRef`` and ``nodeName``, and
the ports resolved from each ``targetPort`` (a named port is looked up among the pod's
container ports, so pods may differ). Services without a selector are left alone; a deleted
Service's Endpoints go with it. Simplified: no EndpointSlices and no 1000-address truncation.
Pod changes are gathered and synced once per simulated instant. Lesson: "Services".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from ..errors import StatusError
from ..objects import Key, Obj, clone, key_of, labels_of
from ..selectors import Selector, from_match_labels, matches
from ..store import DELETED, WatchEvent
from .base import Context, Result
from .pod_index import coalesce, is_ready, pod_index

NAME = "endpoints"
WATCHES = ("Service", "Pod", "Endpoints")
HEADLESS_LABEL = "service.kubernetes.io/headless"
SELECTORS_KEY = "endpoints.selectors"


def _signature(pod: Obj | None) -> tuple[Any, ...]:
    if pod is None:
        return ()
    status = pod.get("status") or {}
    return (
        labels_of(pod),
        status.get("podIP"),
        status.get("phase"),
        is_ready(pod),
        pod["spec"].get("nodeName"),
        bool(pod["metadata"].get("deletionTimestamp")),
    )


def _selectors(ctx: Context) -> dict[str, dict[str, Selector]]:
    """Services with a selector, by namespace (the informer cache the pod handler consults)."""
    cache = ctx.extras.get(SELECTORS_KEY)
    if cache is None:
        cache = ctx.extras[SELECTORS_KEY] = {}
        for svc in ctx.store.iter_kind("Service"):
            _remember(cache, svc, present=True)
    return cache  # type: ignore[no-any-return]


def _remember(cache: dict[str, dict[str, Selector]], svc: Obj, present: bool) -> None:
    ns, name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
    selector = from_match_labels((svc.get("spec") or {}).get("selector")) if present else None
    if selector is None:
        cache.get(ns, {}).pop(name, None)
    else:
        cache.setdefault(ns, {})[name] = selector


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    ns = obj["metadata"].get("namespace", "")
    if event.kind == "Service":
        _remember(_selectors(ctx), obj, present=event.type != DELETED)
        return [key_of(obj)]
    if event.kind == "Endpoints":
        return [("Service", ns, obj["metadata"]["name"])]
    old, new = pod_index(ctx).observe(event)
    services = _selectors(ctx).get(ns)
    if not services or _signature(old) == _signature(new):
        return []
    for name, selector in sorted(services.items()):
        if any(pod is not None and matches(selector, labels_of(pod)) for pod in (old, new)):
            coalesce(ctx, NAME, ("Service", ns, name), reconcile)
    return []


def find_port(pod: Obj, port: Obj) -> int | None:
    """``podutil.FindPort``: a number is itself; a name is looked up among the container ports."""
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = port.get("protocol", "TCP")
    for container in pod["spec"].get("containers") or ():
        for cport in container.get("ports") or ():
            if cport.get("name") == target and cport.get("protocol", "TCP") == protocol:
                return int(cport["containerPort"])
    return None


def _address(pod: Obj, svc: Obj) -> Obj:
    meta = pod["metadata"]
    address: Obj = {"ip": pod["status"]["podIP"]}
    spec = pod["spec"]
    if spec.get("hostname") and spec.get("subdomain") == svc["metadata"]["name"]:
        address["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        address["nodeName"] = spec["nodeName"]
    address["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace"), "name": meta["name"], "uid": meta["uid"]}
    return address


def desired_subsets(svc: Obj, pods: Iterable[Obj]) -> list[Obj]:
    """Group pods by the ports they resolve to (``RepackSubsets``), addresses sorted by IP."""
    publish_all = bool(svc["spec"].get("publishNotReadyAddresses"))
    groups: dict[tuple[Any, ...], tuple[list[Obj], list[Obj]]] = {}
    for pod in pods:
        status = pod.get("status") or {}
        if not status.get("podIP") or pod["metadata"].get("deletionTimestamp"):
            continue
        if status.get("phase") in ("Succeeded", "Failed"):
            continue
        ports = []
        for port in svc["spec"].get("ports") or ():
            number = find_port(pod, port)
            if number is None:
                continue
            entry: Obj = {"port": number, "protocol": port.get("protocol", "TCP")}
            if port.get("name"):
                entry = {"name": port["name"], **entry}
            if port.get("appProtocol"):
                entry["appProtocol"] = port["appProtocol"]
            ports.append(entry)
        if svc["spec"].get("ports") and not ports:
            continue
        group = groups.setdefault(tuple(tuple(sorted(p.items())) for p in ports), ([], []))
        (group[0] if publish_all or is_ready(pod) else group[1]).append(_address(pod, svc))
    subsets = []
    for ports_key, (ready, not_ready) in sorted(groups.items(), key=lambda item: repr(item[0])):
        subset: Obj = {}
        if ready:
            subset["addresses"] = sorted(ready, key=lambda a: (a["ip"], a["targetRef"]["uid"]))
        if not_ready:
            subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: (a["ip"], a["targetRef"]["uid"]))
        if ports_key:
            subset["ports"] = [dict(p) for p in ports_key]
        subsets.append(subset)
    return subsets


def reconcile(ctx: Context, key: Key) -> Result:
    _, ns, name = key
    svc = ctx.store.peek("Service", ns, name)
    current = ctx.store.peek("Endpoints", ns, name)
    if svc is None:
        if current is not None:
            with contextlib.suppress(StatusError):
                ctx.api.delete("Endpoints", ns, name)
        return Result()
    selector = from_match_labels(svc["spec"].get("selector"))
    if selector is None:
        return Result()
    pods = [pod for pod in pod_index(ctx).in_namespace(ns) if matches(selector, labels_of(pod))]
    subsets = desired_subsets(svc, sorted(pods, key=lambda p: p["metadata"]["name"]))
    labels = dict(labels_of(svc))
    if svc["spec"].get("clusterIP") == "None":
        labels[HEADLESS_LABEL] = ""
    if current is None:
        endpoints: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns}}
        if labels:
            endpoints["metadata"]["labels"] = labels
        if subsets:
            endpoints["subsets"] = subsets
        with contextlib.suppress(StatusError):
            ctx.api.create(endpoints, trusted=True)
        return Result()
    if current.get("subsets", []) == subsets and labels_of(current) == labels:
        return Result()
    updated = clone(current)
    updated["metadata"]["labels"] = labels
    if not labels:
        updated["metadata"].pop("labels")
    updated.pop("subsets", None)
    if subsets:
        updated["subsets"] = subsets
    ctx.api.update(updated, trusted=True)
    return Result()
