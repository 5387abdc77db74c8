"""The scheduler cache: what kube-scheduler knows about every node, kept up to date from events.

Mirrors ``pkg/scheduler/backend/cache`` and ``framework.NodeInfo``: per node the allocatable
resources, the sum of the requests of the pods bound to it (``Requested``), the same sum with
the default non-zero requests (``NonZeroRequested``: 100m CPU / 200Mi for a container that
asks for nothing, used only for scoring) and the pod count. The engine feeds every Pod and
Node event through ``SchedulerCache.observe_*`` so a scheduling decision never rescans pods.

Simplified: no "assumed" pods (binding is synchronous here), no image or port bookkeeping;
pods of the same controller are counted per node and per zone for spreading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..apiserver.quantity import QuantityError, milli_value, value
from ..objects import Key, Obj

# schedutil.DefaultMilliCPURequest / DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
DEFAULT_SCHEDULER = "default-scheduler"
ZONE_LABEL = "topology.kubernetes.io/zone"
HARD_EFFECTS = ("NoSchedule", "NoExecute")
TERMINAL_PHASES = ("Succeeded", "Failed")  # pods in these phases no longer count on their node


@lru_cache(maxsize=4096)
def _milli(quantity: Any) -> int:
    try:
        return milli_value(quantity)
    except (QuantityError, ValueError, ArithmeticError):
        return 0


@lru_cache(maxsize=4096)
def _units(quantity: Any) -> int:
    try:
        return value(quantity)
    except (QuantityError, ValueError, ArithmeticError):
        return 0


def _container_requests(container: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """(cpu milli, memory, ephemeral-storage, non-zero cpu, non-zero memory) of one container."""
    resources = container.get("resources") or {}
    requests = resources.get("requests") or {}
    limits = resources.get("limits") or {}
    # API defaulting copies limits into missing requests; do the same for objects created trusted.
    cpu_q = requests.get("cpu", limits.get("cpu"))
    mem_q = requests.get("memory", limits.get("memory"))
    eph_q = requests.get("ephemeral-storage", limits.get("ephemeral-storage"))
    cpu = _milli(cpu_q) if cpu_q is not None else 0
    mem = _units(mem_q) if mem_q is not None else 0
    eph = _units(eph_q) if eph_q is not None else 0
    nz_cpu = cpu if cpu_q is not None else DEFAULT_MILLI_CPU_REQUEST
    nz_mem = mem if mem_q is not None else DEFAULT_MEMORY_REQUEST
    return cpu, mem, eph, nz_cpu, nz_mem


def pod_requests(spec: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """``resourcehelper.PodRequests``: containers summed, init containers as a max, plus overhead."""
    containers = spec.get("containers") or ()
    if len(containers) == 1 and not spec.get("initContainers") and not spec.get("overhead"):
        cpu, mem, eph, nz_cpu, nz_mem = _container_requests(containers[0])  # the common case
        return max(cpu, 0), max(mem, 0), max(eph, 0), max(nz_cpu, 0), max(nz_mem, 0)
    total = [0, 0, 0, 0, 0]
    for container in spec.get("containers") or ():
        for i, amount in enumerate(_container_requests(container)):
            total[i] += amount
    sidecars = [0, 0, 0, 0, 0]
    init_max = [0, 0, 0, 0, 0]
    for container in spec.get("initContainers") or ():
        reqs = _container_requests(container)
        if container.get("restartPolicy") == "Always":  # a sidecar keeps running next to the app
            sidecars = [a + b for a, b in zip(sidecars, reqs, strict=True)]
            init_max = [max(a, b) for a, b in zip(init_max, sidecars, strict=True)]
        else:
            init_max = [max(a, b + s) for a, b, s in zip(init_max, reqs, sidecars, strict=True)]
    result = [max(t + s, m) for t, s, m in zip(total, sidecars, init_max, strict=True)]
    overhead = spec.get("overhead") or {}
    if overhead:
        result[0] += _milli(overhead["cpu"]) if "cpu" in overhead else 0
        result[1] += _units(overhead["memory"]) if "memory" in overhead else 0
        result[3] += _milli(overhead["cpu"]) if "cpu" in overhead else 0
        result[4] += _units(overhead["memory"]) if "memory" in overhead else 0
    return result[0], result[1], result[2], result[3], result[4]


@dataclass(slots=True)
class PodInfo:
    """What the filters and scores need from a pod, parsed once per scheduling attempt."""

    key: Key
    uid: str
    cpu: int
    memory: int
    ephemeral: int
    nz_cpu: int
    nz_memory: int
    tolerations: list[dict[str, Any]]
    node_selector: dict[str, str]
    required_terms: list[dict[str, Any]] | None
    node_name: str
    owner: str
    priority: int
    preemption_policy: str

    @property
    def namespace(self) -> str:
        return self.key[1]

    @property
    def name(self) -> str:
        return self.key[2]

    @property
    def has_node_constraints(self) -> bool:
        return bool(self.node_selector) or self.required_terms is not None


def pod_info(pod: Obj) -> PodInfo:
    spec = pod.get("spec") or {}
    meta = pod.get("metadata") or {}
    cpu, mem, eph, nz_cpu, nz_mem = pod_requests(spec)
    affinity = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    terms = list(affinity.get("nodeSelectorTerms") or []) if affinity is not None else None
    owner = ""
    for ref in meta.get("ownerReferences") or ():
        if ref.get("controller"):
            owner = str(ref.get("uid", ""))
            break
    return PodInfo(
        key=("Pod", str(meta.get("namespace") or ""), str(meta.get("name") or "")),
        uid=str(meta.get("uid") or ""),
        cpu=cpu,
        memory=mem,
        ephemeral=eph,
        nz_cpu=nz_cpu,
        nz_memory=nz_mem,
        tolerations=list(spec.get("tolerations") or []),
        node_selector=dict(spec.get("nodeSelector") or {}),
        required_terms=terms,
        node_name=str(spec.get("nodeName") or ""),
        owner=owner,
        priority=int(spec.get("priority") or 0),
        preemption_policy=str(spec.get("preemptionPolicy") or "PreemptLowerPriority"),
    )


@dataclass(slots=True)
class NodeInfo:
    """``framework.NodeInfo``: one node plus the running total of what its pods asked for."""

    name: str
    node: Obj | None = None  # the stored Node (read-only); None while only pods mention the name
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, Any]] = field(default_factory=list)
    unschedulable: bool = False
    blocked: bool = False  # unschedulable or carrying a NoSchedule/NoExecute taint: slow path
    zone: str = ""
    alloc_cpu: int = 0
    alloc_memory: int = 0
    alloc_ephemeral: int = 0
    alloc_pods: int = 0
    req_cpu: int = 0
    req_memory: int = 0
    req_ephemeral: int = 0
    nz_cpu: int = 0
    nz_memory: int = 0
    pod_count: int = 0
    owners: dict[str, int] = field(default_factory=dict)
    pods: dict[Key, int] = field(default_factory=dict)  # bound pod -> priority (preemption victims)
    # allocatable - requested, kept with them (``refresh_free``): the scheduler's inner loop reads these.
    free_cpu: int = field(default=0, init=False)
    free_memory: int = field(default=0, init=False)
    free_ephemeral: int = field(default=0, init=False)
    # What LeastAllocated reads (allocatable and non-zero requests): part of the scheduler's
    # grouping key, so nodes in the same state are scored once.
    score_key: tuple[int, int, int, int] = field(default=(0, 0, 0, 0), init=False)

    def __post_init__(self) -> None:
        self.refresh_free()

    def refresh_free(self) -> None:
        """Recompute the derived fields after allocatable or requests changed."""
        self.free_cpu = self.alloc_cpu - self.req_cpu
        self.free_memory = self.alloc_memory - self.req_memory
        self.free_ephemeral = self.alloc_ephemeral - self.req_ephemeral
        self.score_key = (self.alloc_cpu, self.nz_cpu, self.alloc_memory, self.nz_memory)


@dataclass(slots=True)
class _Bound:
    node: str
    cpu: int
    memory: int
    ephemeral: int
    nz_cpu: int
    nz_memory: int
    owner: str
    priority: int


def _is_counted(pod: Obj) -> bool:
    """Bound and not terminal: the scheduler's pod informer ignores Succeeded and Failed pods."""
    spec = pod.get("spec") or {}
    phase = (pod.get("status") or {}).get("phase")
    return bool(spec.get("nodeName")) and phase not in TERMINAL_PHASES


def wants_scheduling(pod: Obj) -> bool:
    """An unscheduled pod for this scheduler that is not being deleted (``assignedPod`` false)."""
    spec = pod.get("spec") or {}
    meta = pod.get("metadata") or {}
    if spec.get("nodeName") or meta.get("deletionTimestamp"):
        return False
    if (pod.get("status") or {}).get("phase") in TERMINAL_PHASES:
        return False
    return (spec.get("schedulerName") or DEFAULT_SCHEDULER) == DEFAULT_SCHEDULER


class SchedulerCache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.bound: dict[Key, _Bound] = {}
        # Pods that did not fit, waiting for a cluster event or their retry: key -> generation.
        self.pending: dict[Key, int] = {}
        self.retry_at: dict[Key, float] = {}
        self.zone_owners: dict[str, dict[str, int]] = {}
        self.next_start = 0
        self.min_priority = 0  # lowest priority ever bound: no pod at or below it has victims
        self._node_list: list[NodeInfo] | None = None
        # ``plain_floor``'s answer, kept while only binds happen (they can only lower it).
        self._floor: tuple[int, int, int, int] | None = None
        self._floor_valid = False

    # -- nodes -------------------------------------------------------------------------------

    def _info(self, name: str) -> NodeInfo:
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        return info

    def node_list(self) -> list[NodeInfo]:
        """The registered nodes in the order they joined (kept until a node comes or goes)."""
        if self._node_list is None:
            self._node_list = [info for info in self.nodes.values() if info.node is not None]
        return self._node_list

    def plain_floor(self) -> tuple[int, int, int, int] | None:
        """The least room any registered node has left: (pods, cpu, memory, ephemeral-storage).

        None when there is no node, or some node is cordoned or tainted (its filters must run).
        A pod without node constraints whose requests fit the floor fits every node, so the
        scheduler can skip filtering a fleet node by node (``framework.schedule``). Binds keep
        it up to date (room only shrinks); any other change recomputes it when next asked.
        """
        if not self._floor_valid:
            nodes = self.node_list()
            if not nodes or any(info.blocked for info in nodes):
                self._floor = None
            else:
                self._floor = (
                    min(info.alloc_pods - info.pod_count for info in nodes),
                    min(info.free_cpu for info in nodes),
                    min(info.free_memory for info in nodes),
                    min(info.free_ephemeral for info in nodes),
                )
            self._floor_valid = True
        return self._floor

    def observe_node(self, node: Obj) -> bool:
        """Refresh one node; True when something a filter looks at changed."""
        self._floor_valid = False
        info = self._info(node["metadata"]["name"])
        spec = node.get("spec") or {}
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        labels = node["metadata"].get("labels") or {}
        taints = list(spec.get("taints") or [])
        before = (info.labels, info.taints, info.unschedulable, info.alloc_cpu, info.alloc_memory, info.alloc_pods)
        was_real = info.node is not None
        old_zone = info.zone
        info.node = node
        info.labels = labels
        info.taints = taints
        info.unschedulable = bool(spec.get("unschedulable"))
        info.blocked = info.unschedulable or any(t.get("effect") in HARD_EFFECTS for t in taints)
        info.zone = labels.get(ZONE_LABEL, "")
        info.alloc_cpu = _milli(allocatable["cpu"]) if "cpu" in allocatable else 0
        info.alloc_memory = _units(allocatable["memory"]) if "memory" in allocatable else 0
        info.alloc_ephemeral = _units(allocatable["ephemeral-storage"]) if "ephemeral-storage" in allocatable else 0
        info.alloc_pods = _units(allocatable["pods"]) if "pods" in allocatable else 0
        info.refresh_free()
        if old_zone != info.zone:
            for owner, count in info.owners.items():
                self._add_zone_owner(old_zone, owner, -count)
                self._add_zone_owner(info.zone, owner, count)
        after = (info.labels, info.taints, info.unschedulable, info.alloc_cpu, info.alloc_memory, info.alloc_pods)
        if not was_real:
            self._node_list = None
        return not was_real or before != after

    def forget_node(self, name: str) -> None:
        info = self.nodes.get(name)
        if info is None:
            return
        self._node_list = None
        self._floor_valid = False
        if info.pods:
            info.node = None  # pods still point at it until PodGC removes them
        else:
            del self.nodes[name]

    # -- pods --------------------------------------------------------------------------------

    def _add_zone_owner(self, zone: str, owner: str, delta: int) -> None:
        if not owner or not zone or not delta:
            return
        counts = self.zone_owners.setdefault(zone, {})
        counts[owner] = counts.get(owner, 0) + delta
        if counts[owner] <= 0:
            del counts[owner]

    def observe_pod(self, pod: Obj, key: Key | None = None) -> bool:
        """Account a pod's change; True when it released capacity on some node."""
        if key is None:
            key = ("Pod", pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
        old = self.bound.get(key)
        if _is_counted(pod):
            if old is not None and old.node == pod["spec"]["nodeName"]:
                return False  # requests of a bound pod are immutable (no in-place resize here)
            freed = self._unbind(key) if old is not None else False
            self._bind(key, pod)
            return freed
        return self._unbind(key) if old is not None else False

    def forget_pod(self, key: Key) -> bool:
        self.pending.pop(key, None)
        self.retry_at.pop(key, None)
        return self._unbind(key) if key in self.bound else False

    def _bind(self, key: Key, pod: Obj) -> None:
        spec = pod["spec"]
        cpu, mem, eph, nz_cpu, nz_mem = pod_requests(spec)
        owner = ""
        for ref in pod["metadata"].get("ownerReferences") or ():
            if ref.get("controller"):
                owner = str(ref.get("uid", ""))
                break
        entry = _Bound(spec["nodeName"], cpu, mem, eph, nz_cpu, nz_mem, owner, int(spec.get("priority") or 0))
        self.bound[key] = entry
        self.min_priority = min(self.min_priority, entry.priority)
        info = self._info(entry.node)
        info.req_cpu += cpu
        info.req_memory += mem
        info.req_ephemeral += eph
        info.nz_cpu += nz_cpu
        info.nz_memory += nz_mem
        info.refresh_free()
        info.pod_count += 1
        info.pods[key] = entry.priority
        if owner:
            info.owners[owner] = info.owners.get(owner, 0) + 1
            self._add_zone_owner(info.zone, owner, 1)
        floor = self._floor
        if floor is not None and info.node is not None:
            self._floor = (
                min(floor[0], info.alloc_pods - info.pod_count),
                min(floor[1], info.free_cpu),
                min(floor[2], info.free_memory),
                min(floor[3], info.free_ephemeral),
            )

    def _unbind(self, key: Key) -> bool:
        self._floor_valid = False
        entry = self.bound.pop(key)
        info = self.nodes.get(entry.node)
        if info is None:
            return True
        info.req_cpu -= entry.cpu
        info.req_memory -= entry.memory
        info.req_ephemeral -= entry.ephemeral
        info.nz_cpu -= entry.nz_cpu
        info.nz_memory -= entry.nz_memory
        info.refresh_free()
        info.pod_count -= 1
        info.pods.pop(key, None)
        if entry.owner:
            left = info.owners.get(entry.owner, 0) - 1
            if left > 0:
                info.owners[entry.owner] = left
            else:
                info.owners.pop(entry.owner, None)
            self._add_zone_owner(info.zone, entry.owner, -1)
        if info.node is None and not info.pods:
            del self.nodes[entry.node]
        return True


def cache_of(ctx: Any) -> SchedulerCache:
    """The cluster's scheduler cache, built from the store the first time it is needed."""
    cache = ctx.extras.get("scheduler.cache")
    if cache is None:
        cache = ctx.extras["scheduler.cache"] = SchedulerCache()
        for node in ctx.store.iter_kind("Node"):
            cache.observe_node(node)
        for pod in ctx.store.iter_kind("Pod"):
            cache.observe_pod(pod)
    return cache  # type: ignore[no-any-return]
