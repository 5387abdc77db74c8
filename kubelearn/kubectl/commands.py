"""The command table and ``run``: one typed line in, kubectl's exit code and output out.

Mirrors kubectl's cobra tree (``kubectl <verb> [<subcommand>] …``): each verb module exposes
its ``FLAGS`` and ``run(inv, parsed)``; groups such as ``create``, ``rollout``, ``set`` and
``top`` dispatch on their subcommand. Commands kubectl has but a simulated cluster cannot
honour (``exec``, ``port-forward``, ``edit`` …) answer with a friendly refusal instead of
kubectl's "unknown command".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelearn.cluster.errors import StatusError

from . import create, describe, get, info, labels, mutate, nodes, rollout
from .invocation import CommandResult, Invocation, KubectlError, server_error
from .parser import ALL_COMMANDS, Flag, Parsed, parse_flags, tokenize, unknown_command, unknown_subcommand

Handler = Callable[[Invocation, Parsed], None]
Spec = tuple[tuple[Flag, ...], Handler]

COMMANDS: dict[str, Spec] = {
    "get": (get.FLAGS, get.run),
    "describe": (describe.FLAGS, describe.run),
    "apply": (create.APPLY_FLAGS, create.apply),
    "delete": (mutate.DELETE_FLAGS, mutate.delete),
    "scale": (mutate.SCALE_FLAGS, mutate.scale),
    "label": (labels.FLAGS, labels.label),
    "annotate": (labels.FLAGS, labels.annotate),
    "expose": (mutate.EXPOSE_FLAGS, mutate.expose),
    "cordon": (nodes.CORDON_FLAGS, nodes.cordon),
    "uncordon": (nodes.CORDON_FLAGS, nodes.uncordon),
    "drain": (nodes.DRAIN_FLAGS, nodes.drain),
    "logs": (info.LOGS_FLAGS, info.logs),
    "version": (info.VERSION_FLAGS, info.version),
    "api-resources": (info.API_RESOURCES_FLAGS, info.api_resources),
}
GROUPS: dict[str, dict[str, Spec]] = {
    "create": create.SUBCOMMANDS,
    "rollout": rollout.SUBCOMMANDS,
    "set": mutate.SET_SUBCOMMANDS,
    "top": nodes.TOP_SUBCOMMANDS,
}
GROUP_FLAGS: dict[str, Spec] = {"create": (create.CREATE_FLAGS, create.create_from_file)}
UNAVAILABLE = {
    "exec": "there are no real containers to run commands in",
    "attach": "there are no real containers to attach to",
    "port-forward": "there is no network to forward ports from",
    "proxy": "there is no API server port to proxy",
    "cp": "there are no container filesystems to copy from",
    "edit": "there is no text editor here: use `kubectl apply -f` with the changed manifest, or kubectl set/scale/label",
    "debug": "there are no real containers to debug",
    "explain": "the schema browser is not included",
    "auth": "there is no authorization layer in this cluster: you may do everything",
    "config": "there is a single cluster and context here",
    "port": "there is no network to forward ports from",
}


def run(cluster: Any, command: str, *, namespace: str = "default", stdin: str = "") -> CommandResult:
    """Run one kubectl command line against ``cluster``; never raises."""
    inv = Invocation(cluster, namespace, stdin)
    try:
        tokens = tokenize(command)
        if tokens and tokens[0] == "kubectl":
            tokens = tokens[1:]
        _dispatch(inv, tokens)
    except KubectlError as exc:
        if exc.text:
            inv.warn(exc.text)
        return inv.result(exc.exit_code)
    except StatusError as exc:
        inv.warn(server_error(exc).text)
        return inv.result(1)
    return inv.result(0)


def _verb_index(tokens: list[str]) -> int | None:
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("-n", "--namespace"):
            i += 2
            continue
        if not token.startswith("-"):
            return i
        i += 1
    return None


def _dispatch(inv: Invocation, tokens: list[str]) -> None:
    index = _verb_index(tokens)
    if index is None:
        inv.print("kubectl controls the (simulated) Kubernetes cluster manager.\n\n"
                  "Try: kubectl get pods, kubectl describe deployment web, kubectl apply -f -")  # fmt: skip
        return
    verb, rest = tokens[index], tokens[:index] + tokens[index + 1 :]
    path = f"kubectl {verb}"
    if verb in UNAVAILABLE:
        raise KubectlError(f"error: `kubectl {verb}` is not available in this simulated cluster: {UNAVAILABLE[verb]}")
    if verb in GROUPS:
        sub_index = _verb_index(rest)
        subs = GROUPS[verb]
        if sub_index is not None and rest[sub_index] in subs:
            flags, handler = subs[rest[sub_index]]
            path = f"{path} {rest[sub_index]}"
            rest = rest[:sub_index] + rest[sub_index + 1 :]
        elif verb in GROUP_FLAGS:
            flags, handler = GROUP_FLAGS[verb]
        elif sub_index is not None:
            raise unknown_subcommand([rest[sub_index]], path)
        else:
            raise KubectlError(f"error: `{path}` needs a subcommand: {', '.join(sorted(set(subs)))}")
    elif verb in COMMANDS:
        flags, handler = COMMANDS[verb]
    elif verb in ALL_COMMANDS:
        raise KubectlError(f"error: `kubectl {verb}` is not available in this simulated cluster")
    else:
        raise unknown_command(verb)
    parsed = parse_flags(rest, flags, path)
    if parsed.get("help"):
        inv.print(f"Help for `{path}` is not included here; see https://kubernetes.io/docs/reference/kubectl/")
        return
    if parsed.get("namespace"):
        inv.namespace = parsed.get("namespace")
        inv.namespace_given = True
    handler(inv, parsed)
