"""Client-side ``kubectl apply``: decide between create, patch and nothing, as kubectl does.

Mirrors ``k8s.io/kubectl/pkg/cmd/apply`` (``apply.go`` and ``patcher.go``) and
``k8s.io/kubectl/pkg/util/apply.go``:

* the live object is absent -> create the manifest with the
  ``kubectl.kubernetes.io/last-applied-configuration`` annotation (kubectl prints ``created``);
* otherwise -> ``CreateThreeWayMergePatch(last-applied, manifest + new annotation, live)``;
  ``{}`` means ``unchanged`` (no request is sent), anything else is sent as a strategic merge
  patch (``configured``).

Simplified: the caller has already filled ``metadata.namespace`` of namespaced manifests (kubectl
does that before this step); no conflict retries and no ``--prune``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kubelearn.cluster import kinds
from kubelearn.cluster.apiserver.patch_strategic import strategic_merge_patch
from kubelearn.cluster.apiserver.patch_threeway import create_three_way_patch

from ..objects import clone

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    action: str  # "create" | "patch" | "unchanged"
    body: dict[str, Any]  # the object to create, or the strategic merge patch to send ({} if unchanged)
    warning: str | None = None  # what kubectl prints after "Warning: ", if anything


class ApplyPatchError(ValueError):
    """kubectl could not compute the three-way patch (its own error, before any request is sent).

    ``patcher.go`` wraps it as ``creating patch with: original / modified / current … for:``;
    ``message(source)`` spells that out. Seen, for example, when a list's merge key is missing
    (a container without ``name``) in a manifest applied over an existing object.
    """

    def __init__(self, original: str, modified: str, current: str, reason: str) -> None:
        super().__init__(reason)
        self.original, self.modified, self.current, self.reason = original, modified, current, reason

    def message(self, source: str) -> str:
        return (
            f"error: error when creating patch with:\noriginal:\n{self.original}\nmodified:\n{self.modified}\n"
            f'current:\n{self.current}\nfor: "{source}": {self.reason}'
        )


def go_json(value: Any) -> str:
    """``encoding/json`` output: compact, map keys sorted, ``<``/``>``/``&`` escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def last_applied_of(manifest: dict[str, Any]) -> str:
    """The annotation value kubectl writes (``GetModifiedConfiguration(obj, annotate=false)``).

    The manifest is encoded without the annotation itself; kubectl sets the annotations back
    as an empty map when there were no others, so ``"annotations":{}`` shows up. The JSON
    encoder ends the text with a newline.
    """
    metadata = manifest.get("metadata")
    annotations = dict((metadata.get("annotations") if isinstance(metadata, dict) else None) or {})
    annotations.pop(LAST_APPLIED, None)
    # Only the encoded text is kept, so a shallow copy with new metadata is enough.
    obj = {**manifest, "metadata": {**(metadata if isinstance(metadata, dict) else {}), "annotations": annotations}}
    return go_json(obj) + "\n"


def with_last_applied(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest carrying its own last-applied annotation (what apply creates or diffs against).

    Shallow: only the top level and metadata are new, the rest is shared with ``manifest``.
    Both consumers copy before they write (the API server decodes a create into new dicts,
    ``strategic_merge_patch`` clones its inputs, the three-way diff only reads).
    """
    value = last_applied_of(manifest)
    metadata = manifest.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    metadata["annotations"] = {**(metadata.get("annotations") or {}), LAST_APPLIED: value}
    return {**manifest, "metadata": metadata}


def plan_apply(manifest: dict[str, Any], live: dict[str, Any] | None) -> ApplyPlan:
    """What ``kubectl apply -f`` does with one manifest given the live object (or None)."""
    modified = with_last_applied(manifest)
    if live is None:
        return ApplyPlan("create", modified)
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    original_text = annotations.get(LAST_APPLIED) or ""
    original = json.loads(original_text) if original_text.strip() else {}
    warning = None if original_text else _missing_annotation_warning(live)
    try:
        patch = create_three_way_patch(original, modified, live)
    except ValueError as exc:  # PatchError: kubectl fails client side, nothing reaches the server
        reason = getattr(exc, "message", str(exc))
        raise ApplyPatchError(original_text, go_json(modified) + "\n", go_json(live) + "\n", reason) from exc
    if not patch:
        return ApplyPlan("unchanged", {}, warning)
    return ApplyPlan("patch", patch, warning)


def apply_patch_to(live: dict[str, Any], plan: ApplyPlan) -> dict[str, Any]:
    """The object the API server stores after the patch of ``plan`` (server-side SMP)."""
    if plan.action == "create":
        return clone(plan.body)
    if plan.action == "unchanged":
        return clone(live)
    return strategic_merge_patch(live, plan.body)


def _missing_annotation_warning(live: dict[str, Any]) -> str:
    info = kinds.lookup(str(live.get("apiVersion", "")), str(live.get("kind", "")))
    resource = info.plural if info else str(live.get("kind", "")).lower() + "s"
    name = (live.get("metadata") or {}).get("name", "")
    return (
        f"resource {resource}/{name} is missing the {LAST_APPLIED} annotation which is required by "
        "kubectl apply. kubectl apply should only be used on resources created declaratively by either "
        "kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically."
    )
