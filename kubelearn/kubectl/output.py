"""``-o yaml|json|name|jsonpath=…``: objects printed as kubectl's printers print them.

Mirrors cli-runtime's printers: YAML goes through ``sigs.k8s.io/yaml`` (keys sorted, 2-space
indent, sequences not indented under their key, strings that would read as another type in
double quotes, multi-line strings as ``|`` blocks); JSON is Go's ``MarshalIndent`` with four
spaces and ``<``, ``>``, ``&`` escaped; several objects become a ``kind: List``.
Simplified: JSON keys keep the core's dict order except the object envelope and metadata,
which follow the Go struct order.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from kubelearn.cluster.kinds import BY_KIND
from kubelearn.cluster.objects import Obj

from . import jsonpath
from .invocation import KubectlError

_META_ORDER = (
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
    "managedFields",
)  # fmt: skip
_GO_BOOLS = {"y", "Y", "n", "N"}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    plain_tag = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if plain_tag != "tag:yaml.org,2002:str" or value in _GO_BOOLS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def to_yaml(obj: Any) -> str:
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=80)


def go_order(obj: Obj) -> Obj:
    ordered: Obj = {}
    for key in ("apiVersion", "kind", "metadata"):
        if key in obj:
            ordered[key] = obj[key]
    for key, value in obj.items():
        if key not in ordered:
            ordered[key] = value
    meta = ordered.get("metadata")
    if isinstance(meta, dict):
        ordered["metadata"] = {k: meta[k] for k in _META_ORDER if k in meta} | {
            k: v for k, v in meta.items() if k not in _META_ORDER
        }
    return ordered


def to_json(obj: Any) -> str:
    text = json.dumps(obj, indent=4, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def as_list(objects: list[Obj]) -> Obj:
    return {"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}}


def object_name(obj: Obj) -> str:
    info = BY_KIND.get(obj.get("kind", ""))
    prefix = info.kubectl_type if info else str(obj.get("kind", "")).lower()
    return f"{prefix}/{obj.get('metadata', {}).get('name', '')}"


OUTPUT_FORMATS = ("json", "yaml", "name", "wide", "jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns",
                  "custom-columns-file", "go-template", "go-template-file", "template", "templatefile", "kyaml")  # fmt: skip


def check_format(fmt: str) -> None:
    kind = fmt.partition("=")[0]
    if kind not in OUTPUT_FORMATS or kind in ("jsonpath-file", "custom-columns-file", "go-template-file",
                                              "templatefile", "kyaml"):  # fmt: skip
        allowed = "json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, " \
                  "jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide"  # fmt: skip
        raise KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}", '
                           f"allowed formats are: {allowed}")  # fmt: skip
    if kind in ("go-template", "template", "custom-columns"):
        raise KubectlError(f"error: -o {kind} is not available in this simulated kubectl; try -o jsonpath=… instead")


def render(fmt: str, objects: list[Obj], single: bool) -> str:
    """Text for a structured format; ``single`` when the user named exactly one object."""
    kind, _, arg = fmt.partition("=")
    data: Any = go_order(objects[0]) if single else as_list([go_order(o) for o in objects])
    if kind == "yaml":
        return to_yaml(data)
    if kind == "json":
        return to_json(data)
    if kind == "name":
        return "".join(object_name(o) + "\n" for o in objects)
    if kind in ("jsonpath", "jsonpath-as-json"):
        template = arg.strip()
        if len(template) >= 2 and template[0] == template[-1] and template[0] in "'\"":
            template = template[1:-1]
        if not template:
            raise KubectlError("error: template format specified but no template given")
        if kind == "jsonpath-as-json":
            values = [v for node in [template.strip("{}")] for v in jsonpath.evaluate(node, data, data)]
            return to_json(values)
        return jsonpath.render(template, data)
    raise KubectlError(f'error: unable to match a printer suitable for the output format "{fmt}"')
