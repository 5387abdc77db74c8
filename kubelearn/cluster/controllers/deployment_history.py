"""``kubectl rollout history|undo|pause|resume|restart`` over the core's verbs.

Mirrors kubectl 1.32 (``pkg/polymorphichelpers/history.go`` and ``rollback.go``): the
history is the Deployment's ReplicaSets ordered by their ``deployment.kubernetes.io/
revision`` annotation, with ``kubernetes.io/change-cause``; an undo is client-side — kubectl
finds the ReplicaSet of the wanted revision and JSON-patches its pod template (minus
``pod-template-hash``) and annotations back into the Deployment, and the controller then
rolls forward to that template as a new revision. Pause, resume and restart are plain
patches of ``spec.paused`` and the ``kubectl.kubernetes.io/restartedAt`` template annotation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..apiserver.server import JSON_PATCH, STRATEGIC_PATCH
from ..objects import Obj, clone, controller_ref, uid_of
from . import deployment_util as du
from .base import Context


@dataclass(frozen=True, slots=True)
class Revision:
    revision: int
    replicaset: str
    change_cause: str | None
    template: Obj


def _owned_replicasets(ctx: Context, d: Obj) -> list[Obj]:
    uid = uid_of(d)
    return [
        rs
        for rs in ctx.store.iter_kind("ReplicaSet", d["metadata"]["namespace"])
        if (controller_ref(rs) or {}).get("uid") == uid
    ]


def rollout_history(ctx: Context, namespace: str, name: str) -> list[Revision]:
    """Revisions of a Deployment, oldest first (``kubectl rollout history deployment/web``)."""
    d = ctx.api.get("Deployment", namespace, name)
    revisions = [
        Revision(
            du.revision(rs),
            rs["metadata"]["name"],
            (rs["metadata"].get("annotations") or {}).get(du.CHANGE_CAUSE),
            du.without_hash(rs["spec"].get("template") or {}),
        )
        for rs in _owned_replicasets(ctx, d)
        if du.revision(rs) > 0
    ]
    return sorted(revisions, key=lambda r: r.revision)


class RollbackError(ValueError):
    """kubectl's client-side errors, worded as kubectl prints them."""


def rollback(ctx: Context, namespace: str, name: str, to_revision: int = 0) -> str:
    """``kubectl rollout undo``: returns kubectl's line (``deployment.apps/web rolled back``)."""
    d = ctx.api.get("Deployment", namespace, name)
    if d["spec"].get("paused"):
        raise RollbackError(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
        )
    history = {du.revision(rs): rs for rs in _owned_replicasets(ctx, d) if du.revision(rs) > 0}
    if not history:
        raise RollbackError(f'no rollout history found for deployment "{name}"')
    if to_revision == 0:
        ordered = sorted(history)
        if len(ordered) < 2:
            raise RollbackError(f'no rollout history found for deployment "{name}"')
        to_revision = ordered[-2]
    rs = history.get(to_revision)
    if rs is None:
        raise RollbackError(f"unable to find specified revision {to_revision} in history")
    template = du.without_hash(clone(rs["spec"]["template"]))
    if not template["metadata"]["labels"]:
        template["metadata"].pop("labels")
    if du.equal_ignore_hash(template, d["spec"].get("template") or {}):
        return f"deployment.apps/{name} skipped rollback (current template already matches revision {to_revision})"
    current = d["metadata"].get("annotations") or {}
    annotations = {k: v for k, v in current.items() if k in du.SKIPPED_ANNOTATIONS}
    annotations.update(
        {k: v for k, v in (rs["metadata"].get("annotations") or {}).items() if k not in du.SKIPPED_ANNOTATIONS}
    )
    patch = [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    ctx.api.patch("Deployment", namespace, name, patch, JSON_PATCH)
    return f"deployment.apps/{name} rolled back"


def set_paused(ctx: Context, namespace: str, name: str, paused: bool) -> str:
    """``kubectl rollout pause|resume``."""
    d = ctx.api.get("Deployment", namespace, name)
    verb = "paused" if paused else "resumed"
    if bool(d["spec"].get("paused")) == paused:
        raise RollbackError(f'deployments.apps "{name}" is already {verb}')
    ctx.api.patch("Deployment", namespace, name, {"spec": {"paused": paused}}, STRATEGIC_PATCH)
    return f"deployment.apps/{name} {verb}"


def restart(ctx: Context, namespace: str, name: str) -> str:
    """``kubectl rollout restart``: stamp the template so it differs, which starts a rollout."""
    d = ctx.api.get("Deployment", namespace, name)
    if d["spec"].get("paused"):
        raise RollbackError("can't restart paused deployment (run rollout resume first)")
    stamp = ctx.clock.timestamp()
    body = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}}}
    ctx.api.patch("Deployment", namespace, name, body, STRATEGIC_PATCH)
    return f"deployment.apps/{name} restarted"
