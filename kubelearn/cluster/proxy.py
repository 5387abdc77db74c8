"""kube-proxy and CoreDNS in miniature: names to ClusterIPs, requests to ready pods.

Mirrors what a request to a Service meets on a real node: CoreDNS answers ``web``,
``web.default``, ``web.default.svc`` and ``web.default.svc.cluster.local`` with the
ClusterIP; kube-proxy's rules send each connection to one of the Service's READY endpoints
(the ``addresses`` of its Endpoints — ``notReadyAddresses`` never get traffic), and a
Service with no ready endpoint REJECTs the connection ("connection refused"). A NodePort
answers on every node. Simplified on purpose: iptables mode picks an endpoint at random; we
go round-robin per Service and port so a lesson can predict "pod 1, pod 2, pod 3, pod 1".
Sustained load (``set_load``) is handed to ``metrics``, where it becomes pod CPU for the
HorizontalPodAutoscaler. Lesson: "Services" and "Autoscaling".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import metrics
from .objects import Obj

CLUSTER_DOMAIN = "cluster.local"
RR_KEY = "proxy.round_robin"


@dataclass(frozen=True, slots=True)
class RequestResult:
    """One request's fate: who answered it, or why nobody did."""

    ok: bool
    service: str
    status: int | None = None
    pod: str = ""
    node: str = ""
    ip: str = ""
    port: int | None = None
    error: str = ""


def split_name(name: str, namespace: str = "default") -> tuple[str, str] | None:
    """A DNS name as a (namespace, service) pair, following the pod's search path."""
    parts = name.rstrip(".").split(".")
    suffix = ["svc", *CLUSTER_DOMAIN.split(".")]
    if len(parts) == 1:
        return namespace, parts[0]
    if parts[2:] in (suffix[:1], suffix) and len(parts) >= 3:
        return parts[1], parts[0]
    if len(parts) == 2:
        return parts[1], parts[0]
    return None


def resolve(ctx: Any, name: str, namespace: str = "default") -> str | None:
    """The A record CoreDNS returns (the ClusterIP; a headless Service's first ready pod), or None."""
    found = split_name(name, namespace)
    if found is None:
        return None
    svc = ctx.store.peek("Service", found[0], found[1])
    if svc is None:
        return None
    cluster_ip = svc["spec"].get("clusterIP")
    if cluster_ip and cluster_ip != "None":
        return str(cluster_ip)
    addresses = _ready_addresses(ctx, svc, None)[0]
    return str(addresses[0]["ip"]) if addresses else None


def _service_port(svc: Obj, port: int | str | None) -> Obj | None:
    ports = svc["spec"].get("ports") or []
    if port is None:
        return ports[0] if ports else None
    for candidate in ports:
        if port in (candidate.get("port"), candidate.get("name"), candidate.get("nodePort")):
            return candidate  # type: ignore[no-any-return]
    return None


def _ready_addresses(ctx: Any, svc: Obj, svc_port: Obj | None) -> tuple[list[Obj], list[int]]:
    """Ready addresses with the target port each one listens on for ``svc_port``."""
    meta = svc["metadata"]
    endpoints = ctx.store.peek("Endpoints", meta.get("namespace", ""), meta["name"])
    addresses: list[Obj] = []
    ports: list[int] = []
    for subset in (endpoints or {}).get("subsets") or ():
        target = None
        for port in subset.get("ports") or ():
            if svc_port is None or port.get("name", "") == svc_port.get("name", ""):
                target = int(port["port"])
                break
        if svc_port is not None and target is None:
            continue
        for address in subset.get("addresses") or ():
            addresses.append(address)
            ports.append(target or 0)
    order = sorted(
        range(len(addresses)), key=lambda i: (addresses[i]["ip"], addresses[i].get("targetRef", {}).get("uid", ""))
    )
    return [addresses[i] for i in order], [ports[i] for i in order]


def _deliver(ctx: Any, svc: Obj, svc_port: Obj | None, path: str) -> RequestResult:
    name = svc["metadata"]["name"]
    addresses, ports = _ready_addresses(ctx, svc, svc_port)
    if not addresses:
        return RequestResult(False, name, port=svc_port.get("port") if svc_port else None, error="connection refused")
    counters: dict[tuple[str, str, Any], int] = ctx.extras.setdefault(RR_KEY, {})
    rr_key = (svc["metadata"].get("namespace", ""), name, svc_port.get("port") if svc_port else None)
    turn = counters.get(rr_key, 0)
    counters[rr_key] = turn + 1
    address, target = addresses[turn % len(addresses)], ports[turn % len(addresses)]
    ref = address.get("targetRef") or {}
    status = 200
    hook = ctx.extras.get("record_request")  # the kubelet's access log: fn(ctx, (ns, name), path) -> (code, body)
    if callable(hook) and ref.get("name"):
        port = target or None  # 0: the Service named no port, so any listening port answers
        answer = hook(ctx, (ref.get("namespace", ""), ref["name"]), path, port=port)
        code = answer[0] if isinstance(answer, tuple) else answer
        if isinstance(code, int):
            status = code
    if status == 0:  # the pod is an endpoint, but nothing listens on that port
        return RequestResult(
            False, name, pod=str(ref.get("name", "")), ip=str(address["ip"]), port=target, error="connection refused"
        )
    return RequestResult(
        ok=200 <= status < 400,
        service=name,
        status=status,
        pod=str(ref.get("name", "")),
        node=str(address.get("nodeName", "")),
        ip=str(address["ip"]),
        port=target,
    )


def send_requests(
    ctx: Any, namespace: str, service: str, count: int = 1, port: int | str | None = None, path: str = "/"
) -> list[RequestResult]:
    """Send ``count`` requests to a Service by name; each reports the pod that answered."""
    svc = ctx.store.peek("Service", namespace, service)
    if svc is None:
        return [RequestResult(False, service, error=f"Could not resolve host: {service}")] * count
    svc_port = _service_port(svc, port)
    if port is not None and svc_port is None:
        return [
            RequestResult(False, service, port=int(port) if isinstance(port, int) else None, error="connection refused")
        ] * count
    return [_deliver(ctx, svc, svc_port, path) for _ in range(count)]


def send_to_node_port(ctx: Any, node: str, node_port: int, count: int = 1, path: str = "/") -> list[RequestResult]:
    """Requests to ``<node IP>:<nodePort>``: any live node forwards to the Service's ready pods."""
    node_obj = ctx.store.peek("Node", "", node)
    ready = any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in ((node_obj or {}).get("status") or {}).get("conditions") or ()
    )
    if node_obj is None or not ready:
        return [RequestResult(False, "", port=node_port, error="connection timed out")] * count
    for svc in ctx.store.iter_kind("Service"):
        if svc["spec"].get("type") not in ("NodePort", "LoadBalancer"):
            continue
        for svc_port in svc["spec"].get("ports") or ():
            if svc_port.get("nodePort") == node_port:
                return [_deliver(ctx, svc, svc_port, path) for _ in range(count)]
    return [RequestResult(False, "", port=node_port, error="connection refused")] * count


def set_load(ctx: Any, namespace: str, service: str, rps: float) -> None:
    """Keep ``rps`` requests per second flowing to a Service (spread over its ready pods)."""
    metrics.set_load(ctx, namespace, service, rps)
