"""``kubectl delete``, ``scale``, ``set image`` and ``expose`` over the core's API verbs.

Mirrors ``pkg/cmd/delete`` (``deployment.apps "web" deleted``; background cascade; ``--now``
is a 1s grace, ``--force`` with ``--grace-period=0`` deletes at once with kubectl's warning;
kubectl would then wait for the object to disappear — here the line prints at once and a
terminating pod stays visible until the kubelet finishes), ``pkg/cmd/scale``
(``/scale`` subresource), ``pkg/cmd/set/set_image.go`` (a strategic merge patch of the named
containers) and ``pkg/cmd/expose`` (a Service selecting the workload's pods).
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.apiserver.server import BACKGROUND, FOREGROUND, ORPHAN, STRATEGIC_PATCH
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import KindInfo
from kubelearn.cluster.manifests import ManifestError, parse_manifests
from kubelearn.cluster.objects import Obj

from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import Target, fetch, list_objects, namespace_for, parse_targets, resolve_type

DELETE_FLAGS = (
    Flag("filename", "f", "list"), Flag("selector", "l", "str"), Flag("all"), Flag("all-namespaces", "A"),
    Flag("grace-period", kind="int", default=-1), Flag("force"), Flag("now"), Flag("ignore-not-found"),
    Flag("wait", kind="bool", default=True), Flag("cascade", kind="str", default="background"),
    Flag("dry-run", kind="str"), Flag("output", "o", "str"),
)  # fmt: skip
SCALE_FLAGS = (Flag("replicas", kind="int"), Flag("current-replicas", kind="int", default=-1), Flag("selector", "l", "str"),
               Flag("all"), Flag("timeout", kind="str"), Flag("dry-run", kind="str"))  # fmt: skip
EXPOSE_FLAGS = (Flag("port", kind="str"), Flag("target-port", kind="str"), Flag("type", kind="str"),
                Flag("name", kind="str"), Flag("protocol", kind="str"), Flag("dry-run", kind="str"),
                Flag("selector", kind="str"), Flag("labels", "l", "str"))  # fmt: skip
SET_IMAGE_FLAGS = (Flag("selector", "l", "str"), Flag("all"), Flag("dry-run", kind="str"))
FORCE_WARNING = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. "
    "The resource may continue to run on the cluster indefinitely."
)
NO_RESOURCE = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n   '<resource>'"
)


def _targets_from_stdin(inv: Invocation) -> list[Target]:
    try:
        documents = parse_manifests(inv.stdin, "STDIN")
    except ManifestError as exc:
        raise KubectlError(f"error: {exc}") from exc
    targets = []
    for doc in documents:
        if doc.obj is None:
            continue
        info = resolve_type(str(doc.obj.get("kind", "")))
        targets.append(Target(info, str((doc.obj.get("metadata") or {}).get("name", ""))))
    return targets


def delete(inv: Invocation, p: Parsed) -> None:
    grace = p.get("grace-period", -1)
    if p.get("now"):
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not p.get("force"):
        grace = 1
    if p.get("force") and grace < 0:
        grace = 0
    if p.get("filename"):
        if p.get("filename") != ["-"]:
            raise KubectlError('error: the path "' + p.get("filename")[0] + '" does not exist (use -f - and paste)')
        targets = _targets_from_stdin(inv)
    else:
        if not p.args:
            raise KubectlError(NO_RESOURCE)
        types, targets = parse_targets(p.args, "delete")
        if types:
            if not (p.get("selector") or p.get("all")):
                raise KubectlError("error: resource(s) were provided, but no name was specified")
            for info in types:
                for obj in list_objects(inv, info, bool(p.get("all-namespaces")), p.get("selector", "")):
                    targets.append(Target(info, obj["metadata"]["name"]))
            if not targets:
                inv.warn("No resources found")
                return
    if p.get("force") and grace == 0:
        inv.warn(FORCE_WARNING)
    propagation = {"background": BACKGROUND, "foreground": FOREGROUND, "orphan": ORPHAN}.get(
        str(p.get("cascade")).lower(), BACKGROUND
    )
    failed = False
    for target in targets:
        try:
            inv.api.delete(target.info.kind, namespace_for(inv, target.info), target.name, propagation=propagation,
                           grace_period=grace if grace >= 0 else None)  # fmt: skip
        except StatusError as exc:
            if not (p.get("ignore-not-found") and exc.code == 404):
                inv.warn(server_error(exc).text)
                failed = True
            continue
        verb = "force deleted" if p.get("force") and grace == 0 else "deleted"
        inv.print(f'{target.info.kubectl_type} "{target.name}" {verb}')
    inv.settle()
    if failed:
        raise KubectlError("")


def _single(inv: Invocation, p: Parsed, verb: str) -> tuple[KindInfo, list[str]]:
    if not p.args:
        raise KubectlError(NO_RESOURCE)
    types, targets = parse_targets(p.args, verb)
    if types:
        if p.get("selector") or p.get("all"):
            names = [o["metadata"]["name"] for o in list_objects(inv, types[0], False, p.get("selector", ""))]
            return types[0], names
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    return targets[0].info, [t.name for t in targets]


def scale(inv: Invocation, p: Parsed) -> None:
    if "replicas" not in p.given:
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas = p.get("replicas")
    if replicas < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    info, names = _single(inv, p, "scale")
    if info.kind not in ("Deployment", "ReplicaSet"):
        raise KubectlError(f"error: cannot scale {info.plural}: there is no /scale subresource for this kind")
    for name in names:
        try:
            current = inv.api.get_scale(info.kind, inv.namespace, name)
            expected = p.get("current-replicas", -1)
            if expected != -1 and current["spec"]["replicas"] != expected:
                raise KubectlError(f"error: Expected replicas to be {expected}, was {current['spec']['replicas']}")
            inv.api.set_scale(info.kind, inv.namespace, name, replicas)
        except StatusError as exc:
            raise server_error(exc) from exc
        inv.print(f"{info.kubectl_type}/{name} scaled")
    inv.settle()


def set_image(inv: Invocation, p: Parsed) -> None:
    resource_args = [a for a in p.args if "=" not in a]
    pairs = [a for a in p.args if "=" in a]
    if not resource_args or not pairs:
        raise KubectlError("error: you must specify resource and container=image pairs\n"
                           "See 'kubectl set image -h' for help and examples")  # fmt: skip
    p.args = resource_args
    info, names = _single(inv, p, "set image")
    for name in names:
        obj = fetch(inv, Target(info, name))
        pod_spec = obj["spec"] if info.kind == "Pod" else obj["spec"]["template"]["spec"]
        existing = [c["name"] for c in pod_spec.get("containers") or []]
        changes: list[Obj] = []
        for pair in pairs:
            container, _, image = pair.partition("=")
            targets = existing if container == "*" else [container]
            if container != "*" and container not in existing:
                raise KubectlError(f'error: unable to find container named "{container}"')
            changes.extend({"name": c, "image": image} for c in targets)
        body: Any = {"spec": {"containers": changes}} if info.kind == "Pod" else {
            "spec": {"template": {"spec": {"containers": changes}}}}  # fmt: skip
        try:
            inv.api.patch(info.kind, namespace_for(inv, info), name, body, STRATEGIC_PATCH)
        except StatusError as exc:
            raise server_error(exc) from exc
        inv.print(f"{info.kubectl_type}/{name} image updated")
    inv.settle()


def expose(inv: Invocation, p: Parsed) -> None:
    if not p.args:
        raise KubectlError(NO_RESOURCE)
    types, targets = parse_targets(p.args, "expose")
    if types or len(targets) != 1:
        raise KubectlError("error: expose takes exactly one resource, e.g. `kubectl expose deployment web --port=80`")
    target = targets[0]
    obj = fetch(inv, target)
    kind = target.info.kind
    if kind in ("Deployment", "ReplicaSet", "Job"):
        selector = dict(((obj["spec"].get("selector") or {}).get("matchLabels")) or {})
        pod_spec = obj["spec"]["template"]["spec"]
    elif kind == "Pod":
        selector, pod_spec = dict(obj["metadata"].get("labels") or {}), obj["spec"]
    elif kind == "Service":
        selector, pod_spec = dict(obj["spec"].get("selector") or {}), {}
    else:
        raise KubectlError(f"error: cannot expose a {kind}")
    if p.get("selector"):
        selector = dict(part.split("=", 1) for part in p.get("selector").split(",") if "=" in part)
    if not selector:
        raise KubectlError(
            f"error: couldn't retrieve selectors via --selector flag or introspection: the {kind} has none"
        )
    port = p.get("port")
    if port is None:
        found = [pt.get("containerPort") for c in pod_spec.get("containers") or [] for pt in c.get("ports") or []]
        if not found:
            raise KubectlError("error: couldn't find port via --port flag or introspection\n"
                               "See 'kubectl expose -h' for help and examples")  # fmt: skip
        port = str(found[0])
    if not str(port).isdigit():
        raise KubectlError(f'error: invalid argument "{port}" for "--port" flag')
    target_port: Any = p.get("target-port") or port
    target_port = int(target_port) if str(target_port).isdigit() else target_port
    name = p.get("name") or target.name
    service: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "ports": [{"port": int(port), "protocol": p.get("protocol") or "TCP", "targetPort": target_port}],
            "selector": selector,
        },
    }
    labels = obj["metadata"].get("labels")
    if labels:
        service["metadata"]["labels"] = dict(labels)
    if p.get("type"):
        service["spec"]["type"] = p.get("type")
    try:
        inv.api.create(service, namespace=inv.namespace)
    except StatusError as exc:
        raise server_error(exc) from exc
    inv.settle()
    inv.print(f"service/{name} exposed")


SET_SUBCOMMANDS = {"image": (SET_IMAGE_FLAGS, set_image)}
