"""The Job controller: run pods to completion, retrying failures up to ``backoffLimit``.

Mirrors ``pkg/controller/job`` (kube-controller-manager 1.32) for NonIndexed Jobs: keep
``min(parallelism, completions - succeeded)`` pods active, labelled ``batch.kubernetes.io/
job-name`` / ``job-name`` and ``batch.kubernetes.io/controller-uid`` / ``controller-uid``;
count succeeded and failed pods; replace a failed pod after the pod-failure backoff (10 s
doubling, upstream ``DefaultJobPodFailureBackOff``); finish with ``SuccessCriteriaMet`` +
``Complete`` (``Reached expected number of succeeded pods``, event ``Completed``) or, past
``backoffLimit``, ``FailureTarget`` + ``Failed`` (``BackoffLimitExceeded``, ``Job has reached
the specified backoff limit``) after deleting the active pods.
Simplified: no finalizer-based tracking, Indexed mode, podFailurePolicy, activeDeadlineSeconds
or TTL. Lesson: "Jobs".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from ..apiserver.events import NORMAL, WARNING
from ..errors import StatusError
from ..objects import Key, Obj, clone, controller_ref, key_of
from ..store import DELETED, WatchEvent
from .base import Context, Result
from .pod_index import is_active, is_ready, pod_index
from .replicaset import new_pod

NAME = "job"
COMPONENT = "job-controller"
WATCHES = ("Job", "Pod")
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 360.0


def keys_for(event: WatchEvent, ctx: Context) -> Iterable[Key]:
    if event.kind == "Job":
        return [] if event.type == DELETED else [key_of(event.object)]
    old, new = pod_index(ctx).observe(event)
    if (
        old is not None
        and new is not None
        and old["metadata"].get("ownerReferences") is new["metadata"].get("ownerReferences")
    ):
        old = None  # the same owners (a status write): looking at one version is enough
    keys = []
    for pod in (old, new):
        ref = controller_ref(pod) if pod is not None else None
        if ref and ref.get("kind") == "Job":
            key = ("Job", pod["metadata"].get("namespace", ""), ref["name"])  # type: ignore[index]
            if key not in keys:
                keys.append(key)
    return keys


def _phase(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase", ""))


def _condition(kind: str, reason: str, message: str, now: str) -> Obj:
    return {
        "type": kind,
        "status": "True",
        "lastProbeTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }


def _finished(job: Obj) -> bool:
    return any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
        for c in (job.get("status") or {}).get("conditions") or ()
    )


def reconcile(ctx: Context, key: Key) -> Result:
    stored = ctx.store.peek(*key)
    if stored is None or _finished(stored):
        return Result()
    job = clone(stored)
    spec, status = job["spec"], job.setdefault("status", {})
    now, now_stamp = ctx.clock.now, ctx.clock.timestamp()
    pods = sorted(pod_index(ctx).owned_by(job["metadata"]["uid"]), key=lambda p: p["metadata"]["name"])
    active = [p for p in pods if is_active(p)]
    succeeded = sum(1 for p in pods if _phase(p) == "Succeeded")
    failed_pods = [p for p in pods if _phase(p) == "Failed"]
    restarts = sum(
        int(cs.get("restartCount", 0))
        for p in pods
        if (p["spec"].get("restartPolicy") == "OnFailure")
        for cs in (p.get("status") or {}).get("containerStatuses") or ()
    )
    failed = len(failed_pods) + restarts
    status.setdefault("startTime", now_stamp)
    completions = spec.get("completions")
    parallelism = int(spec.get("parallelism", 1))
    requeue = None
    if failed > int(spec.get("backoffLimit", 6)):
        for pod in active:
            _delete(ctx, pod)
        active = []
        message = "Job has reached the specified backoff limit"
        status["conditions"] = [
            *(status.get("conditions") or []),
            _condition("FailureTarget", "BackoffLimitExceeded", message, now_stamp),
            _condition("Failed", "BackoffLimitExceeded", message, now_stamp),
        ]
        ctx.events.record(job, WARNING, "BackoffLimitExceeded", message, COMPONENT)
    elif (completions is not None and succeeded >= int(completions)) or (
        completions is None and succeeded > 0 and not active
    ):
        message = "Reached expected number of succeeded pods"
        status["conditions"] = [
            *(status.get("conditions") or []),
            _condition("SuccessCriteriaMet", "CompletionsReached", message, now_stamp),
            _condition("Complete", "CompletionsReached", message, now_stamp),
        ]
        status["completionTime"] = now_stamp
        ctx.events.record(job, NORMAL, "Completed", "Job completed", COMPONENT)
    elif not spec.get("suspend"):
        want = parallelism if completions is None else min(parallelism, int(completions) - succeeded)
        if completions is None and succeeded > 0:
            want = 0
        wait = _backoff_remaining(ctx, failed_pods, failed, now)
        if len(active) < want and wait > 0:
            requeue = wait
        for _ in range(max(0, want - len(active)) if wait <= 0 else 0):
            extra = {
                "batch.kubernetes.io/controller-uid": job["metadata"]["uid"],
                "batch.kubernetes.io/job-name": job["metadata"]["name"],
                "controller-uid": job["metadata"]["uid"],
                "job-name": job["metadata"]["name"],
            }
            try:
                pod, _ = ctx.api.create(new_pod(stored, extra), trusted=True)
            except StatusError as exc:
                ctx.events.record(job, WARNING, "FailedCreate", f"Error creating: {exc.message}", COMPONENT)
                break
            active.append(pod)
            ctx.events.record(job, NORMAL, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", COMPONENT)
    status.update(
        active=len(active),
        succeeded=succeeded,
        failed=failed,
        ready=sum(1 for p in active if is_ready(p)),
        terminating=sum(1 for p in pods if p["metadata"].get("deletionTimestamp")),
        uncountedTerminatedPods={},
    )
    for field in ("active", "succeeded", "failed"):
        if not status[field]:
            del status[field]
    if status != stored.get("status"):
        ctx.api.update(job, subresource="status", trusted=True)
    return Result(requeue_after=requeue)


def _backoff_remaining(ctx: Context, failed_pods: list[Obj], failures: int, now: float) -> float:
    """Seconds until a replacement may start: 10 s after the last failure, doubling per failure."""
    if failures == 0 or not failed_pods:
        return 0.0
    delay = min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (failures - 1))
    finished = []
    for pod in failed_pods:
        stamps = [
            ((cs.get("state") or {}).get("terminated") or {}).get("finishedAt")
            for cs in (pod.get("status") or {}).get("containerStatuses") or ()
        ]
        stamps += [c.get("lastTransitionTime") for c in (pod.get("status") or {}).get("conditions") or ()]
        stamps.append(pod["metadata"].get("creationTimestamp"))
        known = [ctx.clock.parse(s) for s in stamps if s]
        if known:
            finished.append(max(known))
    last = max(finished, default=now)
    return max(0.0, last + delay - now)


def _delete(ctx: Context, pod: Obj) -> None:
    with contextlib.suppress(StatusError):
        ctx.api.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
