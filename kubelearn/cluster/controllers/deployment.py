"""The Deployment controller: roll ReplicaSets from one pod template to the next.

Mirrors ``pkg/controller/deployment`` (kube-controller-manager 1.32) ``syncDeployment``:
claim the ReplicaSets the selector matches, then either only resize (paused, or replicas
changed: ``sync``) or roll out (``rolloutRolling`` / ``rolloutRecreate``, see
``deployment_rollout``), and finally write ``status`` with the ``Available`` and
``Progressing`` conditions in upstream's words (``ReplicaSet "web-7c5d" is progressing.``,
``... has timed out progressing.``). A rollout that has not finished is looked at again
every ``timings.progress_check`` seconds (and just after its deadline) so that
``ProgressDeadlineExceeded`` appears on time; a finished one asks for nothing.
Simplified: all writes of one sync are gathered into one status write. Lesson: "Deployment".
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import StatusError
from ..objects import Key, Obj, clone, controller_ref, key_of, labels_of, owner_reference, uid_of
from ..selectors import from_label_selector, matches
from ..store import DELETED, WatchEvent
from . import deployment_util as du
from .base import Context, Result
from .deployment_rollout import Rollout
from .pod_index import is_active

NAME = "deployment"
WATCHES = ("Deployment", "ReplicaSet", "Pod")


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    obj = event.object
    ns = obj["metadata"].get("namespace", "")
    if event.kind == "Deployment":
        return [] if event.type == DELETED else [key_of(obj)]
    if event.kind == "ReplicaSet":
        ref = controller_ref(obj)
        if ref is not None:
            return [("Deployment", ns, ref["name"])] if ref.get("kind") == "Deployment" else []
        if event.type == DELETED:
            return []
        labels = labels_of(obj)
        return [
            key_of(d)
            for d in ctx.store.iter_kind("Deployment", ns)
            if matches(from_label_selector(d["spec"].get("selector")), labels)
        ]
    # Pods matter only to Recreate, which waits for the old ones to be gone.
    if event.type != DELETED and is_active(obj):
        return []
    ref = controller_ref(obj)
    rs = ctx.store.peek("ReplicaSet", ns, ref["name"]) if ref and ref.get("kind") == "ReplicaSet" else None
    owner = controller_ref(rs) if rs is not None else None
    if owner is None or owner.get("kind") != "Deployment":
        return []
    d = ctx.store.peek("Deployment", ns, owner["name"])
    if d is None or (d["spec"].get("strategy") or {}).get("type") != "Recreate":
        return []
    return [key_of(d)]


def reconcile(ctx: Context, key: Key) -> Result:
    stored = ctx.store.peek(*key)
    if stored is None:
        return Result()
    d = clone(stored)
    d.setdefault("status", {})
    ro = Rollout(ctx, d, _claim_replicasets(ctx, d))
    if d["metadata"].get("deletionTimestamp"):
        ro.find_new_rs(create=False)
        return _sync_status(ctx, ro, stored)
    _check_paused_conditions(ctx, d)
    if d["spec"].get("paused") or ro.is_scaling_event():
        ro.scale()
        if d["spec"].get("paused"):
            ro.cleanup()
        return _sync_status(ctx, ro, stored)
    if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
        ro.rollout_recreate()
    else:
        ro.rollout_rolling()
    return _sync_rollout_status(ctx, ro, stored)


def _claim_replicasets(ctx: Context, d: Obj) -> list[Obj]:
    selector = from_label_selector(d["spec"].get("selector"))
    uid = uid_of(d)
    deleting = bool(d["metadata"].get("deletionTimestamp"))
    owned: list[Obj] = []
    for rs in ctx.store.iter_kind("ReplicaSet", d["metadata"].get("namespace", "")):
        ref = controller_ref(rs)
        fits = matches(selector, labels_of(rs))
        if ref is not None and ref.get("uid") == uid:
            if fits or deleting:
                owned.append(clone(rs))
                continue
            updated = clone(rs)
            updated["metadata"]["ownerReferences"] = [
                r for r in rs["metadata"]["ownerReferences"] if r.get("uid") != uid
            ]
            _write(ctx, updated)
        elif ref is None and fits and not deleting and not rs["metadata"].get("deletionTimestamp"):
            updated = clone(rs)
            updated["metadata"].setdefault("ownerReferences", []).append(owner_reference(d))
            stored = _write(ctx, updated)
            if stored is not None:
                owned.append(stored)
    return owned


def _write(ctx: Context, obj: Obj) -> Obj | None:
    try:
        return ctx.api.update(obj, trusted=True)[0]
    except StatusError:
        return None


def _check_paused_conditions(ctx: Context, d: Obj) -> None:
    if not du.has_progress_deadline(d):
        return
    status = d["status"]
    cond = du.get_condition(status, "Progressing")
    if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
        return
    paused_cond = cond is not None and cond.get("reason") == "DeploymentPaused"
    now = ctx.clock.timestamp()
    if d["spec"].get("paused") and not paused_cond:
        du.set_condition(
            status, du.new_condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now)
        )
    elif not d["spec"].get("paused") and paused_cond:
        du.set_condition(
            status, du.new_condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now)
        )


def calculate_status(ctx: Context, ro: Rollout) -> Obj:
    """``calculateStatus``: counts from the ReplicaSets, plus the Available condition."""
    d, all_rss = ro.d, ro.all_rss()
    available = sum(du.status_of(rs, "availableReplicas") for rs in all_rss)
    total = sum(du.replicas(rs) for rs in all_rss)
    status: Obj = {
        "observedGeneration": d["metadata"].get("generation", 1),
        "replicas": sum(du.status_of(rs, "replicas") for rs in all_rss),
        "updatedReplicas": du.status_of(ro.new_rs, "replicas") if ro.new_rs is not None else 0,
        "readyReplicas": sum(du.status_of(rs, "readyReplicas") for rs in all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(0, total - available),
    }
    status = {k: v for k, v in status.items() if v}
    conditions = [dict(c) for c in d["status"].get("conditions") or ()]
    if conditions:
        status["conditions"] = conditions
    if d["status"].get("collisionCount") is not None:
        status["collisionCount"] = d["status"]["collisionCount"]
    now = ctx.clock.timestamp()
    if available >= du.replicas(d) - du.max_unavailable(d):
        cond = du.new_condition(
            "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now
        )
    else:
        cond = du.new_condition(
            "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now
        )
    du.set_condition(status, cond)
    return status


def _sync_status(ctx: Context, ro: Rollout, stored: Obj) -> Result:
    _write_status(ctx, ro.d, calculate_status(ctx, ro), stored)
    return Result()


def _sync_rollout_status(ctx: Context, ro: Rollout, stored: Obj) -> Result:
    """``syncRolloutStatus``: the Progressing condition, and when to look again."""
    d = ro.d
    status = calculate_status(ctx, ro)
    if not du.has_progress_deadline(d):
        du.remove_condition(status, "Progressing")
    current = du.get_condition(d["status"], "Progressing")
    complete = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and current is not None
        and current.get("reason") == "NewReplicaSetAvailable"
    )
    now = ctx.clock.timestamp()
    subject = f'ReplicaSet "{ro.new_rs["metadata"]["name"]}"' if ro.new_rs else f'Deployment "{d["metadata"]["name"]}"'
    if du.has_progress_deadline(d) and not complete:
        if du.deployment_complete(d, status):
            message = f"{subject} has successfully progressed."
            du.set_condition(status, du.new_condition("Progressing", "True", "NewReplicaSetAvailable", message, now))
        elif du.deployment_progressing(d, status):
            cond = du.new_condition("Progressing", "True", "ReplicaSetUpdated", f"{subject} is progressing.", now)
            if current is not None:
                if current["status"] == "True":
                    cond["lastTransitionTime"] = current["lastTransitionTime"]
                du.remove_condition(status, "Progressing")
            du.set_condition(status, cond)
        elif _timed_out(ctx, d, status):
            message = f"{subject} has timed out progressing."
            du.set_condition(status, du.new_condition("Progressing", "False", "ProgressDeadlineExceeded", message, now))
    _write_status(ctx, d, status, stored)
    return _requeue_stuck(ctx, d, status)


def _timed_out(ctx: Context, d: Obj, status: Obj) -> bool:
    cond = du.get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == "NewReplicaSetAvailable":
        return False
    if cond.get("reason") == "ProgressDeadlineExceeded":
        return True
    since = ctx.clock.parse(cond["lastUpdateTime"])
    return since + int(d["spec"]["progressDeadlineSeconds"]) < ctx.clock.now


def _requeue_stuck(ctx: Context, d: Obj, status: Obj) -> Result:
    """``requeueStuckDeployment``: only an unfinished rollout with a deadline wants another look."""
    cond = du.get_condition(status, "Progressing")
    if not du.has_progress_deadline(d) or cond is None or d["spec"].get("paused"):
        return Result()
    if du.deployment_complete(d, status) or cond.get("reason") == "ProgressDeadlineExceeded":
        return Result()
    deadline = ctx.clock.parse(cond["lastUpdateTime"]) + int(d["spec"]["progressDeadlineSeconds"])
    after = deadline - ctx.clock.now
    if after < 1.0:
        # Past the deadline but not timed out (a scale-up stuck on capacity keeps the reason
        # NewReplicaSetAvailable): upstream's enqueueRateLimited, never an immediate requeue.
        return Result(requeue_after=float(ctx.timings.progress_check))
    return Result(requeue_after=min(float(ctx.timings.progress_check), after + 1.0))


def _write_status(ctx: Context, d: Obj, status: Obj, stored: Obj) -> None:
    annotations = d["metadata"].get("annotations")
    if status == stored.get("status") and annotations == stored["metadata"].get("annotations"):
        return
    updated = clone(d)
    updated["status"] = status
    ctx.api.update(updated, subresource="status", trusted=True)
