"""The kubelet's private memory: what the container runtime knows that the API does not.

A real kubelet asks containerd which containers exist, when they started and how they
exited; ours keeps the same facts in ``PodRecord``/``ContainerRecord`` objects, one per pod
bound to a node, held in ``ctx.extras["kubelet"]`` (``KubeletState``). Also here: the
per-node image cache (which images a ship already has) and pod IP allocation from the
node's ``podCIDR`` (host-local IPAM: next free address after the last one handed out).
These are not in snapshots; after a restore the kubelet re-adopts running containers from
``status.containerStatuses`` (as a restarted kubelet re-lists the runtime) and logs restart.
"""

from __future__ import annotations

import ipaddress
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..objects import Key
from .images import ImageRef
from .program import Program
from .stages import WAITING

STATE_KEY = "kubelet"
LOG_LINES = 1000  # lines kept per container run (the runtime rotates logs upstream)
HISTORY = 2  # runs kept per container: the current one and the previous one


@dataclass(slots=True)
class Run:
    """One start of a container: its program and the lines it printed beyond the program."""

    started_at: float
    program: Program
    env: dict[str, str]
    finished_at: float | None = None
    # Lines served traffic printed (access logs); made on the first one: most runs print none,
    # and an empty bounded deque costs more than half a kilobyte per container.
    extra: deque[tuple[float, str]] | None = None

    def log(self, at: float, line: str) -> None:
        if self.extra is None:
            self.extra = deque(maxlen=LOG_LINES)
        self.extra.append((at, line))


@dataclass(slots=True)
class ContainerRecord:
    name: str
    init: bool
    spec: dict[str, Any]
    image: ImageRef
    stage: str = WAITING
    until: float | None = None  # when the current stage ends
    stage_since: float = 0.0
    pull_present: bool = False  # the Pulled event says "already present"
    pull_started: float = 0.0
    message: str = ""  # state.waiting.message
    pull_error: str = ""
    pull_backoff: float = 0.0
    backoff: float = 0.0  # the crash back-off the next exit will wait (0: restart at once)
    backoff_at: float = 0.0  # when the back-off was last raised (upstream resets it after 2x the max)
    runs: int = 0
    container_id: str = ""
    started_at: float | None = None
    exit_code: int = 0
    exit_reason: str = ""
    exit_message: str = ""
    last_term: dict[str, Any] | None = None  # the most recent exit, as state.terminated
    prev_term: dict[str, Any] | None = None  # the one before (lastState while terminated)
    ready: bool = False
    ready_at: float | None = None  # readiness without a probe
    next_ready_probe: float | None = None
    ready_failures: int = 0
    ready_successes: int = 0
    ready_probe_runs: int = 0
    next_live_probe: float | None = None
    live_failures: int = 0
    history: list[Run] = field(default_factory=list)  # the current run and the one before it
    env: dict[str, str] = field(default_factory=dict)

    @property
    def run(self) -> Run | None:
        return self.history[-1] if self.history else None

    def add_run(self, run: Run) -> None:
        """Start a new run; only the previous one is kept (``kubectl logs --previous``)."""
        history = self.history
        history.append(run)
        if len(history) > HISTORY:
            del history[0]

    def due(self) -> float | None:
        """The earliest of the container's pending moments (None when it waits for nothing)."""
        due = self.until
        for t in (self.ready_at, self.next_ready_probe, self.next_live_probe):
            if t is not None and (due is None or t < due):
                due = t
        return due


@dataclass(slots=True)
class PodRecord:
    key: Key
    uid: str
    node: str
    ip: str
    host_ip: str
    start_time: str
    restart_policy: str
    init: list[ContainerRecord]
    app: list[ContainerRecord]
    mounted: bool = False
    mount_error: str = ""
    initialized: bool = False
    terminating: bool = False
    remove_at: float | None = None
    wake: float | None = None  # the earliest pending timer for this pod
    # (status signature, the stored status it produced) after the last write: lets the next
    # write skip building a status that could only come out the same (``kubelet.write_status``).
    written: tuple[tuple[object, ...], Any] | None = None
    changed: bool = True

    def containers(self) -> list[ContainerRecord]:
        return self.init + self.app if self.init else self.app

    def due(self) -> float | None:
        due = self.remove_at
        for c in self.containers():
            t = c.due()
            if t is not None and (due is None or t < due):
                due = t
        return due


class NodeIpam:
    """host-local IPAM over one node's podCIDR: hand out the next free address after the last one."""

    def __init__(self, cidr: str) -> None:
        try:
            self.network = ipaddress.ip_network(cidr or "10.244.0.0/24", strict=False)
        except ValueError:  # e.g. 10.244.300.0/24 from a big benchmark fleet: spill into the next octet
            octets = [int(x) if x.isdigit() else 0 for x in cidr.split("/")[0].split(".")]
            index = ([*octets, 0, 0, 0, 0])[2]
            second = ([*octets, 0, 0])[1] + index // 256
            self.network = ipaddress.ip_network(f"10.{second % 256}.{index % 256}.0/24")
        self.size = self.network.num_addresses
        self.last = 1  # .1 is the gateway
        self.used: dict[str, str] = {}

    def allocate(self, uid: str) -> str | None:
        base = int(self.network.network_address)
        v4 = self.network.version == 4
        for step in range(1, self.size - 2):
            offset = (self.last - 2 + step) % (self.size - 3) + 2
            n = base + offset
            ip = f"{n >> 24}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" if v4 else str(ipaddress.ip_address(n))
            if ip not in self.used:
                self.used[ip] = uid
                self.last = offset
                return ip
        return None

    def reserve(self, ip: str, uid: str) -> None:
        self.used[ip] = uid

    def release(self, ip: str, uid: str) -> None:
        if self.used.get(ip) == uid:
            del self.used[ip]

    def range_text(self) -> str:
        base = int(self.network.network_address)
        return f"{ipaddress.ip_address(base + 1)}-{ipaddress.ip_address(base + self.size - 2)}"


@dataclass(slots=True)
class KubeletState:
    pods: dict[Key, PodRecord] = field(default_factory=dict)
    by_node: dict[str, set[Key]] = field(default_factory=dict)
    # node -> image reference -> simulated time the image is (or will be) on the node
    images: dict[str, dict[str, float]] = field(default_factory=dict)
    ipam: dict[str, NodeIpam] = field(default_factory=dict)
    # (kind, namespace, name) of a missing ConfigMap/Secret/PVC -> pods waiting for it
    blocked: dict[Key, set[Key]] = field(default_factory=dict)
    seeded: bool = False
    failed_nodes: set[str] = field(default_factory=set)
    writing: Key | None = None  # the pod whose status the kubelet is writing (its own echo is ignored)


def state_of(ctx: Any) -> KubeletState:
    state = ctx.extras.get(STATE_KEY)
    if state is None:
        state = ctx.extras[STATE_KEY] = KubeletState()
    return state  # type: ignore[no-any-return]
