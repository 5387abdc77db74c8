"""``kubectl logs``, ``kubectl version`` and ``kubectl api-resources``.

Mirrors ``pkg/cmd/logs`` (``POD`` or ``TYPE/NAME`` picks a pod — ``Found 2 pods, using
pod/web-…``; ``-c``; ``--tail``; ``--previous``; a multi-container pod without ``-c`` uses its
first container and says ``Defaulted container "a" out of: a, b``) over the kubelet's
simulated output; ``-f`` cannot stream here. ``version`` reports kubectl 1.32.4 against a
v1.32.0 server; ``api-resources`` lists the kinds the core serves.
"""

from __future__ import annotations

from kubelearn.cluster import kubelet
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import KINDS
from kubelearn.cluster.objects import controller_ref
from kubelearn.cluster.selectors import label_selector_matches

from . import output
from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import Target, fetch, resolve_type
from .tabwriter import table

LOGS_FLAGS = (Flag("container", "c", "str"), Flag("tail", kind="int", default=-1), Flag("previous", "p"),
              Flag("follow", "f"), Flag("all-containers"), Flag("timestamps"), Flag("selector", "l", "str"),
              Flag("since", kind="str"), Flag("prefix"))  # fmt: skip
VERSION_FLAGS = (Flag("client"), Flag("output", "o", "str"))
API_RESOURCES_FLAGS = (Flag("namespaced", kind="str"), Flag("output", "o", "str"), Flag("api-group", kind="str"),
                       Flag("no-headers"), Flag("sort-by", kind="str"), Flag("verbs", kind="list"))  # fmt: skip
CLIENT = {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"}
SERVER = {"major": "1", "minor": "32", "gitVersion": "v1.32.0", "platform": "linux/amd64"}
KUSTOMIZE = "v5.5.0"


def logs(inv: Invocation, p: Parsed) -> None:
    if p.get("follow"):
        raise KubectlError("error: --follow (-f) is not supported in this simulated kubectl: run `kubectl logs` again "
                           "to see new lines")  # fmt: skip
    if not p.args:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")  # fmt: skip
    arg = p.args[0]
    container = p.get("container") or (p.args[1] if len(p.args) > 1 else None)
    pod = _pod_for(inv, arg)
    names = [c["name"] for c in pod["spec"].get("containers") or []]
    if p.get("all-containers"):
        chosen = names
    elif container is None:
        default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        chosen = [default or names[0]]
        if len(names) > 1 and not default:
            inv.warn(f'Defaulted container "{names[0]}" out of: {", ".join(names)}')
    else:
        chosen = [container]
    tail = p.get("tail", -1)
    for name in chosen:
        try:
            lines = kubelet.logs(inv.ctx, inv.namespace, pod["metadata"]["name"], name,
                                 tail if tail >= 0 else None, bool(p.get("previous")))  # fmt: skip
        except StatusError as exc:
            raise server_error(exc) from exc
        for line in lines:
            inv.print(line)


def _pod_for(inv: Invocation, arg: str) -> dict:  # type: ignore[type-arg]
    if "/" not in arg:
        return fetch(inv, Target(resolve_type("pods"), arg))
    kind, _, name = arg.partition("/")
    info = resolve_type(kind)
    obj = fetch(inv, Target(info, name))
    if info.kind == "Pod":
        return obj
    if info.kind not in ("Deployment", "ReplicaSet", "Job", "Service"):
        raise KubectlError(f"error: cannot get the logs from {info.kind.lower()}: selector for {arg} is not supported")
    selector = obj["spec"].get("selector") or {}
    if info.kind == "Service":
        selector = {"matchLabels": selector}
    pods = [pod for pod in inv.cluster.store.iter_kind("Pod", inv.namespace)
            if label_selector_matches(selector, pod["metadata"].get("labels") or {})]  # fmt: skip
    if info.kind in ("ReplicaSet", "Job"):
        pods = [pod for pod in pods if (controller_ref(pod) or {}).get("uid") == obj["metadata"]["uid"]]
    if not pods:
        raise KubectlError("error: timed out waiting for the condition")
    pods.sort(key=lambda pod: (pod.get("status", {}).get("phase") != "Running", pod["metadata"]["name"]))
    if len(pods) > 1:
        inv.warn(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[0]


def version(inv: Invocation, p: Parsed) -> None:
    fmt = p.get("output")
    if fmt in ("json", "yaml"):
        data: dict = {"clientVersion": {**CLIENT, "gitCommit": "", "gitTreeState": "clean", "buildDate": "",
                                        "goVersion": "go1.23.6", "compiler": "gc"},
                      "kustomizeVersion": KUSTOMIZE}  # fmt: skip
        if not p.get("client"):
            data["serverVersion"] = {**SERVER, "gitCommit": "", "gitTreeState": "clean", "buildDate": "",
                                     "goVersion": "go1.23.4", "compiler": "gc"}  # fmt: skip
        inv.write(output.to_json(data) if fmt == "json" else output.to_yaml(data))
        return
    if fmt:
        raise KubectlError("error: --output must be 'yaml' or 'json'")
    inv.print(f"Client Version: {CLIENT['gitVersion']}")
    inv.print(f"Kustomize Version: {KUSTOMIZE}")
    if not p.get("client"):
        inv.print(f"Server Version: {SERVER['gitVersion']}")


def api_resources(inv: Invocation, p: Parsed) -> None:
    group_order = {"": 0, "apps": 1, "autoscaling": 2, "batch": 3}
    kinds = sorted(KINDS, key=lambda k: (group_order.get(k.group, 9), k.plural))
    if p.get("namespaced") is not None:
        wanted = str(p.get("namespaced")).lower() == "true"
        kinds = [k for k in kinds if k.namespaced == wanted]
    if p.get("api-group") is not None:
        kinds = [k for k in kinds if k.group == p.get("api-group")]
    if p.get("output") == "name":
        inv.write("".join(f"{k.resource}\n" for k in kinds))
        return
    rows = [] if p.get("no-headers") else [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]]
    rows += [[k.plural, ",".join(k.short_names), k.api_version, str(k.namespaced).lower(), k.kind] for k in kinds]
    inv.write(table(rows))
