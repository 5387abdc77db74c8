"""The API server's verbs over the store: create, get, list, update, patch, delete, apply.

Mirrors kube-apiserver's request pipeline for one object:
decode (strict field validation against the OpenAPI schema) -> defaulting -> mutating
admission (ServiceAccount) -> registry strategy (PrepareForCreate/Update) -> validation ->
validating admission (NamespaceLifecycle, quotas) -> allocation (ClusterIP, NodePort) ->
etcd write. Deletion honours finalizers, graceful pod termination and the three propagation
policies; the garbage collector and namespace controller finish the job asynchronously, as
upstream. Internal components (controllers, kubelet) call with ``trusted=True`` to skip
decoding their own well-formed objects — the same shortcut typed Go clients get for free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..clock import SimClock
from ..errors import StatusError, new_bad_request, new_conflict, new_invalid, new_not_found
from ..kinds import BY_KIND, KindInfo, lookup
from ..objects import Obj, clone, name_of, namespace_of
from ..rng import SeededRng
from ..selectors import SelectorError, parse_field_selector, parse_label_selector
from ..store import Store
from . import apply as client_apply
from . import patch as patches
from .admission import Allocators, QuotaHook, admit_namespace, admit_service_account, run_quota_hooks
from .decode import decode
from .defaults import apply_defaults
from .strategy import STATUS_SUBRESOURCE, prepare_for_create, prepare_for_status_update, prepare_for_update
from .validation import validate_create, validate_update

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"

FOREGROUND = "Foreground"
BACKGROUND = "Background"
ORPHAN = "Orphan"
FINALIZER_FOREGROUND = "foregroundDeletion"
FINALIZER_ORPHAN = "orphan"


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """One object's outcome, as kubectl prints it: ``deployment.apps/web configured``."""

    object: Obj
    outcome: str  # "created" | "configured" | "unchanged"
    warnings: tuple[str, ...] = ()


def unknown_kind(api_version: str, kind: str) -> StatusError:
    return StatusError(404, "NotFound", f'no matches for kind "{kind}" in version "{api_version}"')


class APIServer:
    def __init__(self, store: Store, clock: SimClock, rng: SeededRng) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng
        self.allocators = Allocators(rng)
        self.quota_hooks: list[QuotaHook] = []

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def kind_info(obj: Obj) -> KindInfo:
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        info = lookup(api_version, kind) if isinstance(api_version, str) and isinstance(kind, str) else None
        if info is None:
            raise unknown_kind(str(api_version), str(kind))
        return info

    def _place(self, obj: Obj, info: KindInfo, namespace: str | None) -> None:
        meta = obj.setdefault("metadata", {})
        if info.namespaced:
            declared = meta.get("namespace")
            if namespace and declared and declared != namespace:
                raise new_bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = declared or namespace or "default"
        else:
            meta.pop("namespace", None)

    def _existing(self, info: KindInfo, namespace: str, name: str) -> Obj:
        current = self.store.peek(info.kind, namespace if info.namespaced else "", name)
        if current is None:
            raise new_not_found(info.group, info.plural, name)
        return current

    # -- reads -----------------------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> Obj:
        info = BY_KIND[kind]
        return clone(self._existing(info, namespace, name))

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: str = "",
        field_selector: str = "",
    ) -> tuple[list[Obj], int]:
        info = BY_KIND[kind]
        try:
            labels = parse_label_selector(label_selector) if label_selector else None
            fields = parse_field_selector(field_selector) if field_selector else None
        except SelectorError as exc:
            raise new_bad_request(str(exc)) from exc
        return self.store.list(kind, namespace if info.namespaced else None, labels, fields)

    # -- create ----------------------------------------------------------------------------

    def create(
        self,
        obj: Obj,
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        field_validation: str = "Strict",
        trusted: bool = False,
        copy_out: bool = True,
        copy_in: bool = True,
    ) -> tuple[Obj, list[str]]:
        """Create ``obj``; ``copy_out=False`` returns the stored object itself (read-only, hot paths).

        ``copy_in=False`` (trusted Pods only, e.g. a ReplicaSet stamping out its template): only
        the parts the server writes are copied, the rest is shared with the stored object, so
        the caller must never change ``obj`` or anything inside it afterwards. Stored objects
        are never mutated in place, so pods created from one prototype can share its spec.
        """
        info = self.kind_info(obj)
        warnings: list[str] = []
        if trusted:
            obj = clone(obj) if copy_in or info.kind != "Pod" else _writable_pod(obj)
        else:
            obj, warnings = decode(obj, field_validation)
        self._place(obj, info, namespace)
        meta = obj["metadata"]
        if meta.get("resourceVersion"):
            raise new_bad_request("resourceVersion should not be set on objects to be created")
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{self.rng.suffix()}"
        if not trusted:
            apply_defaults(obj)
        admit_service_account(obj)
        # BeforeCreate fills the system fields before the strategy runs (a Job's selector needs the uid).
        meta["uid"] = self.rng.uid()
        meta["creationTimestamp"] = self.clock.timestamp()
        prepare_for_create(obj)
        errors = [] if trusted else validate_create(obj)
        if errors:
            raise new_invalid(info.group, info.kind, name_of(obj), errors)
        admit_namespace(self.store, obj)
        if obj["kind"] == "Service":
            alloc_errors = self.allocators.allocate(self.store, obj)
            if alloc_errors:
                raise new_invalid(info.group, info.kind, name_of(obj), alloc_errors)
        run_quota_hooks(self.quota_hooks, self.store, obj)
        for field in ("deletionTimestamp", "deletionGracePeriodSeconds"):
            meta.pop(field, None)
        if dry_run:
            if self.store.peek(info.kind, namespace_of(obj), name_of(obj)) is not None:
                self.store.create(obj)  # raises AlreadyExists without writing
            return obj, warnings
        # ``obj`` is the server's own copy (cloned, decoded or ``_writable_pod``): stamp it in place.
        return self.store.create(obj, copy_out=copy_out, own_metadata=True), warnings

    # -- update ----------------------------------------------------------------------------

    def update(
        self,
        obj: Obj,
        *,
        namespace: str | None = None,
        subresource: str | None = None,
        dry_run: bool = False,
        field_validation: str = "Strict",
        trusted: bool = False,
        copy_out: bool = True,
        copy_in: bool = True,
    ) -> tuple[Obj, list[str]]:
        """Replace ``obj``; ``copy_out=False`` returns the stored object itself (read-only, hot paths).

        ``copy_in=False`` (trusted only): the caller hands over a top-level dict of its own
        (``{**pod, "status": ...}``), so only its metadata is copied before it is written to.
        """
        info = self.kind_info(obj)
        warnings: list[str] = []
        if trusted:
            # Internal writers hand over a fresh object that may share unchanged parts with the
            # stored one (stored objects are never mutated); only the parts written below are copied.
            if info.kind == "Service":
                obj = clone(obj)
            elif copy_in:
                obj = {**obj, "metadata": dict(obj.get("metadata") or {})}
            else:
                obj["metadata"] = dict(obj.get("metadata") or {})
        else:
            obj, warnings = decode(obj, field_validation)
        self._place(obj, info, namespace)
        old = self._existing(info, namespace_of(obj), name_of(obj))
        return self._write_update(info, obj, old, subresource, dry_run, trusted, copy_out), warnings

    def _write_update(
        self,
        info: KindInfo,
        obj: Obj,
        old: Obj,
        subresource: str | None,
        dry_run: bool,
        trusted: bool,
        copy_out: bool = True,
    ) -> Obj:
        meta, old_meta = obj["metadata"], old["metadata"]
        expected = meta.get("resourceVersion")
        if expected and str(expected) != old_meta["resourceVersion"]:
            raise new_conflict(
                info.group,
                info.plural,
                name_of(obj),
                "the object has been modified; please apply your changes to the latest version and try again",
            )
        if meta.get("uid") and meta["uid"] != old_meta["uid"]:
            raise new_conflict(
                info.group,
                info.plural,
                name_of(obj),
                f"Precondition failed: UID in precondition: {meta['uid']}, UID in object meta: {old_meta['uid']}",
            )
        for field in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"):
            if field in old_meta:
                meta[field] = old_meta[field]
            else:
                meta.pop(field, None)
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if not trusted:
            apply_defaults(obj)
        if subresource == "status":
            prepare_for_status_update(obj, old)
        elif info.kind in STATUS_SUBRESOURCE and not trusted:
            prepare_for_update(obj, old)
        elif info.kind in STATUS_SUBRESOURCE:
            # Trusted internal writers (controllers) may set spec and status together.
            status = obj.get("status")
            prepare_for_update(obj, old)
            if status is not None:
                obj["status"] = status
        if not trusted and info.kind == "Pod" and "status" in obj and obj["status"] is old.get("status"):
            obj["status"] = clone(obj["status"])  # validation and defaulting below may write into it
        errors = [] if trusted else validate_update(obj, old)
        if not errors and info.kind == "Service":
            errors = self.allocators.allocate(self.store, obj, old)
        if errors:
            raise new_invalid(info.group, info.kind, name_of(obj), errors)
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and _finalizable(old):
            if not dry_run:
                self.store.delete(info.kind, namespace_of(obj), name_of(obj))
            return obj
        if obj == old:
            return clone(old) if copy_out else old
        if dry_run:
            return obj
        # Every caller hands over a metadata dict of its own (copied in ``update``, decoded in ``patch``).
        return self.store.update(obj, copy_out=copy_out, own_metadata=True)

    # -- patch -----------------------------------------------------------------------------

    def patch(
        self,
        kind: str,
        namespace: str,
        name: str,
        body: Any,
        patch_type: str,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        field_validation: str = "Strict",
        field_manager: str = "",
        force: bool = False,
        copy_out: bool = True,
    ) -> tuple[Obj, list[str]]:
        info = BY_KIND[kind]
        ns = namespace if info.namespaced else ""
        current = self.store.peek(kind, ns, name)
        if patch_type == APPLY_PATCH:
            return self._server_side_apply(info, ns, name, body, current, dry_run, field_validation)
        if current is None:
            raise new_not_found(info.group, info.plural, name)
        try:
            if patch_type == MERGE_PATCH:
                patched = patches.json_merge_patch(current, body)
            elif patch_type == JSON_PATCH:
                patched = patches.json_patch(current, body)
            elif patch_type == STRATEGIC_PATCH:
                patched = patches.strategic_merge_patch(current, body)
            else:
                raise StatusError(
                    415, "UnsupportedMediaType", f"the body of the request was in an unknown format: {patch_type}"
                )
        except patches.PatchError as exc:
            raise exc.status_error() from exc
        if not isinstance(patched, dict):
            raise new_bad_request("the patch produced something that is not an object")
        if not isinstance(patched.setdefault("metadata", {}), dict):
            decode(patched, field_validation)  # raises the decoder's "cannot unmarshal" 400
        patched["metadata"]["name"], patched["metadata"]["namespace"] = name, ns
        if not info.namespaced:
            patched["metadata"].pop("namespace", None)
        patched["kind"], patched["apiVersion"] = info.kind, info.api_version
        decoded, warnings = decode(patched, field_validation)
        decoded.setdefault("metadata", {})
        return self._write_update(info, decoded, current, subresource, dry_run, False, copy_out), warnings

    def _server_side_apply(
        self, info: KindInfo, ns: str, name: str, body: Any, current: Obj | None, dry_run: bool, field_validation: str
    ) -> tuple[Obj, list[str]]:
        """Server-side apply, simplified: create when absent, else merge the applied fields over live."""
        if not isinstance(body, dict):
            raise new_bad_request("the body of an apply patch must be an object")
        body = clone(body)
        if not isinstance(body.setdefault("metadata", {}), dict):
            decode(body, field_validation)  # raises the decoder's "cannot unmarshal" 400
            raise new_bad_request("metadata must be an object")
        body["metadata"]["name"] = name
        if info.namespaced:
            body["metadata"]["namespace"] = ns
        if current is None:
            return self.create(body, dry_run=dry_run, field_validation=field_validation)
        try:
            merged = patches.strategic_merge_patch(current, body)
        except patches.PatchError as exc:
            raise exc.status_error() from exc
        merged["metadata"].pop("resourceVersion", None)
        decoded, warnings = decode(merged, field_validation)
        return self._write_update(info, decoded, current, None, dry_run, False), warnings

    # -- scale subresource -------------------------------------------------------------------

    def get_scale(self, kind: str, namespace: str, name: str) -> Obj:
        info = BY_KIND[kind]
        obj = self._existing(info, namespace, name)
        selector = (obj.get("spec") or {}).get("selector") or {}
        match = ",".join(f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items()))
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": obj["metadata"]["uid"],
                "resourceVersion": obj["metadata"]["resourceVersion"],
                "creationTimestamp": obj["metadata"]["creationTimestamp"],
            },
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": match},
        }

    def set_scale(self, kind: str, namespace: str, name: str, replicas: Any, dry_run: bool = False) -> Obj:
        info = BY_KIND[kind]
        if isinstance(replicas, bool) or not isinstance(replicas, int):
            raise new_bad_request(
                f'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal {type(replicas).__name__} '
                "into Go struct field ScaleSpec.spec.replicas of type int32"
            )
        if replicas < 0:
            from ..errors import invalid

            raise new_invalid(
                "autoscaling", "Scale", name, [invalid("spec.replicas", replicas, "must be greater than or equal to 0")]
            )
        current = clone(self._existing(info, namespace, name))
        current["spec"]["replicas"] = replicas
        current["metadata"].pop("resourceVersion", None)
        self._write_update(info, current, self._existing(info, namespace, name), None, dry_run, False)
        return self.get_scale(kind, namespace, name)

    # -- delete ----------------------------------------------------------------------------

    def delete(
        self,
        kind: str,
        namespace: str,
        name: str,
        *,
        propagation: str | None = None,
        grace_period: int | None = None,
        dry_run: bool = False,
        preconditions: dict[str, str] | None = None,
    ) -> Obj:
        """Start deleting; returns the object as it is after the call (gone, or terminating)."""
        info = BY_KIND[kind]
        ns = namespace if info.namespaced else ""
        current = self._existing(info, ns, name)
        for field, value in (preconditions or {}).items():
            actual = current["metadata"].get(field)
            if value and actual != value:
                raise new_conflict(
                    info.group,
                    info.plural,
                    name,
                    f"Precondition failed: {field[0].upper()}{field[1:]} in precondition: {value}, "
                    f"{field[0].upper()}{field[1:]} in object meta: {actual}",
                )
        obj = clone(current)
        meta = obj["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if propagation == ORPHAN and FINALIZER_ORPHAN not in finalizers:
            finalizers.append(FINALIZER_ORPHAN)
        elif propagation == FOREGROUND and FINALIZER_FOREGROUND not in finalizers:
            finalizers.append(FINALIZER_FOREGROUND)
        if kind == "Namespace":
            obj.setdefault("status", {})["phase"] = "Terminating"
        grace = self._grace_period(obj, grace_period)
        if meta.get("deletionTimestamp"):
            if kind == "Pod" and grace == 0 and not finalizers:
                return obj if dry_run else self.store.delete(kind, ns, name)
            if finalizers != (meta.get("finalizers") or []):
                meta["finalizers"] = finalizers
                return obj if dry_run else self.store.update(obj)
            return obj
        graceful = kind == "Pod" and grace > 0 and bool(obj.get("spec", {}).get("nodeName"))
        if not finalizers and not graceful and kind != "Namespace":
            return obj if dry_run else self.store.delete(kind, ns, name)
        meta["finalizers"] = finalizers
        if not finalizers:
            meta.pop("finalizers")
        meta["deletionTimestamp"] = self.clock.timestamp(self.clock.now + (grace if graceful else 0))
        meta["deletionGracePeriodSeconds"] = grace if graceful else 0
        if info.kind in {"Deployment", "ReplicaSet", "Job"}:
            meta["generation"] = int(meta.get("generation") or 1) + 1
        return obj if dry_run else self.store.update(obj)

    @staticmethod
    def _grace_period(obj: Obj, requested: int | None) -> int:
        if obj["kind"] != "Pod":
            return 0
        if requested is not None and requested >= 0:
            return requested
        return int(obj.get("spec", {}).get("terminationGracePeriodSeconds", 30))

    def remove_finalizer(self, kind: str, namespace: str, name: str, finalizer: str) -> None:
        """Drop one finalizer (the GC's and namespace controller's last step); deletes when none remain."""
        current = self.store.peek(kind, namespace, name)
        if current is None:
            return
        finalizers = [f for f in current["metadata"].get("finalizers") or [] if f != finalizer]
        obj = clone(current)
        obj["metadata"]["finalizers"] = finalizers
        if not finalizers:
            obj["metadata"].pop("finalizers")
        if obj["metadata"].get("deletionTimestamp") and not finalizers:
            self.store.delete(kind, namespace, name)
        else:
            self.store.update(obj)

    # -- client-side apply (what ``kubectl apply`` does over these verbs) --------------------

    def apply(
        self,
        manifest: Obj,
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        field_validation: str = "Strict",
        copy_out: bool = True,
    ) -> ApplyResult:
        """``copy_out=False``: ``ApplyResult.object`` is the stored object itself (read-only)."""
        info = self.kind_info(manifest)
        # Only metadata is written to below (namespace); the rest is copied by decoding later.
        manifest = {**manifest, "metadata": dict(manifest.get("metadata") or {})}
        self._place(manifest, info, namespace)
        ns = namespace_of(manifest)
        name = name_of(manifest)
        live = self.store.peek(info.kind, ns, name) if name else None
        # The plan only reads ``live`` (the three-way diff builds a new patch), so no copy.
        plan = client_apply.plan_apply(manifest, live)
        extra = (plan.warning,) if plan.warning else ()
        if plan.action == "create":
            obj, warnings = self.create(
                plan.body, dry_run=dry_run, field_validation=field_validation, copy_out=copy_out
            )
            return ApplyResult(obj, "created", (*extra, *warnings))
        if plan.action == "unchanged":
            assert live is not None
            return ApplyResult(clone(live) if copy_out else live, "unchanged", extra)
        obj, warnings = self.patch(
            info.kind,
            ns,
            name,
            plan.body,
            STRATEGIC_PATCH,
            dry_run=dry_run,
            field_validation=field_validation,
            copy_out=copy_out,
        )
        return ApplyResult(obj, "configured", (*extra, *warnings))


def _writable_pod(pod: Obj) -> Obj:
    """A copy of ``pod`` deep enough for the create pipeline to write into (metadata, spec and
    its tolerations: ServiceAccount admission adds to them); everything else stays shared."""
    out = {**pod, "metadata": dict(pod.get("metadata") or {})}
    spec = out.get("spec")
    if isinstance(spec, dict):
        spec = out["spec"] = dict(spec)
        if isinstance(spec.get("tolerations"), list):
            spec["tolerations"] = list(spec["tolerations"])
    return out


def _finalizable(old: Obj) -> bool:
    return bool(old["metadata"].get("deletionTimestamp")) and bool(old["metadata"].get("finalizers"))
