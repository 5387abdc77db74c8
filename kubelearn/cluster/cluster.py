"""The mini cluster: one SimClock, one store, one API server and the control loops around them.

This is the small public face of the core (``from kubelearn.cluster import Cluster``). It
boots what ``kind create cluster`` would give you — the system namespaces, a ``default``
ServiceAccount in each, the ``kubernetes`` Service and a fleet of worker nodes — and offers
``apply_text`` (what ``kubectl apply -f`` does with a file), ``step(seconds)`` and
``run_until_idle()``. Everything inside is deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import kubelet, scheduler
from .apiserver.apply import ApplyPatchError
from .apiserver.events import EventRecorder
from .apiserver.server import APIServer, ApplyResult
from .clock import DEFAULT_EPOCH, SimClock
from .controllers import (
    deployment,
    endpoints,
    garbage_collector,
    hpa,
    job,
    namespace,
    node_lifecycle,
    replicaset,
    serviceaccount,
    volume_binding,
)
from .controllers.base import Context, Controller
from .engine import Engine
from .errors import StatusError
from .fleet import make_node, ship_name
from .kinds import lookup
from .kubelet.images import parse_reference
from .manifests import Document, ManifestError, parse_manifests
from .objects import Obj, clone, name_of
from .rng import SeededRng
from .store import Store
from .timings import DEFAULT_TIMINGS, Timings

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """What happened to one document of an applied file, with the line kubectl would print."""

    source: str
    index: int
    line: int
    kind: str = ""
    name: str = ""
    outcome: str = ""  # created | configured | unchanged, or "" on error
    error: str = ""
    stored: Obj | None = field(default=None, compare=False, repr=False)  # the store's own (read-only)

    @property
    def object(self) -> Obj | None:
        """The object as stored after the apply: a private copy, made only when asked for
        (most callers print the kubectl line and never look)."""
        return clone(self.stored) if self.stored is not None else None

    @property
    def ok(self) -> bool:
        return not self.error

    def kubectl_line(self) -> str:
        if self.error:
            return self.error
        info = lookup_kind(self.kind)
        return f"{info}/{self.name} {self.outcome}"


def lookup_kind(kind: str) -> str:
    from .kinds import BY_KIND

    info = BY_KIND.get(kind)
    return info.kubectl_type if info else kind.lower()


def _image_request_cost(image: str) -> float | None:
    """Extra millicores per request/second for an image, from the kubelet's image catalogue."""
    spec = parse_reference(image).spec
    return spec.cpu_m_per_rps if spec is not None else None


def default_controllers() -> list[Controller]:
    """The control loops that run in every cluster (the controller manager's list)."""
    return [
        namespace,
        serviceaccount,
        deployment,
        replicaset,
        job,
        hpa,
        endpoints,  # workload controllers and the Endpoints controller
        scheduler,  # kube-scheduler
        node_lifecycle,  # node-controller, taint-eviction-controller, podgc
        kubelet,  # the node agent of every ship
        volume_binding,  # persistentvolume-binder (+ kind's "standard" provisioner)
        garbage_collector,
    ]  # type: ignore[list-item]


class Cluster:
    def __init__(
        self,
        seed: int = 0,
        nodes: int = 3,
        timings: Timings | None = None,
        controllers: list[Controller] | None = None,
        boot: bool = True,
        epoch: datetime | None = None,
    ) -> None:
        """``epoch`` is the wall-clock moment simulated time 0 stands for (a sandbox passes its
        creation time so kubectl's AGE column is right; tests keep the fixed default)."""
        timings = timings or DEFAULT_TIMINGS
        self.clock = SimClock(epoch or DEFAULT_EPOCH)
        self.rng = SeededRng(seed)
        self.store = Store()
        self.api = APIServer(self.store, self.clock, self.rng)
        self.events = EventRecorder(self.store, self.clock, self.rng)
        self.ctx = Context(self.api, self.store, self.clock, self.rng, self.events, timings)
        # Hooks that let the proxy and metrics reach the kubelet without importing it (layering).
        self.ctx.extras["record_request"] = kubelet.record_request
        self.ctx.extras["image_request_cost"] = _image_request_cost
        self.engine = Engine(self.ctx, controllers if controllers is not None else default_controllers())
        if boot:
            self._boot(nodes)

    def _boot(self, nodes: int) -> None:
        for ns in SYSTEM_NAMESPACES:
            self.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        for index in range(nodes):
            self.add_node(index=index)
        self.api.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]},
            }
        )
        self.engine.drain()

    def add_node(self, name: str | None = None, index: int | None = None, **kwargs: Any) -> Obj:
        if index is None:
            index = self.store.count("Node")
        node = make_node(name or ship_name(index), index, now=self.clock.timestamp(), **kwargs)
        obj, _ = self.api.create(node, trusted=True)
        return obj

    # -- time --------------------------------------------------------------------------------

    def step(self, seconds: float) -> None:
        self.engine.step(seconds)

    def run_until_idle(self, limit: float = 3600.0) -> float:
        return self.engine.run_until_idle(limit)

    # -- kubectl apply -f ------------------------------------------------------------------------

    def apply_text(
        self, text: str | bytes, source: str = "STDIN", namespace: str | None = None, dry_run: bool = False
    ) -> list[DocumentResult]:
        """Apply every document of a manifest file, reporting each one as ``kubectl apply`` does."""
        try:
            documents = parse_manifests(text, source)
        except ManifestError as exc:
            return [DocumentResult(source, 0, 1, error=str(exc))]
        results = [self.apply_document(doc, source, namespace, dry_run) for doc in documents]
        self.engine.drain()
        return results

    def apply_document(
        self, doc: Document, source: str, namespace: str | None = None, dry_run: bool = False
    ) -> DocumentResult:
        if doc.error or doc.obj is None:
            message = doc.error or "empty document"
            if not message.startswith("error: "):
                message = f"error: {message}"  # kubectl's prefix for errors found before any request
            return DocumentResult(source, doc.index, doc.line, error=message)
        obj = doc.obj
        if not isinstance(obj.get("metadata", {}), dict):
            # kubectl's unstructured accessors read a name of "" from a non-object metadata.
            obj = {**obj, "metadata": {}}
        kind, name = str(obj.get("kind", "")), str(name_of(obj))
        info = lookup(str(obj.get("apiVersion", "")), kind)
        ns = (obj.get("metadata") or {}).get("namespace") or namespace or "default"
        if info is None:
            message = (
                f'error: resource mapping not found for name: "{name}" namespace: "{ns if namespace else ""}" '
                f'from "{source}": no matches for kind "{kind}" in version "{obj.get("apiVersion", "")}"\n'
                "ensure CRDs are installed first"
            )
            return DocumentResult(source, doc.index, doc.line, kind, name, error=message)
        if not name:
            gvr = f'"{info.api_version}, Resource={info.plural}", GroupVersionKind: "{info.api_version}, Kind={kind}"'
            message = (
                "error: error when retrieving current configuration of:\n"
                f"Resource: {gvr}\n"
                f'Name: "", Namespace: "{ns if info.namespaced else ""}"\n'
                f'from server for: "{source}": resource name may not be empty'
            )
            return DocumentResult(source, doc.index, doc.line, kind, name, error=message)
        existed = self.store.peek(kind, ns if info.namespaced else "", name) is not None
        try:
            result: ApplyResult = self.api.apply(obj, namespace=namespace, dry_run=dry_run, copy_out=False)
        except ApplyPatchError as exc:
            return DocumentResult(source, doc.index, doc.line, kind, name, error=exc.message(source))
        except StatusError as exc:
            detail = exc.message.partition(" cannot be handled as a ")[2].partition(": ")[2]
            if exc.code == 400 and "Go struct field ObjectMeta." in detail:
                # kubectl decodes metadata itself (it needs name and namespace), so it fails first.
                message = f'error: unable to decode "{source}": {detail}'
                return DocumentResult(source, doc.index, doc.line, kind, name, error=message)
            verb = "patching" if existed else "creating"
            message = f'Error from server ({exc.reason}): error when {verb} "{source}": {exc.message}'
            return DocumentResult(source, doc.index, doc.line, kind, name, error=message)
        return DocumentResult(source, doc.index, doc.line, kind, name, result.outcome, stored=result.object)

    def compact(self) -> None:
        """Forget the watch history, as etcd's periodic compaction does (``--auto-compaction``).

        An idle sandbox keeps only its current objects; a watcher resuming from before the
        compaction gets 410 Gone and starts again from a fresh list, exactly as with kubectl.
        """
        self.store.rebase()

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(self, copy: bool = True) -> dict[str, Any]:
        """A JSON-serialisable picture of the cluster: store contents, clock and RNG state.

        ``copy=False`` shares the stored objects: encode it before the store changes again.
        """
        version, internal, gauss = self.rng.getstate()
        return {
            "store": self.store.dump(copy),
            "epoch": self.clock.epoch.isoformat(),
            "now": self.clock.now,
            "rng": [version, list(internal), gauss],  # what a JSON round trip gives back
        }

    @classmethod
    def restore(cls, data: dict[str, Any], timings: Any = None, controllers: list[Controller] | None = None) -> Cluster:
        epoch = datetime.fromisoformat(data["epoch"]) if data.get("epoch") else None
        cluster = cls(boot=False, timings=timings, controllers=controllers, epoch=epoch)
        loaded = Store.load(data["store"])
        for obj in loaded.iter_kind_all():
            cluster.store.restore_object(obj)
        cluster.store.revision = loaded.revision
        cluster.store.rebase()
        cluster.clock.now = float(data.get("now", 0.0))
        state = data.get("rng")
        if state:
            cluster.rng.setstate((state[0], tuple(state[1]), state[2]))
        cluster.engine.enqueue_all()
        cluster.engine.drain()
        return cluster
