"""``kubectl get``: tables with kubectl's columns and spacing, or structured output.

Mirrors ``pkg/cmd/get`` over server-side Tables (the core's ``printers`` give the columns and
cells the API server would send): ``-o wide`` adds the priority columns, several types print
one table each with ``kind/name`` names, ``-A`` adds NAMESPACE, ``-L``/``--show-labels`` add
label columns, ``--sort-by`` sorts by a JSONPath, and an empty result says ``No resources
found in default namespace.`` on stderr. ``-w`` cannot stream here and says so.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.kinds import KindInfo
from kubelearn.cluster.objects import Obj, labels_of
from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import ALL_ORDER
from kubelearn.cluster.selectors import SelectorError

from . import jsonpath, output
from .invocation import Invocation, KubectlError, server_error
from .parser import Flag, Parsed
from .resources import Target, fetch, no_resources, parse_targets, type_name
from .tabwriter import table

FLAGS = (
    Flag("output", "o", "str"),
    Flag("selector", "l", "str"),
    Flag("all-namespaces", "A"),
    Flag("watch", "w"),
    Flag("watch-only"),
    Flag("show-labels"),
    Flag("label-columns", "L", "list"),
    Flag("sort-by", kind="str"),
    Flag("no-headers"),
    Flag("show-kind"),
    Flag("ignore-not-found"),
    Flag("field-selector", kind="str"),
    Flag("chunk-size", kind="int"),
)

NO_TYPE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported '
    "resources.\n\nerror: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n'
    "See 'kubectl get -h' for help and examples"
)


def printer_for(inv: Invocation) -> Printer:
    clock = inv.cluster.clock
    return Printer(lambda stamp: clock.now - clock.parse(stamp))


def run(inv: Invocation, p: Parsed) -> None:
    if p.get("watch") or p.get("watch-only"):
        raise KubectlError(
            "error: --watch (-w) is not supported in this simulated kubectl: run the command again to see the "
            "latest state"
        )
    fmt = p.get("output", "")
    if fmt:
        output.check_format(fmt)
    if not p.args:
        raise KubectlError(NO_TYPE)
    is_all = "all" in p.args[0].split(",") and "/" not in p.args[0]
    types, targets = parse_targets(p.args, "get")
    all_ns = bool(p.get("all-namespaces"))
    if is_all:
        types = sorted(types, key=lambda k: ALL_ORDER.index(k.kind) if k.kind in ALL_ORDER else 99)
    groups: list[tuple[KindInfo, list[Obj]]] = []
    failed = False
    if targets:
        if p.get("selector"):
            raise KubectlError("error: selectors and the all flag cannot be used when passing resource/name arguments")
        for target in targets:
            try:
                obj = fetch(inv, target)
            except KubectlError as exc:
                if not p.get("ignore-not-found"):
                    inv.warn(exc.text)
                    failed = True
                continue
            _add(groups, target.info, obj)
    else:
        for info in types:
            groups.append((info, _list(inv, info, all_ns, p)))
    objects = [o for _, items in groups for o in items]
    if p.get("sort-by"):
        groups = [(info, sort_by(items, p.get("sort-by"))) for info, items in groups]
        objects = sort_by(objects, p.get("sort-by"))
    kind_of_format = fmt.partition("=")[0]
    if fmt and kind_of_format != "wide":
        single = len(targets) == 1 and len(objects) == 1
        if objects or (not targets and kind_of_format != "name"):
            inv.write(output.render(fmt, objects, single))
        elif not targets and not p.get("ignore-not-found"):
            inv.warn(no_resources(inv, groups[0][0] if len(groups) == 1 else None, all_ns))
        _finish(inv, failed)
        return
    multi = len(groups) > 1 or is_all or bool(p.get("show-kind"))
    sections = [_table(inv, info, items, p, all_ns, multi, kind_of_format == "wide") for info, items in groups if items]
    if sections:
        inv.write("\n".join(sections))
    elif not targets and not p.get("ignore-not-found"):
        info = groups[0][0] if len(groups) == 1 else None
        inv.warn(no_resources(inv, info, all_ns))
    _finish(inv, failed)


def _finish(inv: Invocation, failed: bool) -> None:
    if failed:
        raise KubectlError("", exit_code=1)


def _add(groups: list[tuple[KindInfo, list[Obj]]], info: KindInfo, obj: Obj) -> None:
    if groups and groups[-1][0] == info:
        groups[-1][1].append(obj)
    else:
        groups.append((info, [obj]))


def _list(inv: Invocation, info: KindInfo, all_ns: bool, p: Parsed) -> list[Obj]:
    namespace = None if all_ns or not info.namespaced else inv.namespace
    try:
        items, _ = inv.api.list(info.kind, namespace, p.get("selector", ""), p.get("field-selector", ""))
    except StatusError as exc:
        raise server_error(exc) from exc
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from exc
    if info.kind == "Event" and not p.get("sort-by"):
        items.sort(key=lambda e: (e.get("lastTimestamp") or "", int(e["metadata"]["resourceVersion"])))
    return list(items)


def sort_by(objects: list[Obj], expression: str) -> list[Obj]:
    path = expression.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]

    def key(obj: Obj) -> tuple[int, Any]:
        values = jsonpath.evaluate(path, obj, obj)
        if not values:
            return (0, "")
        value = values[0]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (1, value)
        return (2, jsonpath.format_value(value))

    return sorted(objects, key=key)


def _table(
    inv: Invocation, info: KindInfo, objects: list[Obj], p: Parsed, all_ns: bool, prefixed: bool, wide: bool
) -> str:
    printer = printer_for(inv)
    columns = printer.columns(info.kind)
    keep = [i for i, c in enumerate(columns) if wide or c.priority == 0]
    label_keys = [k for spec in p.get("label-columns", []) for k in spec.split(",") if k]
    show_ns = all_ns and info.namespaced
    rows: list[list[str]] = []
    if not p.get("no-headers"):
        header = ["NAMESPACE"] if show_ns else []
        header += [columns[i].name.upper() for i in keep]
        header += [k.split("/")[-1].upper() for k in label_keys]
        if p.get("show-labels"):
            header.append("LABELS")
        rows.append(header)
    for obj in objects:
        full = printer.row(obj)
        cells = [str(full[i]) for i in keep]
        if prefixed and columns[0].format == "name":
            cells[0] = f"{type_name(info)}/{cells[0]}"
        if show_ns:
            cells.insert(0, obj.get("metadata", {}).get("namespace", ""))
        labels = labels_of(obj)
        cells += [labels.get(k, "") for k in label_keys]
        if p.get("show-labels"):
            cells.append(",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>")
        rows.append(cells)
    return table(rows)


def get_one(inv: Invocation, info: KindInfo, name: str) -> Obj:
    return fetch(inv, Target(info, name))
