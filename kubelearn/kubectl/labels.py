"""``kubectl label`` and ``kubectl annotate``: add, change (``--overwrite``) or remove (``key-``).

Mirrors ``pkg/cmd/label`` and ``pkg/cmd/annotate``: the arguments are resources followed by
``key=value`` / ``key-`` changes; an existing key needs ``--overwrite`` (``error: 'app' already
has a value (web), and --overwrite is false``); the change goes as a merge patch of
``metadata.labels``; each object prints ``pod/web labeled`` or ``… not labeled`` if nothing
changed.
"""

from __future__ import annotations

from kubelearn.cluster.apiserver.server import MERGE_PATCH
from kubelearn.cluster.errors import StatusError

from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import Target, fetch, list_objects, namespace_for, parse_targets

FLAGS = (Flag("overwrite"), Flag("selector", "l", "str"), Flag("all"), Flag("all-namespaces", "A"),
         Flag("dry-run", kind="str"), Flag("list"), Flag("resource-version", kind="str"), Flag("output", "o", "str"))  # fmt: skip


def label(inv: Invocation, p: Parsed) -> None:
    _change(inv, p, "labels", "label", "labeled")


def annotate(inv: Invocation, p: Parsed) -> None:
    _change(inv, p, "annotations", "annotate", "annotated")


def _change(inv: Invocation, p: Parsed, field: str, verb: str, done: str) -> None:
    changes = [a for a in p.args if "=" in a or (a.endswith("-") and "/" not in a[:-1] and len(a) > 1)]
    resources = [a for a in p.args if a not in changes]
    if not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not changes and not p.get("list"):
        raise KubectlError(f"error: at least one {field[:-1]} update is required")
    updates: dict[str, str] = {}
    removals: list[str] = []
    for change in changes:
        if "=" in change:
            key, _, value = change.partition("=")
            if key in updates:
                raise KubectlError(f"error: can not both modify and remove {field[:-1]} in the same command")
            updates[key] = value
        else:
            removals.append(change[:-1])
    for key in removals:
        if key in updates:
            raise KubectlError(f"error: can not both modify and remove a {field[:-1]} in the same command")
    types, targets = parse_targets(resources, verb)
    for info in types:
        if not (p.get("selector") or p.get("all")):
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        objects = list_objects(inv, info, bool(p.get("all-namespaces")), p.get("selector", ""))
        targets.extend(Target(info, o["metadata"]["name"]) for o in objects)
    for target in targets:
        obj = fetch(inv, target)
        current = dict(obj["metadata"].get(field) or {})
        if p.get("list"):
            inv.print("\n".join(f"{k}={v}" for k, v in sorted(current.items())))
            continue
        if not p.get("overwrite"):
            for key, value in updates.items():
                if key in current and current[key] != value:
                    raise KubectlError(f"error: '{key}' already has a value ({current[key]}), and --overwrite is false")
        patch: dict[str, str | None] = dict(updates)
        for key in removals:
            if key in current:
                patch[key] = None
            else:
                inv.print(f'{field[:-1]} "{key}" not found.')
        new = {**current, **updates}
        for key in removals:
            new.pop(key, None)
        name = f"{target.info.kubectl_type}/{target.name}"
        if new == current:
            inv.print(f"{name} not {done}")
            continue
        try:
            inv.api.patch(target.info.kind, namespace_for(inv, target.info), target.name,
                          {"metadata": {field: patch}}, MERGE_PATCH)  # fmt: skip
        except StatusError as exc:
            raise server_error(exc) from exc
        inv.print(f"{name} {done}")
    inv.settle()
