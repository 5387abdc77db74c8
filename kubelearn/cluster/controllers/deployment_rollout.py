"""How a Deployment moves its ReplicaSets: create the new one, scale, roll, recreate, clean up.

Mirrors ``pkg/controller/deployment/{sync,rolling,recreate}.go`` (1.32): ``getNewReplicaSet``
(named ``<deployment>-<pod-template-hash>``, revision = max old revision + 1),
``reconcileNewReplicaSet`` / ``reconcileOldReplicaSets`` bounded by maxSurge and
maxUnavailable, proportional scaling when replicas change mid-rollout, Recreate's "all old
pods gone first", and ``cleanupDeployment`` for ``revisionHistoryLimit``. Events read
``Scaled up replica set web-7c5d from 0 to 3`` as in 1.32. Lesson: "Rolling updates".
"""

from __future__ import annotations

from ..apiserver.defaults import apply_defaults
from ..apiserver.events import NORMAL
from ..errors import StatusError
from ..objects import Obj, clone, owner_reference
from . import deployment_util as du
from .base import Context
from .pod_index import is_active, pod_index

COMPONENT = "deployment-controller"


class Rollout:
    """One sync of one Deployment: a working copy of it and of the ReplicaSets it owns."""

    def __init__(self, ctx: Context, d: Obj, rss: list[Obj]) -> None:
        self.ctx = ctx
        self.d = d
        self.rss = sorted(rss, key=du.by_creation)
        self.new_rs: Obj | None = None
        self.status_dirty = False

    # -- which ReplicaSet is new -------------------------------------------------------------

    @property
    def old_rss(self) -> list[Obj]:
        return [rs for rs in self.rss if rs is not self.new_rs]

    def all_rss(self) -> list[Obj]:
        return self.old_rss + ([self.new_rs] if self.new_rs is not None else [])

    def _replace(self, old: Obj, new: Obj) -> Obj:
        self.rss = [new if rs is old else rs for rs in self.rss]
        if self.new_rs is old:
            self.new_rs = new
        return new

    def find_new_rs(self, create: bool) -> Obj | None:
        """``getNewReplicaSet``: find (and sync the annotations of) or create the new ReplicaSet."""
        template = self.d["spec"].get("template") or {}
        self.new_rs = next((rs for rs in self.rss if du.equal_ignore_hash(rs["spec"].get("template"), template)), None)
        new_revision = str(max((du.revision(rs) for rs in self.old_rss), default=0) + 1)
        status = self.d.setdefault("status", {})
        now = self.ctx.clock.timestamp()
        if self.new_rs is not None:
            rs = clone(self.new_rs)
            changed = du.set_new_rs_annotations(self.d, rs, new_revision, exists=True)
            if changed or rs["spec"].get("minReadySeconds", 0) != self.d["spec"].get("minReadySeconds", 0):
                rs["spec"]["minReadySeconds"] = self.d["spec"].get("minReadySeconds", 0)
                return self._update_rs(self.new_rs, rs)
            self._set_revision(rs["metadata"]["annotations"].get(du.REVISION, new_revision))
            if du.has_progress_deadline(self.d) and du.get_condition(status, "Progressing") is None:
                message = f'Found new replica set "{rs["metadata"]["name"]}"'
                du.set_condition(status, du.new_condition("Progressing", "True", "FoundNewReplicaSet", message, now))
                self.status_dirty = True
            return self.new_rs
        if not create:
            return None
        return self._create_new_rs(template, new_revision, now)

    def _create_new_rs(self, template: Obj, new_revision: str, now: str) -> Obj | None:
        status = self.d.setdefault("status", {})
        pod_hash = du.compute_hash(template, status.get("collisionCount"))
        rs_template = clone(template)
        rs_template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = pod_hash
        selector = clone(self.d["spec"].get("selector") or {})
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = pod_hash
        meta = self.d["metadata"]
        rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{meta['name']}-{pod_hash}",
                "namespace": meta.get("namespace", "default"),
                "labels": dict(rs_template["metadata"]["labels"]),
                "ownerReferences": [owner_reference(self.d)],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": self.d["spec"].get("minReadySeconds", 0),
                "selector": selector,
                "template": rs_template,
            },
        }
        rs["spec"]["replicas"] = self.new_rs_new_replicas([*self.old_rss, rs], rs)
        du.set_new_rs_annotations(self.d, rs, new_revision, exists=False)
        apply_defaults(rs, creating=True)
        try:
            created, _ = self.ctx.api.create(rs, trusted=True)
        except StatusError as exc:
            if exc.code != 409:
                raise
            existing = self.ctx.store.peek("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            if existing is not None and du.equal_ignore_hash(existing["spec"].get("template"), template):
                return None  # ours already; the next sync adopts it
            status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
            self.status_dirty = True
            return None
        self.rss.append(created)
        self.new_rs = created
        count = du.replicas(created)
        if count > 0:
            self._event(f"Scaled up replica set {created['metadata']['name']} from 0 to {count}")
        self._set_revision(new_revision)
        if du.has_progress_deadline(self.d):
            message = f'Created new replica set "{created["metadata"]["name"]}"'
            du.set_condition(status, du.new_condition("Progressing", "True", "NewReplicaSetCreated", message, now))
            self.status_dirty = True
        return created

    def _set_revision(self, value: str) -> None:
        ann = self.d["metadata"].setdefault("annotations", {})
        if ann.get(du.REVISION) != value:
            ann[du.REVISION] = value
            self.status_dirty = True

    # -- writes ------------------------------------------------------------------------------

    def _event(self, message: str) -> None:
        self.ctx.events.record(self.d, NORMAL, "ScalingReplicaSet", message, COMPONENT)

    def _update_rs(self, current: Obj, updated: Obj) -> Obj:
        stored, _ = self.ctx.api.update(updated, trusted=True)
        return self._replace(current, stored)

    def scale_rs(self, rs: Obj, new_scale: int) -> bool:
        """``scaleReplicaSetAndRecordEvent``: resize and refresh the replicas annotations."""
        want, most = du.replicas(self.d), du.replicas(self.d) + du.max_surge(self.d)
        old_scale = du.replicas(rs)
        size_changed = old_scale != new_scale
        if not size_changed and not du.replicas_annotations_need_update(rs, want, most):
            return False
        updated = clone(rs)
        updated["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(updated, want, most)
        stored = self._update_rs(rs, updated)
        if size_changed:
            op = "up" if old_scale < new_scale else "down"
            self._event(f"Scaled {op} replica set {stored['metadata']['name']} from {old_scale} to {new_scale}")
        return size_changed

    # -- rolling update ----------------------------------------------------------------------

    def new_rs_new_replicas(self, all_rss: list[Obj], new_rs: Obj) -> int:
        """``NewRSNewReplicas``: how far the new ReplicaSet may grow now."""
        want = du.replicas(self.d)
        if (self.d["spec"].get("strategy") or {}).get("type") == "Recreate":
            return want
        current = sum(du.replicas(rs) for rs in all_rss)
        most = want + du.max_surge(self.d)
        if current >= most:
            return du.replicas(new_rs)
        return du.replicas(new_rs) + min(most - current, want - du.replicas(new_rs))

    def rollout_rolling(self) -> None:
        self.find_new_rs(create=True)
        if self.new_rs is not None and self._reconcile_new_rs():
            return
        if self._reconcile_old_rss():
            return
        if du.deployment_complete(self.d, self.d.get("status") or {}):
            self.cleanup()

    def _reconcile_new_rs(self) -> bool:
        rs, want = self.new_rs, du.replicas(self.d)
        assert rs is not None
        if du.replicas(rs) == want:
            return False
        if du.replicas(rs) > want:
            return self.scale_rs(rs, want)
        return self.scale_rs(rs, self.new_rs_new_replicas(self.all_rss(), rs))

    def _reconcile_old_rss(self) -> bool:
        old = [rs for rs in self.old_rss if du.replicas(rs) > 0]
        if not old:
            return False
        all_count = sum(du.replicas(rs) for rs in self.all_rss())
        min_available = du.replicas(self.d) - du.max_unavailable(self.d)
        new_unavailable = 0
        if self.new_rs is not None:
            new_unavailable = du.replicas(self.new_rs) - du.status_of(self.new_rs, "availableReplicas")
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        cleaned = self._cleanup_unhealthy(old, max_scaled_down)
        return cleaned + self._scale_down_old_for_rolling(min_available) > 0

    def _cleanup_unhealthy(self, old: list[Obj], max_cleanup: int) -> int:
        total = 0
        for rs in sorted(old, key=du.by_creation):
            if total >= max_cleanup:
                break
            unhealthy = du.replicas(rs) - du.status_of(rs, "availableReplicas")
            if du.replicas(rs) == 0 or unhealthy <= 0:
                continue
            count = min(max_cleanup - total, unhealthy)
            self.scale_rs(rs, du.replicas(rs) - count)
            total += count
        return total

    def _scale_down_old_for_rolling(self, min_available: int) -> int:
        available = sum(du.status_of(rs, "availableReplicas") for rs in self.all_rss())
        if available <= min_available:
            return 0
        budget, total = available - min_available, 0
        for rs in sorted(self.old_rss, key=du.by_creation):
            if total >= budget:
                break
            if du.replicas(rs) == 0:
                continue
            count = min(du.replicas(rs), budget - total)
            self.scale_rs(rs, du.replicas(rs) - count)
            total += count
        return total

    # -- recreate ----------------------------------------------------------------------------

    def rollout_recreate(self) -> None:
        self.find_new_rs(create=False)
        scaled = False
        for rs in [rs for rs in self.old_rss if du.replicas(rs) > 0]:
            scaled = self.scale_rs(rs, 0) or scaled
        if scaled or self._old_pods_running():
            return
        if self.new_rs is None:
            self.find_new_rs(create=True)
        if self.new_rs is not None:
            self.scale_rs(self.new_rs, du.replicas(self.d))
        if du.deployment_complete(self.d, self.d.get("status") or {}):
            self.cleanup()

    def _old_pods_running(self) -> bool:
        if sum(du.status_of(rs, "replicas") for rs in self.old_rss) > 0:
            return True
        index = pod_index(self.ctx)
        for rs in self.old_rss:
            for pod in index.owned_by(rs["metadata"]["uid"]):
                if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                    return True
        return False

    # -- scaling (replicas changed, or paused) ------------------------------------------------

    def is_scaling_event(self) -> bool:
        self.find_new_rs(create=False)
        for rs in self.all_rss():
            desired = (rs["metadata"].get("annotations") or {}).get(du.DESIRED_REPLICAS)
            if du.replicas(rs) > 0 and desired is not None and desired != str(du.replicas(self.d)):
                return True
        return False

    def scale(self) -> None:
        """``scale``: the one active ReplicaSet takes the new size, or all share it proportionally."""
        want = du.replicas(self.d)
        olds = sorted(self.old_rss, key=du.by_creation, reverse=True)
        active = [rs for rs in [*olds, self.new_rs] if rs is not None and du.replicas(rs) > 0]
        latest = None
        if self.new_rs is not None or olds:
            latest = active[0] if len(active) == 1 else (self.new_rs or olds[0]) if not active else None
        if latest is not None:
            if du.replicas(latest) != want:
                self.scale_rs(latest, want)
            return
        new = self.new_rs
        ann = (new["metadata"].get("annotations") or {}) if new is not None else {}
        if (
            new is not None
            and ann.get(du.DESIRED_REPLICAS) == str(want)
            and du.status_of(new, "availableReplicas") == want
        ):
            for rs in [rs for rs in self.old_rss if du.replicas(rs) > 0]:
                self.scale_rs(rs, 0)
            return
        if (self.d["spec"].get("strategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
            return
        self._scale_proportionally(active)

    def _scale_proportionally(self, active: list[Obj]) -> None:
        want = du.replicas(self.d)
        allowed = want + du.max_surge(self.d) if want > 0 else 0
        to_add = allowed - sum(du.replicas(rs) for rs in active)
        if to_add > 0:
            active.sort(key=lambda rs: (-du.replicas(rs), _neg_time(rs)))
        else:
            active.sort(key=lambda rs: (-du.replicas(rs), by_time(rs)))
        added, sizes = 0, {}
        for rs in active:
            proportion = self._proportion(rs, to_add, added) if to_add != 0 else 0
            sizes[rs["metadata"]["name"]] = du.replicas(rs) + proportion
            added += proportion
        if active and to_add != added:
            first = active[0]["metadata"]["name"]
            sizes[first] = max(0, sizes[first] + to_add - added)
        for rs in list(active):
            self.scale_rs(rs, sizes[rs["metadata"]["name"]])

    def _proportion(self, rs: Obj, to_add: int, added: int) -> int:
        if du.replicas(rs) == 0 or to_add == added:
            return 0
        want = du.replicas(self.d)
        if want == 0:
            fraction = -du.replicas(rs)
        else:
            ann = (rs["metadata"].get("annotations") or {}).get(du.MAX_REPLICAS)
            annotated = int(ann) if ann and ann.isdigit() else du.status_of(self.d, "replicas")
            size = du.replicas(rs) * (want + du.max_surge(self.d)) / annotated if annotated else 0
            fraction = int(size + 0.5) - du.replicas(rs)
        allowed = to_add - added
        return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)

    # -- history -----------------------------------------------------------------------------

    def cleanup(self) -> None:
        """``cleanupDeployment``: keep only ``revisionHistoryLimit`` old, empty ReplicaSets."""
        limit = self.d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        cleanable = [rs for rs in self.old_rss if not rs["metadata"].get("deletionTimestamp")]
        extra = len(cleanable) - int(limit)
        if extra <= 0:
            return
        cleanable.sort(key=lambda rs: (du.revision(rs), *du.by_creation(rs)))
        for rs in cleanable[:extra]:
            if du.status_of(rs, "replicas") or du.replicas(rs):
                continue
            if rs["metadata"].get("generation", 1) > du.status_of(rs, "observedGeneration"):
                continue
            if any(is_active(p) for p in pod_index(self.ctx).owned_by(rs["metadata"]["uid"])):
                continue
            try:
                self.ctx.api.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            except StatusError:
                continue


def by_time(rs: Obj) -> tuple[str, str]:
    return du.by_creation(rs)


def _neg_time(rs: Obj) -> tuple[int, ...]:
    """Newer first: invert the creation timestamp characters for a descending sort."""
    stamp, name = du.by_creation(rs)
    return tuple(-ord(c) for c in stamp + "\0" + name)
