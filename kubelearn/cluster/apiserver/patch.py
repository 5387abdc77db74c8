"""The three patch types kube-apiserver accepts, plus kubectl's client-side patch builders.

One import point over three modules:

* :mod:`.patch_json` - ``application/merge-patch+json`` (RFC 7386) and
  ``application/json-patch+json`` (RFC 6902), as ``evanphx/json-patch`` v4 applies them;
* :mod:`.patch_strategic` - ``application/strategic-merge-patch+json``, as
  ``k8s.io/apimachinery/pkg/util/strategicpatch`` applies it;
* :mod:`.patch_threeway` - the strategic patches kubectl computes (``kubectl apply``'s
  three-way merge, ``kubectl edit``'s two-way diff).

Server-side apply (``application/apply-patch+yaml``) is not here.
"""

from __future__ import annotations

from kubelearn.cluster.apiserver.patch_json import PatchError, json_merge_patch, json_patch
from kubelearn.cluster.apiserver.patch_strategic import strategic_merge_patch
from kubelearn.cluster.apiserver.patch_threeway import create_three_way_patch, create_two_way_patch

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"

__all__ = [
    "JSON_PATCH",
    "MERGE_PATCH",
    "STRATEGIC_MERGE_PATCH",
    "PatchError",
    "apply_patch",
    "create_three_way_patch",
    "create_two_way_patch",
    "json_merge_patch",
    "json_patch",
    "strategic_merge_patch",
]


def apply_patch(content_type: str, target: dict, body: object) -> dict:  # type: ignore[type-arg]
    """Apply ``body`` to ``target`` by the patch type named in a PATCH request's Content-Type."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == JSON_PATCH:
        return json_patch(target, body)  # type: ignore[arg-type]
    if media == MERGE_PATCH:
        return json_merge_patch(target, body)  # type: ignore[arg-type]
    if media == STRATEGIC_MERGE_PATCH:
        return strategic_merge_patch(target, body)  # type: ignore[arg-type]
    raise PatchError(
        "the body of the request was in an unknown format - accepted media types include: "
        f"{JSON_PATCH}, {MERGE_PATCH}, application/apply-patch+yaml, {STRATEGIC_MERGE_PATCH}",
        415,
    )
