"""``kubectl apply -f -``, ``kubectl create -f -`` and the ``create`` generators.

Mirrors ``pkg/cmd/apply`` (client-side apply through the core's ``apply_text``, one
``deployment.apps/web created|configured|unchanged`` line per document) and ``pkg/cmd/create``:
``create deployment|configmap|secret generic|namespace|service clusterip|nodeport`` build the
same objects kubectl's generators build (``--dry-run=client -o yaml`` prints them with
``creationTimestamp: null`` and ``status: {}`` as kubectl does). Only stdin can be read: there
is no filesystem, so ``-f file.yaml`` explains how to paste instead.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.manifests import ManifestError, parse_manifests
from kubelearn.cluster.objects import Obj, clone

from . import output
from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import resolve_type

_FILE_FLAGS = (Flag("filename", "f", "list"), Flag("dry-run", kind="str"), Flag("output", "o", "str"),
               Flag("validate", kind="str"), Flag("recursive", "R"), Flag("save-config"))  # fmt: skip
APPLY_FLAGS = (
    *_FILE_FLAGS,
    Flag("server-side"),
    Flag("force-conflicts"),
    Flag("prune"),
    Flag("field-manager", kind="str"),
)
CREATE_FLAGS = _FILE_FLAGS
_GEN = (Flag("dry-run", kind="str"), Flag("output", "o", "str"), Flag("save-config"), Flag("validate", kind="str"))


def _dry_run(p: Parsed) -> str:
    mode = p.get("dry-run", "none")
    if mode not in ("none", "client", "server", "true", "false", ""):
        raise KubectlError(f'error: Invalid dry-run value ({mode}). Must be "none", "server", or "client".')
    return {"true": "client", "false": "none", "": "none"}.get(mode, mode)


def _stdin_text(inv: Invocation, p: Parsed, verb: str) -> str:
    files = p.get("filename", [])
    if not files:
        raise KubectlError(f"error: must specify one of -f and -k\n\nSee 'kubectl {verb} -h' for help and examples")
    for name in files:
        if name != "-":
            raise KubectlError(
                f'error: the path "{name}" does not exist (there are no files here: use -f - and paste the manifest)'
            )
    return inv.stdin


def apply(inv: Invocation, p: Parsed) -> None:
    text = _stdin_text(inv, p, "apply")
    mode = _dry_run(p)
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    if not text.strip():
        raise KubectlError("error: no objects passed to apply")
    namespace = inv.namespace if inv.namespace_given or inv.namespace != "default" else None
    results = inv.cluster.apply_text(text, source="STDIN", namespace=namespace, dry_run=mode != "none")
    failed = False
    for result in results:
        if result.ok:
            if p.get("output") and result.object is not None:
                inv.write(output.render(p.get("output"), [result.object], True))
            else:
                inv.print(result.kubectl_line() + suffix)
        else:
            inv.warn(result.error)
            failed = True
    inv.settle()
    if failed:
        raise KubectlError("")


def create_from_file(inv: Invocation, p: Parsed) -> None:
    if not p.get("filename"):
        if p.args:
            from .parser import unknown_subcommand

            raise unknown_subcommand(p.args[:1], "kubectl create")
        raise KubectlError("error: must specify one of -f and -k\n\nSee 'kubectl create -h' for help and examples")
    text = _stdin_text(inv, p, "create")
    mode = _dry_run(p)
    try:
        documents = parse_manifests(text, "STDIN")
    except ManifestError as exc:
        raise KubectlError(f"error: {exc}") from exc
    failed = False
    for doc in documents:
        if doc.error or doc.obj is None:
            inv.warn(doc.error if str(doc.error).startswith("error") else f"error: {doc.error or 'empty document'}")
            failed = True
            continue
        try:
            created = _create(inv, doc.obj, mode)
        except StatusError as exc:
            inv.warn(f'Error from server ({exc.reason}): error when creating "STDIN": {exc.message}')
            failed = True
            continue
        inv.print(f"{output.object_name(created)} created" + (" (dry run)" if mode == "client" else ""))
    inv.settle()
    if failed:
        raise KubectlError("")


def _create(inv: Invocation, obj: Obj, mode: str) -> Obj:
    info = inv.api.kind_info(obj)
    if mode == "client":
        return obj
    namespace = inv.namespace if info.namespaced else None
    created, _warnings = inv.api.create(obj, namespace=namespace, dry_run=mode == "server")
    return created


def _one_name(p: Parsed, sub: str) -> str:
    if len(p.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(p.args)}\nSee 'kubectl create {sub} -h' for help and examples"
        )
    return p.args[0]


def _finish(inv: Invocation, p: Parsed, obj: Obj, verb: str = "created") -> None:
    mode = _dry_run(p)
    if mode == "client":
        shown = _pruned(clone(obj))
        _client_shape(shown)
        if p.get("output"):
            inv.write(output.render(p.get("output"), [shown], True))
        else:
            inv.print(f"{output.object_name(obj)} {verb} (dry run)")
        return
    try:
        created = _create(inv, _pruned(obj), mode)
    except StatusError as exc:
        raise server_error(exc) from exc
    inv.settle()
    if p.get("output"):
        inv.write(output.render(p.get("output"), [created], True))
    else:
        inv.print(f"{output.object_name(created)} {verb}" + (" (server dry run)" if mode == "server" else ""))


def _client_shape(obj: Obj) -> None:
    """What kubectl's client-side dry run prints: null timestamps and empty status."""
    obj["metadata"]["creationTimestamp"] = None
    template = (obj.get("spec") or {}).get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", {})["creationTimestamp"] = None
    if obj["kind"] in ("Deployment", "Service", "Namespace", "Job"):
        obj["status"] = {}


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def container_name(image: str) -> str:
    """kubectl's name for a container made from ``image``: the last path part without tag/digest."""
    base = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    return re.sub(r"[^a-z0-9-]", "-", base.lower()).strip("-") or "container"


def create_deployment(inv: Invocation, p: Parsed) -> None:
    name = _one_name(p, "deployment")
    images = p.get("image", [])
    if not images:
        raise KubectlError('error: required flag(s) "image" not set')
    labels = {"app": name}
    containers: list[Obj] = []
    for image in images:
        c: Obj = {"image": image, "name": container_name(image), "resources": {}}
        if p.get("port") is not None:
            c["ports"] = [{"containerPort": p.get("port")}]
        containers.append(c)
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"labels": labels, "name": name, "namespace": inv.namespace},
        "spec": {
            "replicas": p.get("replicas", 1),
            "selector": {"matchLabels": labels},
            "strategy": {},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}},
        },
    }
    if not inv.namespace_given:
        obj["metadata"].pop("namespace")
    _finish(inv, p, obj)


def _literals(p: Parsed) -> dict[str, str]:
    data: dict[str, str] = {}
    for literal in p.get("from-literal", []):
        key, eq, value = literal.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid literal source {literal}, expected key=value")
        data[key] = value
    if p.get("from-file") or p.get("from-env-file"):
        raise KubectlError("error: there are no files here: use --from-literal=key=value instead")
    return data


def create_configmap(inv: Invocation, p: Parsed) -> None:
    name = _one_name(p, "configmap")
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": _literals(p) or None}
    _finish(inv, p, obj)


def create_secret_generic(inv: Invocation, p: Parsed) -> None:
    if not p.args or p.args[0] != "generic":
        raise KubectlError(
            "error: only `kubectl create secret generic NAME --from-literal=key=value` is available here"
        )
    p.args = p.args[1:]
    name = _one_name(p, "secret generic")
    data = {k: base64.b64encode(v.encode()).decode() for k, v in _literals(p).items()}
    obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "data": data or None}
    if p.get("type"):
        obj["type"] = p.get("type")
    _finish(inv, p, obj)


def create_namespace(inv: Invocation, p: Parsed) -> None:
    name = _one_name(p, "namespace")
    _finish(inv, p, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}})


def create_service(inv: Invocation, p: Parsed) -> None:
    if not p.args or p.args[0] not in ("clusterip", "nodeport", "loadbalancer"):
        raise KubectlError("error: use `kubectl create service clusterip|nodeport|loadbalancer NAME --tcp=80:8080`")
    kind = p.args[0]
    p.args = p.args[1:]
    name = _one_name(p, f"service {kind}")
    ports = []
    for spec in p.get("tcp", []):
        port, _, target = spec.partition(":")
        if not port.isdigit() or (target and not target.isdigit()):
            raise KubectlError(f"error: invalid port specification: {spec}")
        entry: Obj = {"name": f"{port}-{target or port}", "port": int(port), "protocol": "TCP",
                      "targetPort": int(target or port)}  # fmt: skip
        if kind == "nodeport" and p.get("node-port"):
            entry["nodePort"] = p.get("node-port")
        ports.append(entry)
    if not ports and kind != "clusterip":
        raise KubectlError('error: required flag(s) "tcp" not set')
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": {"ports": ports, "selector": {"app": name},
                 "type": {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer"}[kind]},
    }  # fmt: skip
    if p.get("clusterip"):
        obj["spec"]["clusterIP"] = p.get("clusterip")
    _finish(inv, p, obj)


def _check_type(name: str) -> None:
    resolve_type(name)


SUBCOMMANDS = {
    "deployment": ((*_GEN, Flag("image", kind="list"), Flag("replicas", "r", "int"), Flag("port", kind="int")),
                   create_deployment),
    "deploy": ((*_GEN, Flag("image", kind="list"), Flag("replicas", "r", "int"), Flag("port", kind="int")),
               create_deployment),
    "configmap": ((*_GEN, Flag("from-literal", kind="list"), Flag("from-file", kind="list"),
                   Flag("from-env-file", kind="list")), create_configmap),
    "secret": ((*_GEN, Flag("from-literal", kind="list"), Flag("from-file", kind="list"),
                Flag("from-env-file", kind="list"), Flag("type", kind="str")), create_secret_generic),
    "namespace": (_GEN, create_namespace),
    "service": ((*_GEN, Flag("tcp", kind="list"), Flag("node-port", kind="int"), Flag("clusterip", kind="str")),
                create_service),
}  # fmt: skip
SUBCOMMANDS["cm"] = SUBCOMMANDS["configmap"]
SUBCOMMANDS["ns"] = SUBCOMMANDS["namespace"]
SUBCOMMANDS["svc"] = SUBCOMMANDS["service"]
