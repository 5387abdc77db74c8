"""``kubectl rollout status|history|undo|restart|pause|resume`` for Deployments.

Mirrors ``pkg/cmd/rollout`` with ``polymorphichelpers``: ``status`` evaluates the
DeploymentStatusViewer rules once, on the current state — real kubectl keeps watching and
prints a new line at each change; here the command prints the line for *now* and exits 0
(run it again, or let time pass, to see progress); a deployment past its progress deadline
exits 1 as kubectl does. ``history`` prints the REVISION/CHANGE-CAUSE table (``--revision=N``
the pod template); ``undo``, ``restart``, ``pause`` and ``resume`` use the core's helpers.
"""

from __future__ import annotations

from kubelearn.cluster.controllers import deployment_history as history
from kubelearn.cluster.errors import StatusError

from .describe_pods import pod_template
from .describe_text import Writer
from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import parse_targets
from .tabwriter import tabwrite

STATUS_FLAGS = (Flag("watch", "w", default=True), Flag("timeout", kind="str"), Flag("revision", kind="int"))
HISTORY_FLAGS = (Flag("revision", kind="int", default=0), Flag("output", "o", "str"))
UNDO_FLAGS = (Flag("to-revision", kind="int", default=0), Flag("dry-run", kind="str"))
SIMPLE_FLAGS = (Flag("selector", "l", "str"),)


def _deployment(inv: Invocation, p: Parsed, sub: str) -> str:
    if not p.args:
        raise KubectlError(
            f"error: required resource not specified\nSee 'kubectl rollout {sub} -h' for help and examples"
        )
    types, targets = parse_targets(p.args, f"rollout {sub}")
    if types or len(targets) != 1:
        raise KubectlError(
            f"error: required resource not specified\nSee 'kubectl rollout {sub} -h' for help and examples"
        )
    target = targets[0]
    if target.info.kind != "Deployment":
        raise KubectlError(f"error: no {sub} viewer has been implemented for {target.info.kind.lower()} here "
                           "(only Deployments roll out in this cluster)")  # fmt: skip
    try:
        inv.api.get("Deployment", inv.namespace, target.name)
    except StatusError as exc:
        raise server_error(exc) from exc
    return target.name


def status(inv: Invocation, p: Parsed) -> None:
    name = _deployment(inv, p, "status")
    d = inv.api.get("Deployment", inv.namespace, name)
    spec, st = d.get("spec", {}), d.get("status", {})
    if int(d["metadata"].get("generation", 0)) > int(st.get("observedGeneration", 0)):
        inv.print("Waiting for deployment spec update to be observed...")
        return
    progressing = next((c for c in st.get("conditions") or [] if c.get("type") == "Progressing"), {})
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
    want, updated = int(spec.get("replicas", 1)), int(st.get("updatedReplicas", 0))
    total, available = int(st.get("replicas", 0)), int(st.get("availableReplicas", 0))
    prefix = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < want:
        inv.print(f"{prefix}{updated} out of {want} new replicas have been updated...")
    elif total > updated:
        inv.print(f"{prefix}{total - updated} old replicas are pending termination...")
    elif available < updated:
        inv.print(f"{prefix}{available} of {updated} updated replicas are available...")
    else:
        inv.print(f'deployment "{name}" successfully rolled out')


def show_history(inv: Invocation, p: Parsed) -> None:
    name = _deployment(inv, p, "history")
    revisions = history.rollout_history(inv.ctx, inv.namespace, name)
    wanted = p.get("revision", 0)
    if wanted:
        match = next((r for r in revisions if r.revision == wanted), None)
        if match is None:
            raise KubectlError("error: unable to find the specified revision")
        rs = inv.api.get("ReplicaSet", inv.namespace, match.replicaset)
        w = Writer(inv.cluster.clock)
        pod_template(w, rs["spec"].get("template") or {})
        inv.print(f"deployment.apps/{name} with revision #{wanted}\n{w.text()}")
        return
    rows = "REVISION\tCHANGE-CAUSE\n" + "".join(f"{r.revision}\t{r.change_cause or '<none>'}\n" for r in revisions)
    inv.write(f"deployment.apps/{name} \n{tabwrite(rows)}\n")


def undo(inv: Invocation, p: Parsed) -> None:
    name = _deployment(inv, p, "undo")
    try:
        line = history.rollback(inv.ctx, inv.namespace, name, p.get("to-revision", 0))
    except history.RollbackError as exc:
        raise KubectlError(f"error: {exc}") from exc
    except StatusError as exc:
        raise server_error(exc) from exc
    inv.settle()
    inv.print(line)


def _simple(action: str) -> object:
    def handler(inv: Invocation, p: Parsed) -> None:
        name = _deployment(inv, p, action)
        try:
            if action == "restart":
                line = history.restart(inv.ctx, inv.namespace, name)
            else:
                line = history.set_paused(inv.ctx, inv.namespace, name, action == "pause")
        except history.RollbackError as exc:
            raise KubectlError(f"error: {exc}") from exc
        except StatusError as exc:
            raise server_error(exc) from exc
        inv.settle()
        inv.print(line)

    return handler


SUBCOMMANDS = {
    "status": (STATUS_FLAGS, status),
    "history": (HISTORY_FLAGS, show_history),
    "undo": (UNDO_FLAGS, undo),
    "restart": (SIMPLE_FLAGS, _simple("restart")),
    "pause": (SIMPLE_FLAGS, _simple("pause")),
    "resume": (SIMPLE_FLAGS, _simple("resume")),
}
