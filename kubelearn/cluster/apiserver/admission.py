"""Admission and allocation: what happens after validation and before the write.

Mirrors the admission plugins a default cluster runs (NamespaceLifecycle, ServiceAccount,
ResourceQuota in spirit) and the Service registry's IP and port allocators. Quotas are a list
of callables so the sandbox runtime can add per-student limits with Kubernetes' 403 wording.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from ..errors import FieldError, StatusError, invalid, new_forbidden, new_not_found
from ..kinds import BY_KIND
from ..objects import Obj, name_of, namespace_of
from ..rng import SeededRng
from ..store import Store

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")
NODE_PORT_RANGE = (30000, 32767)

# A quota hook sees (store, object about to be created) and raises a 403 StatusError to refuse.
QuotaHook = Callable[[Store, Obj], None]


def admit_namespace(store: Store, obj: Obj) -> None:
    """NamespaceLifecycle: the namespace must exist and must not be terminating."""
    info = BY_KIND[obj["kind"]]
    if not info.namespaced:
        return
    ns_name = namespace_of(obj)
    namespace = store.peek("Namespace", "", ns_name)
    if namespace is None:
        raise new_not_found("", "namespaces", ns_name)
    if (namespace.get("status") or {}).get("phase") == "Terminating":
        raise new_forbidden(
            info.group,
            info.plural,
            name_of(obj),
            f"unable to create new content in namespace {ns_name} because it is being terminated",
        )


DEFAULT_TOLERATION_SECONDS = 300
_DEFAULT_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
)


def admit_service_account(obj: Obj) -> None:
    """Mutating admission for pods, as a default cluster runs it.

    ServiceAccount: pods run as ``default`` unless they say otherwise. Priority: no
    PriorityClass means priority 0. DefaultTolerationSeconds: a pod tolerates a NotReady or
    unreachable node for 300 s before eviction (the mini cluster's node lifecycle maps that
    to its shorter, classroom-sized ``eviction_timeout``).
    """
    if obj["kind"] != "Pod":
        return
    spec = obj.setdefault("spec", {})
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("priority", 0)
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    for default in _DEFAULT_TOLERATIONS:
        if not any(t.get("key") == default["key"] and t.get("effect") in (None, "", "NoExecute") for t in tolerations):
            tolerations.append({**default, "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})


class Allocators:
    """ClusterIP and NodePort allocation (``pkg/registry/core/service/ipallocator``, ``portallocator``)."""

    def __init__(self, rng: SeededRng) -> None:
        self._rng = rng

    @staticmethod
    def _used(store: Store) -> tuple[set[str], set[int]]:
        ips, ports = set(), set()
        for svc in store.iter_kind("Service"):
            spec = svc.get("spec") or {}
            if spec.get("clusterIP"):
                ips.add(spec["clusterIP"])
            for port in spec.get("ports") or []:
                if port.get("nodePort"):
                    ports.add(int(port["nodePort"]))
        return ips, ports

    def allocate(self, store: Store, svc: Obj, old: Obj | None = None) -> list[FieldError]:
        """Fill ``clusterIP(s)`` and ``nodePort``s; keep what ``old`` had when the new spec omits it."""
        spec = svc.setdefault("spec", {})
        old_spec = (old or {}).get("spec") or {}
        used_ips, used_ports = self._used(store)
        errors: list[FieldError] = []
        svc_type = spec.get("type", "ClusterIP")
        if svc_type == "ExternalName":
            return errors
        if old_spec.get("clusterIP") and not spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIP"):
            spec["clusterIP"] = self._free_ip(used_ips)
        elif spec["clusterIP"] != "None" and spec["clusterIP"] != old_spec.get("clusterIP"):
            errors += self._check_ip(spec["clusterIP"], used_ips)
        spec["clusterIPs"] = [spec["clusterIP"]]
        spec.setdefault("ipFamilies", ["IPv4"])
        old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort") for p in old_spec.get("ports") or []}
        if svc_type in ("NodePort", "LoadBalancer"):
            for index, port in enumerate(spec.get("ports") or []):
                previous = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                if not port.get("nodePort") and previous:
                    port["nodePort"] = previous
                if not port.get("nodePort"):
                    port["nodePort"] = self._free_port(used_ports)
                    used_ports.add(port["nodePort"])
                elif port["nodePort"] != previous:
                    errors += self._check_port(f"spec.ports[{index}].nodePort", int(port["nodePort"]), used_ports)
                    used_ports.add(int(port["nodePort"]))
        return errors

    def _free_ip(self, used: set[str]) -> str:
        hosts = SERVICE_CIDR.num_addresses - 2
        while True:
            candidate = str(SERVICE_CIDR.network_address + self._rng.randint(1, hosts))
            if candidate not in used and not candidate.endswith(".0"):
                return candidate

    def _free_port(self, used: set[int]) -> int:
        while True:
            candidate = self._rng.randint(*NODE_PORT_RANGE)
            if candidate not in used:
                return candidate

    @staticmethod
    def _check_ip(ip: str, used: set[str]) -> list[FieldError]:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return [invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
        if address not in SERVICE_CIDR:
            return [
                invalid(
                    "spec.clusterIPs",
                    [ip],
                    f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. "
                    f"The range of valid IPs is {SERVICE_CIDR}",
                )
            ]
        if ip in used:
            return [invalid("spec.clusterIPs", [ip], f"failed to allocate IP {ip}: provided IP is already allocated")]
        return []

    @staticmethod
    def _check_port(path: str, port: int, used: set[int]) -> list[FieldError]:
        low, high = NODE_PORT_RANGE
        if not low <= port <= high:
            return [
                invalid(
                    path,
                    port,
                    f"provided port is not in the valid range. The range of valid ports is {low}-{high}",
                )
            ]
        if port in used:
            return [invalid(path, port, "provided port is already allocated")]
        return []


def run_quota_hooks(hooks: list[QuotaHook], store: Store, obj: Obj) -> None:
    for hook in hooks:
        hook(store, obj)


__all__ = ["Allocators", "QuotaHook", "StatusError", "admit_namespace", "admit_service_account", "run_quota_hooks"]
