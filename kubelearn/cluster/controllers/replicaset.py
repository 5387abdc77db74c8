"""The ReplicaSet controller: keep ``spec.replicas`` pods alive, no more, no fewer.

Mirrors ``pkg/controller/replicaset`` (kube-controller-manager 1.32). Level-based: each sync
counts the active pods the ReplicaSet controls (``ownerReferences`` with ``controller:
true``), adopts orphans its selector matches, releases pods whose labels no longer match,
then creates the missing pods (``generateName: <rs>-``, event ``SuccessfulCreate``) or
deletes the extra ones in upstream's ``getPodsToDelete`` order (``SuccessfulDelete``), and
writes ``status`` through the status subresource.
Simplified: no expectations or slow-start batches (creates cannot race here), and the
"doubled up on a node" rank counts only this ReplicaSet's pods. Lesson: "Self-healing".
"""

from __future__ import annotations

from collections.abc import Iterable

from ..apiserver.defaults import apply_defaults
from ..apiserver.events import NORMAL, WARNING
from ..errors import StatusError
from ..objects import Key, Obj, clone, controller_ref, key_of, labels_of, owner_reference, uid_of
from ..selectors import from_label_selector, matches
from ..store import DELETED, WatchEvent
from . import pod_ranking
from .base import Context, Result
from .pod_index import coalesce, controller_uid, is_active, is_ready, pod_index, ready_condition

NAME = "replicaset"
COMPONENT = "replicaset-controller"
WATCHES = ("ReplicaSet", "Pod")


def _manage_signature(pod: Obj | None) -> tuple[object, ...]:
    if pod is None:
        return ()
    return (controller_uid(pod), is_active(pod), labels_of(pod))


def _status_signature(pod: Obj | None) -> tuple[object, ...]:
    if pod is None:
        return ()
    cond = ready_condition(pod) or {}
    return (cond.get("status"), cond.get("lastTransitionTime"))


def _manage_changed(old: Obj | None, new: Obj | None) -> bool:
    """``_manage_signature(old) != _manage_signature(new)``, without building either when the
    parts are the very same objects (a status write shares metadata's parts with the version before)."""
    if old is None or new is None:
        return _manage_signature(old) != _manage_signature(new)
    old_meta, new_meta = old["metadata"], new["metadata"]
    if old_meta.get("ownerReferences") is not new_meta.get("ownerReferences") and controller_uid(old) != controller_uid(
        new
    ):
        return True
    if old_meta.get("labels") is not new_meta.get("labels") and labels_of(old) != labels_of(new):
        return True
    return is_active(old) != is_active(new)


def _status_changed(old: Obj | None, new: Obj | None) -> bool:
    if old is not None and new is not None:
        old_status, new_status = old.get("status"), new.get("status")
        if old_status is new_status or (
            old_status is not None
            and new_status is not None
            and old_status.get("conditions") is new_status.get("conditions")
        ):
            return False
    return _status_signature(old) != _status_signature(new)


def _rs_key_for(ctx: Context, pod: Obj | None) -> Key | None:
    ref = controller_ref(pod) if pod is not None else None
    if ref and ref.get("kind") == "ReplicaSet":
        return ("ReplicaSet", pod["metadata"].get("namespace", ""), ref["name"])  # type: ignore[index]
    return None


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    if event.kind == "ReplicaSet":
        return [] if event.type == DELETED else [key_of(event.object)]
    old, new = pod_index(ctx).observe(event)
    if old is not None and new is not None:
        old_meta, new_meta = old["metadata"], new["metadata"]
        if (
            old_meta.get("ownerReferences") is new_meta.get("ownerReferences")
            and old_meta.get("labels") is new_meta.get("labels")
            and is_active(old) == is_active(new)
        ):
            # The usual update (a bind or a status write shares owners and labels with the
            # version before): only readiness can matter, and that is synced once per instant.
            if _status_changed(old, new):
                key = _rs_key_for(ctx, new)
                if key is not None:
                    coalesce(ctx, NAME, key, reconcile)
            return ()
    keys: list[Key] = []
    if _manage_changed(old, new):
        for pod in (old, new):
            key = _rs_key_for(ctx, pod)
            if key is not None and key not in keys:
                keys.append(key)
        if new is not None and controller_ref(new) is None and is_active(new):
            keys.extend(_matching_replicasets(ctx, new))
    elif _status_changed(old, new):
        key = _rs_key_for(ctx, new)
        if key is not None:
            coalesce(ctx, NAME, key, reconcile)
    return keys


def _matching_replicasets(ctx: Context, pod: Obj) -> list[Key]:
    labels = labels_of(pod)
    ns = pod["metadata"].get("namespace", "")
    return [
        key_of(rs)
        for rs in ctx.store.iter_kind("ReplicaSet", ns)
        if matches(from_label_selector(rs["spec"].get("selector")), labels)
    ]


def reconcile(ctx: Context, key: Key) -> Result:
    rs = ctx.store.peek(*key)
    if rs is None:
        return Result()
    selector = from_label_selector(rs["spec"].get("selector"))
    owned = _claim_pods(ctx, rs, selector)
    active = [pod for pod in owned if is_active(pod)]
    error = None
    if not rs["metadata"].get("deletionTimestamp"):
        error = _manage_replicas(ctx, rs, active)
        if error is None:
            active = [pod for pod in pod_index(ctx).owned_by(uid_of(rs)) if is_active(pod)]
    return _sync_status(ctx, rs, active, error)


def _claim_pods(ctx: Context, rs: Obj, selector: object) -> list[Obj]:
    """``ClaimPods``: adopt matching orphans, release owned pods that stopped matching."""
    index = pod_index(ctx)
    uid = uid_of(rs)
    ns = rs["metadata"].get("namespace", "")
    owned: list[Obj] = []
    # Pods stamped from one template share their labels dict (stored objects are never changed
    # in place), so the selector is matched once per distinct labels object, not once per pod.
    seen_labels: object = None
    matched = False
    for pod in index.owned_by(uid):
        labels = labels_of(pod)
        if labels is not seen_labels:
            seen_labels, matched = labels, matches(selector, labels)  # type: ignore[arg-type]
        if matched:
            owned.append(pod)
        elif not rs["metadata"].get("deletionTimestamp"):
            released = clone(pod)
            released["metadata"]["ownerReferences"] = [
                ref for ref in released["metadata"].get("ownerReferences", []) if ref.get("uid") != uid
            ]
            if not released["metadata"]["ownerReferences"]:
                del released["metadata"]["ownerReferences"]
            _write(ctx, released)
    if rs["metadata"].get("deletionTimestamp"):
        return owned
    for pod in index.orphans_in(ns):
        if controller_ref(pod) is None and is_active(pod) and matches(selector, labels_of(pod)):  # type: ignore[arg-type]
            adopted = clone(pod)
            adopted["metadata"].setdefault("ownerReferences", []).append(owner_reference(rs))
            if _write(ctx, adopted):
                owned.append(ctx.store.peek(*key_of(adopted)) or adopted)
    return owned


def _write(ctx: Context, obj: Obj) -> bool:
    try:
        ctx.api.update(obj, trusted=True)
    except StatusError:
        return False
    return True


FAILED_CREATE_BACKOFF = 5.0  # seconds; upstream's rate-limited requeue after a failed create


def _manage_replicas(ctx: Context, rs: Obj, active: list[Obj]) -> str | None:
    diff = len(active) - int(rs["spec"].get("replicas", 1))
    if diff < 0:
        backoff = ctx.extras.setdefault("replicaset_backoff", {})
        uid = uid_of(rs)
        held = backoff.get(uid)
        if held is not None and ctx.clock.now < held[0]:
            return held[1]  # the work queue's rate limiter: retry a failing create later, not in a loop
        prototype = new_pod(rs)
        for _ in range(-diff):
            try:
                # The pods share the prototype's spec (copy_in=False): it is never changed after this.
                pod, _warnings = ctx.api.create(prototype, trusted=True, copy_out=False, copy_in=False)
            except StatusError as exc:
                ctx.events.record(rs, WARNING, "FailedCreate", f"Error creating: {exc.message}", COMPONENT)
                error = f"FailedCreate: {exc.message}"
                backoff[uid] = (ctx.clock.now + FAILED_CREATE_BACKOFF, error)
                return error
            ctx.events.record(rs, NORMAL, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", COMPONENT)
        backoff.pop(uid, None)
    elif diff > 0:
        for pod in pod_ranking.pods_to_delete(active, diff, ctx.clock.now, ctx.clock.parse):
            name = pod["metadata"]["name"]
            try:
                ctx.api.delete("Pod", pod["metadata"].get("namespace", ""), name)
            except StatusError as exc:
                if exc.code != 404:
                    ctx.events.record(rs, WARNING, "FailedDelete", f"Error deleting: {exc.message}", COMPONENT)
                    return f"FailedDelete: {exc.message}"
                continue
            ctx.events.record(rs, NORMAL, "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)
    return None


def new_pod(owner: Obj, extra_labels: dict[str, str] | None = None, prefix: str | None = None) -> Obj:
    """``GetPodFromTemplate``: a pod from the owner's template, owned by it."""
    template = owner["spec"].get("template") or {}
    tmeta = template.get("metadata") or {}
    name = owner["metadata"]["name"]
    meta: Obj = {
        "generateName": prefix if prefix is not None else f"{name[:58]}-",
        "namespace": owner["metadata"].get("namespace", "default"),
        "labels": {**(tmeta.get("labels") or {}), **(extra_labels or {})},
        "ownerReferences": [owner_reference(owner)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": clone(template.get("spec") or {})}
    apply_defaults(pod, creating=True)  # what the API server does to a controller's untyped create
    return pod


def available(pod: Obj, min_ready_seconds: int, now: float, parse: object) -> bool:
    """``podutil.IsPodAvailable``: Ready for at least ``minReadySeconds``."""
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = (ready_condition(pod) or {}).get("lastTransitionTime")
    return since is not None and parse(since) + min_ready_seconds <= now  # type: ignore[operator]


def _fully_labeled(template_labels: dict[str, str], pods: list[Obj]) -> int:
    """Pods carrying every template label (``fullyLabeledReplicas``), once per labels object."""
    count = 0
    seen_labels: object = None
    fully = False
    for pod in pods:
        labels = labels_of(pod)
        if labels is not seen_labels:
            seen_labels, fully = labels, template_labels.items() <= labels.items()
        count += fully
    return count


def _sync_status(ctx: Context, rs: Obj, active: list[Obj], error: str | None) -> Result:
    rs = ctx.store.peek(*key_of(rs)) or rs
    template_labels = ((rs["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    min_ready = int(rs["spec"].get("minReadySeconds") or 0)
    now = ctx.clock.now
    ready = [pod for pod in active if is_ready(pod)]
    if min_ready <= 0:
        n_available = len(ready)  # ``available`` is just "ready" without minReadySeconds
    else:
        n_available = sum(1 for pod in ready if available(pod, min_ready, now, ctx.clock.parse))
    fully = _fully_labeled(template_labels, active)
    status: Obj = {
        "replicas": len(active),
        "fullyLabeledReplicas": fully,
        "readyReplicas": len(ready),
        "availableReplicas": n_available,
        "observedGeneration": rs["metadata"].get("generation", 1),
    }
    status = {k: v for k, v in status.items() if v or k == "replicas"}
    conditions = [c for c in (rs.get("status") or {}).get("conditions") or () if c.get("type") != "ReplicaFailure"]
    if error:
        reason, _, message = error.partition(": ")
        conditions.append(
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": ctx.clock.timestamp(),
                "reason": reason,
                "message": message,
            }
        )
    if conditions:
        status["conditions"] = conditions
    if status != rs.get("status"):
        updated = clone(rs)
        updated["status"] = status
        ctx.api.update(updated, subresource="status", trusted=True)
    replicas = int(rs["spec"].get("replicas", 1))
    if error and error.startswith("FailedCreate"):
        return Result(requeue_after=FAILED_CREATE_BACKOFF)
    if min_ready > 0 and len(ready) == replicas and n_available != replicas:
        return Result(requeue_after=float(min_ready))
    return Result()
