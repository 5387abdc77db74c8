"""The command bar's door to kubectl: ``kubelearn.kubectl`` when present, a tiny stand-in otherwise.

``kubelearn.kubectl.run(cluster, line)`` is the in-page kubectl (being written alongside
this app). Until it can be imported, ``fallback_run`` answers the handful of verbs the
workbench needs to be useful (``get``, ``scale``, ``delete``, ``describe``) with kubectl's
wording, and ``fallback_describe`` gives the inspector a minimal describe. Both disappear
from use, without code changes, as soon as the real package exports ``run``/``describe``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

import yaml

from kubelearn.cluster import Cluster
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import BY_KIND, KINDS
from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import get_all, get_kind


@dataclass(frozen=True, slots=True)
class CommandResult:
    exit_code: int
    stdout: str
    stderr: str


def _kind(word: str) -> str | None:
    word = word.lower().split("/")[0]
    for info in KINDS:
        if word in (info.kind.lower(), info.plural, *info.short_names) or word == info.plural.rstrip("s"):
            return info.kind
    return None


def _printer(cluster: Cluster) -> Printer:
    now = cluster.clock.now
    return Printer(lambda stamp: now - cluster.clock.parse(stamp))


def fallback_run(cluster: Cluster, line: str) -> CommandResult:
    """``kubectl get|scale|delete|describe`` only; anything else says it is not available yet."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        return CommandResult(1, "", f"error: {exc}\n")
    words = words[1:] if words[:1] == ["kubectl"] else words
    flags = {w.partition("=")[0]: w.partition("=")[2] for w in words if w.startswith("-")}
    args = [w for w in words if not w.startswith("-")]
    namespace = flags.get("-n") or flags.get("--namespace") or "default"
    verb, rest = (args[0], args[1:]) if args else ("", [])
    try:
        if verb == "get" and rest[:1] == ["all"]:
            return CommandResult(0, get_all(cluster.store, _printer(cluster), namespace) + "\n", "")
        if verb == "get" and rest and _kind(rest[0]):
            return CommandResult(0, get_kind(cluster.store, _printer(cluster), _kind(rest[0]), namespace) + "\n", "")
        if verb == "scale" and rest and "--replicas" in flags:
            kind = _kind(rest[0]) or ""
            name = rest[0].split("/")[1] if "/" in rest[0] else rest[1]
            cluster.api.set_scale(kind, namespace, name, int(flags["--replicas"]))
            cluster.engine.drain()
            return CommandResult(0, f"{BY_KIND[kind].kubectl_type}/{name} scaled\n", "")
        if verb == "delete" and len(rest) >= 2 and _kind(rest[0]):
            kind = _kind(rest[0]) or ""
            cluster.api.delete(kind, namespace, rest[1])
            cluster.engine.drain()
            info = BY_KIND[kind]
            resource = f"{info.plural}.{info.group}" if info.group else info.plural
            return CommandResult(0, f'{resource} "{rest[1]}" deleted\n', "")
        if verb == "describe" and len(rest) >= 2 and _kind(rest[0]):
            return CommandResult(0, fallback_describe(cluster, _kind(rest[0]) or "", namespace, rest[1]), "")
    except StatusError as exc:
        return CommandResult(1, "", f"Error from server ({exc.reason}): {exc.message}\n")
    except (IndexError, ValueError) as exc:
        return CommandResult(1, "", f"error: {exc}\n")
    return CommandResult(1, "", f'error: "{line}" is not available in this preview of the command bar\n')


def fallback_describe(cluster: Cluster, kind: str, namespace: str, name: str) -> str:
    """A minimal ``kubectl describe``: the object's metadata, spec and status, then its Events."""
    info = BY_KIND.get(kind)
    obj = cluster.api.get(kind, namespace if info is None or info.namespaced else "", name)
    meta = obj.get("metadata", {})
    head = [f"Name:         {meta.get('name', '')}"]
    if meta.get("namespace"):
        head.append(f"Namespace:    {meta['namespace']}")
    labels = meta.get("labels") or {}
    head.append("Labels:       " + ("\n              ".join(f"{k}={v}" for k, v in labels.items()) or "<none>"))
    body: dict[str, Any] = {k: obj[k] for k in ("spec", "status") if k in obj and kind != "Secret"}
    events = [
        e
        for e in cluster.store.iter_kind("Event", meta.get("namespace") or None)
        if (e.get("involvedObject") or {}).get("uid") == meta.get("uid")
    ]
    rows = ["  Type    Reason    Message", "  ----    ------    -------"]
    rows += [f"  {e.get('type', '')}  {e.get('reason', '')}  {e.get('message', '')}" for e in events]
    tail = "Events:\n" + "\n".join(rows) if events else "Events:       <none>"
    return "\n".join(head) + "\n" + yaml.safe_dump(body, sort_keys=False) + tail + "\n"


def run(cluster: Cluster, line: str) -> Any:
    """Run one command line through ``kubelearn.kubectl.run`` (or the stand-in)."""
    try:
        from kubelearn.kubectl import run as kubectl_run
    except ImportError:
        return fallback_run(cluster, line)
    return kubectl_run(cluster, line)


def describe(cluster: Cluster, kind: str, namespace: str, name: str) -> str:
    try:
        from kubelearn.kubectl import describe as kubectl_describe
    except ImportError:
        return fallback_describe(cluster, kind, namespace, name)
    return str(kubectl_describe(cluster, kind, namespace, name))
