"""Resource arguments (``deploy web``, ``deploy/web``, ``deploy,svc``) and fetching what they name.

Mirrors cli-runtime's ``resource.Builder``: type names resolve through the RESTMapper
(plural, singular, short name, ``kind.group``, case-insensitive), cluster-scoped kinds ignore
the namespace, and the errors read as kubectl's: ``the server doesn't have a resource type
"deploymnets"``, ``there is no need to specify a resource type as a separate argument…``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import KindInfo, resolve_resource_name
from kubelearn.cluster.objects import Obj
from kubelearn.cluster.selectors import SelectorError, parse_label_selector

from .invocation import Invocation, KubectlError, server_error


@dataclass(frozen=True, slots=True)
class Target:
    info: KindInfo
    name: str = ""


def resolve_type(name: str) -> KindInfo:
    info = resolve_resource_name(name)
    if info is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')
    return info


def parse_targets(args: list[str], verb: str) -> tuple[list[KindInfo], list[Target]]:
    """``TYPE[,TYPE] [NAME…]`` or ``TYPE/NAME…``: the types listed whole, and the named objects."""
    if not args:
        return [], []
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError(
                "error: there is no need to specify a resource type as a separate argument when passing arguments "
                f"in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of "
                f"'kubectl {verb} resource resource/<resource_name>'"
            )
        targets = []
        for arg in args:
            kind, _, name = arg.partition("/")
            if not name:
                raise KubectlError("error: arguments in resource/name form must have a single resource and name")
            targets.append(Target(resolve_type(kind), name))
        return [], targets
    types = [resolve_type(t) for t in args[0].split(",") if t] if args[0] != "all" else []
    if args[0] == "all" or "all" in args[0].split(","):
        from kubelearn.cluster.kinds import KINDS

        types = [k for k in KINDS if k.in_all]
    if len(args) > 1:
        if len(types) > 1:
            raise KubectlError("error: you may only specify a single resource type")
        return [], [Target(types[0], n) for n in args[1:]]
    return types, []


def namespace_for(inv: Invocation, info: KindInfo) -> str:
    return inv.namespace if info.namespaced else ""


def fetch(inv: Invocation, target: Target) -> Obj:
    try:
        return inv.api.get(target.info.kind, namespace_for(inv, target.info), target.name)
    except StatusError as exc:
        raise server_error(exc) from exc


def list_objects(inv: Invocation, info: KindInfo, all_namespaces: bool = False, selector: str = "") -> list[Obj]:
    if selector:
        try:
            parse_label_selector(selector)
        except SelectorError as exc:
            raise KubectlError(f"error: {exc}") from exc
    namespace = None if all_namespaces or not info.namespaced else inv.namespace
    try:
        items, _ = inv.api.list(info.kind, namespace, label_selector=selector)
    except StatusError as exc:
        raise server_error(exc) from exc
    return list(items)


def type_name(info: KindInfo) -> str:
    """``deployment.apps`` / ``pod``: the prefix of ``deployment.apps/web created``."""
    return info.kubectl_type


def no_resources(inv: Invocation, info: KindInfo | None, all_namespaces: bool) -> str:
    if all_namespaces or (info is not None and not info.namespaced):
        return "No resources found"
    return f"No resources found in {inv.namespace} namespace."
