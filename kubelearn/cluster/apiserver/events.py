"""The event recorder: how components tell people what they did, as core/v1 Events.

Mirrors client-go's ``record.EventRecorder`` and its correlator: an event with the same
involved object, reason and message as an earlier one bumps ``count`` and
``lastTimestamp`` instead of creating a new object (``kubectl describe`` shows ``x3 over 2m``).
Reasons and messages use upstream wording so a student reads here what a real cluster says.
"""

from __future__ import annotations

from ..clock import SimClock
from ..objects import Obj, name_of, namespace_of, uid_of
from ..rng import SeededRng
from ..store import Store

NORMAL = "Normal"
WARNING = "Warning"


class EventRecorder:
    def __init__(self, store: Store, clock: SimClock, rng: SeededRng) -> None:
        self._store = store
        self._clock = clock
        self._rng = rng
        self._index: dict[tuple[str, str, str, str, str], tuple[str, str]] = {}

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
        namespace = namespace_of(involved) or "default"
        now = self._clock.timestamp()
        key = (uid_of(involved), reason, message, component, field_path)
        existing = self._index.get(key)
        if existing is not None:
            current = self._store.peek("Event", *existing)
            if current is not None:
                updated = {**current, "metadata": dict(current["metadata"])}
                updated["count"] = int(updated.get("count", 1)) + 1
                updated["lastTimestamp"] = now
                self._store.update(updated, copy_out=False)
                return
        name = f"{name_of(involved)}.{self._rng.getrandbits_hex()}"
        involved_ref = {
            "kind": involved.get("kind"),
            "namespace": namespace_of(involved) or None,
            "name": name_of(involved),
            "uid": uid_of(involved),
            "apiVersion": involved.get("apiVersion"),
            "resourceVersion": involved.get("metadata", {}).get("resourceVersion"),
        }
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
            "involvedObject": {k: v for k, v in involved_ref.items() if v is not None},
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": host} if host else {})},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": event_type,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        event.pop("eventTime")
        self._store.create(event, copy_out=False)
        self._index[key] = (namespace, name)

    def forget(self, namespace: str, name: str) -> None:
        self._index = {k: v for k, v in self._index.items() if v != (namespace, name)}
