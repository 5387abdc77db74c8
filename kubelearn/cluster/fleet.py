"""The fleet: Node objects for the ships of the mini cluster.

A real cluster's nodes register themselves (the kubelet POSTs its Node with capacity,
labels and conditions). We build the same objects here so the default fleet of three
workers — ``ship-a``, ``ship-b``, ``ship-c``, one per zone — looks like ``kubectl get nodes``
on a small real cluster. Lesson: "Scheduling" (ships and their cargo capacity).
"""

from __future__ import annotations

import string

from .objects import Obj

DEFAULT_CPU = "4"
DEFAULT_MEMORY = "8Gi"
DEFAULT_PODS = 20
ZONES = ("zone-a", "zone-b", "zone-c")
KUBELET_VERSION = "v1.32.0"


def ship_name(index: int) -> str:
    """ship-a … ship-z, then ship-27, ship-28 … for large benchmark fleets."""
    return f"ship-{string.ascii_lowercase[index]}" if index < 26 else f"ship-{index + 1}"


def make_node(
    name: str,
    index: int = 0,
    cpu: str = DEFAULT_CPU,
    memory: str = DEFAULT_MEMORY,
    pods: int = DEFAULT_PODS,
    zone: str | None = None,
    now: str = "",
) -> Obj:
    zone = zone or ZONES[index % len(ZONES)]
    cidr = f"10.{244 + index // 256}.{index % 256}.0/24"
    capacity = {"cpu": cpu, "memory": memory, "pods": str(pods), "ephemeral-storage": "50Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/os": "linux",
                "kubernetes.io/hostname": name,
                "node-role.kubernetes.io/worker": "",
                "topology.kubernetes.io/zone": zone,
            },
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "addresses": [
                {"type": "InternalIP", "address": f"192.168.{49 + (index + 2) // 256}.{(index + 2) % 256}"},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": now,
                    "lastTransitionTime": now,
                },
                *[
                    {
                        "type": cond,
                        "status": "False",
                        "reason": f"KubeletHas{reason}",
                        "message": f"kubelet has {message}",
                        "lastHeartbeatTime": now,
                        "lastTransitionTime": now,
                    }
                    for cond, reason, message in (
                        ("MemoryPressure", "SufficientMemory", "sufficient memory available"),
                        ("DiskPressure", "NoDiskPressure", "no disk pressure"),
                        ("PIDPressure", "SufficientPID", "sufficient PID available"),
                    )
                ],
            ],
            "nodeInfo": {
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "containerRuntimeVersion": "containerd://1.7.24",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "osImage": "kubelearn simulated ship",
                "kernelVersion": "6.1.0-kubelearn",
            },
        },
    }
