"""The event recorder: how components tell people what they did, as core/v1 Events.

Mirrors client-go's ``record.EventRecorder`` and its correlator: an event with the same
involved object, reason and message as an earlier one bumps ``count`` and
``lastTimestamp`` instead of creating a new object (``kubectl describe`` shows ``x3 over 2m``).
Reasons and messages use upstream wording so a student reads here what a real cluster says.
"""

from __future__ import annotations

from typing import Any

from ..clock import SimClock
from ..objects import Obj
from ..rng import SeededRng
from ..store import Store

NORMAL = "Normal"
WARNING = "Warning"


class EventRecorder:
    def __init__(self, store: Store, clock: SimClock, rng: SeededRng) -> None:
        self._store = store
        self._clock = clock
        self._rng = rng
        # (involved uid, reason, message, component, fieldPath) -> the Event's name (correlator).
        self._index: dict[tuple[str, str, str, str, str], str] = {}
        self._sources: dict[tuple[str, str], dict[str, str]] = {}

    def record(
        self,
        involved: Obj,
        event_type: str,
        reason: str,
        message: str,
        component: str,
        host: str = "",
        field_path: str = "",
    ) -> None:
        # Every pod start records half a dozen of these: plain dict reads, no helper calls.
        meta = involved.get("metadata", {})
        involved_ns = meta.get("namespace", "") or ""
        namespace = involved_ns or "default"
        uid = str(meta.get("uid", ""))
        now = self._clock.timestamp()
        key = (uid, reason, message, component, field_path)
        existing = self._index.get(key)
        if existing is not None:
            current = self._store.peek("Event", namespace, existing)
            if current is not None:
                updated = {**current, "metadata": dict(current["metadata"])}
                updated["count"] = int(updated.get("count", 1)) + 1
                updated["lastTimestamp"] = now
                self._store.update(updated, copy_out=False, own_metadata=True)
                return
        involved_name = str(meta.get("name", ""))
        name = f"{involved_name}.{self._rng.getrandbits_hex()}"
        kind = involved.get("kind")
        api_version = involved.get("apiVersion")
        resource_version = meta.get("resourceVersion")
        involved_ref: dict[str, Any]
        if kind is not None and involved_ns and api_version is not None and resource_version is not None:
            involved_ref = {  # the usual case, in one literal
                "kind": kind,
                "namespace": str(involved_ns),
                "name": involved_name,
                "uid": uid,
                "apiVersion": api_version,
                "resourceVersion": resource_version,
            }
        else:
            involved_ref = {}
            if kind is not None:
                involved_ref["kind"] = kind
            if involved_ns:
                involved_ref["namespace"] = str(involved_ns)
            involved_ref["name"] = involved_name
            involved_ref["uid"] = uid
            if api_version is not None:
                involved_ref["apiVersion"] = api_version
            if resource_version is not None:
                involved_ref["resourceVersion"] = resource_version
        if field_path:
            involved_ref["fieldPath"] = field_path
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": self._rng.uid(),
                "creationTimestamp": now,
            },
            "involvedObject": involved_ref,
            "reason": reason,
            "message": message,
            "source": self._source(component, host),
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": event_type,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        self._store.create(event, copy_out=False, own_metadata=True)
        self._index[key] = name  # the namespace is the involved object's, as in the key's uid

    def _source(self, component: str, host: str) -> dict[str, str]:
        """``event.source``, one shared (read-only) dict per component and node: every kubelet
        event of a ship carries the same one, as stored objects are never changed in place."""
        source = self._sources.get((component, host))
        if source is None:
            source = self._sources[(component, host)] = (
                {"component": component, "host": host} if host else {"component": component}
            )
        return source

    def forget(self, namespace: str, name: str) -> None:
        self._index = {k: v for k, v in self._index.items() if v != name}
