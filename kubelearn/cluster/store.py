"""The store: our etcd. Objects by (kind, namespace, name), versions, and a watch log.

Mirrors what kube-apiserver gets from etcd: one cluster-wide, monotonically increasing
``resourceVersion`` stamped on every write; compare-and-swap on update (a stale
``resourceVersion`` is a 409 Conflict); and a watch history from which a client can resume
after any version, until compaction makes that version "too old" (410 Gone).

Simplifications: a bounded in-memory log instead of etcd's MVCC history, and no leases.
Stored dicts are never mutated after they are written (each write stores a new dict), so the
watch log can share them instead of copying; readers always get a copy (house rule 5).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import new_already_exists, new_conflict, new_gone, new_not_found
from .kinds import BY_KIND
from .objects import Key, Obj, clone, key_of, labels_of
from .selectors import Selector, field_selector_matches, matches

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"

DEFAULT_WATCH_WINDOW = 2000
# The answer for a kind or a metadata nobody stored: shared and never written to, so the hot
# lookups below do not build an empty dict per call (peek alone runs ~20 times per pod start).
_NOTHING: dict[Any, Any] = {}


class WatchEvent:
    """One entry of the change log; ``object`` is shared and must be treated as read-only.

    A plain slotted class rather than a frozen dataclass: one is built per write and offered
    to every informer, so its construction and ``kind`` (read once per watching controller)
    are on the hottest path of the control plane.
    """

    __slots__ = ("kind", "object", "resource_version", "type")

    def __init__(self, type: str, resource_version: int, object: Obj, kind: str | None = None) -> None:
        self.type = type
        self.resource_version = resource_version
        self.object = object
        if kind is None:
            kind = object.get("kind", "")
        self.kind: str = kind if kind.__class__ is str else str(kind)

    def __repr__(self) -> str:
        return f"WatchEvent({self.type!r}, {self.resource_version!r}, {self.kind}/{key_of(self.object)[2]})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WatchEvent):
            return NotImplemented
        return (self.type, self.resource_version, self.object) == (other.type, other.resource_version, other.object)

    __hash__ = None  # type: ignore[assignment]

    def to_wire(self) -> dict[str, Any]:
        """The watch API's JSON event (``{"type": ..., "object": ...}``), with a private copy."""
        return {"type": self.type, "object": clone(self.object)}


def _not_found(key: Key) -> Exception:
    info = BY_KIND.get(key[0])
    return new_not_found(info.group if info else "", info.plural if info else key[0].lower(), key[2])


class Store:
    def __init__(self, watch_window: int = DEFAULT_WATCH_WINDOW) -> None:
        self._by_kind: dict[str, dict[tuple[str, str], Obj]] = {}
        self.revision = 0
        self._log: deque[WatchEvent] = deque(maxlen=watch_window)
        # The oldest revision a watcher may resume from (events after it are all in the log).
        self._compacted = 0
        # Called with every committed WatchEvent, in order: the engine's informers.
        self.listeners: list[Callable[[WatchEvent], None]] = []

    # -- reads -----------------------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> Obj | None:
        obj = self._by_kind.get(kind, _NOTHING).get((namespace, name))
        return clone(obj) if obj is not None else None

    def peek(self, kind: str, namespace: str, name: str) -> Obj | None:
        """The stored object itself, without a copy: read-only, for hot paths in the core."""
        return self._by_kind.get(kind, _NOTHING).get((namespace, name))

    def scan(self, kind: str) -> Iterator[Obj]:
        """Stored objects of a kind (no copies; read-only) in no promised order: for callers
        whose result does not depend on it, so a large bucket is not sorted for nothing."""
        return iter(list(self._by_kind.get(kind, _NOTHING).values()))

    def iter_kind(self, kind: str, namespace: str | None = None) -> Iterator[Obj]:
        """Stored objects of a kind (no copies; read-only), in (namespace, name) order."""
        bucket = self._by_kind.get(kind, _NOTHING)
        for (ns, _name), obj in sorted(bucket.items()):
            if namespace is None or ns == namespace:
                yield obj

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: Selector | None = None,
        field_selector: list[tuple[str, str, str]] | None = None,
    ) -> tuple[list[Obj], int]:
        """Copies of matching objects, sorted by namespace and name, plus the list's revision."""
        items = []
        for obj in self.iter_kind(kind, namespace):
            if label_selector is not None and not matches(label_selector, labels_of(obj)):
                continue
            if field_selector and not field_selector_matches(field_selector, obj):
                continue
            items.append(clone(obj))
        return items, self.revision

    def iter_kind_all(self) -> Iterator[Obj]:
        """Every stored object (no copies; read-only), kind by kind."""
        for kind in sorted(self._by_kind):
            yield from self.iter_kind(kind)

    def rebase(self) -> None:
        """Start a new watch history at the current revision (after a restore)."""
        self._log.clear()
        self._compacted = self.revision

    def count(self, kind: str, namespace: str | None = None) -> int:
        bucket = self._by_kind.get(kind, _NOTHING)
        if namespace is None:
            return len(bucket)
        return sum(1 for ns, _ in bucket if ns == namespace)

    def kinds(self) -> list[str]:
        return sorted(k for k, bucket in self._by_kind.items() if bucket)

    # -- writes (the object passed in becomes the stored object: callers hand over a fresh dict) --

    def _commit(self, event_type: str, obj: Obj, own_metadata: bool = False, kind: str | None = None) -> Obj:
        revision = self.revision = self.revision + 1
        if own_metadata:
            obj["metadata"]["resourceVersion"] = str(revision)
        else:
            # A fresh metadata dict: a caller that kept a reference cannot see the stored version change.
            obj["metadata"] = {**obj["metadata"], "resourceVersion": str(revision)}
        log = self._log
        if len(log) == log.maxlen:
            self._compacted = log[0].resource_version
        event = WatchEvent(event_type, revision, obj, kind)
        log.append(event)
        for listener in self.listeners:
            listener(event)
        return obj

    def create(self, obj: Obj, copy_out: bool = True, own_metadata: bool = False) -> Obj:
        """Store a new object; ``own_metadata=True`` promises that nobody else holds its metadata
        dict (the API server's own copy), so the resourceVersion is stamped in place."""
        meta = obj.get("metadata", _NOTHING)
        kind, ns, name = obj.get("kind", ""), str(meta.get("namespace", "") or ""), str(meta.get("name", ""))
        bucket = self._by_kind.get(kind)
        if bucket is None:
            bucket = self._by_kind[kind] = {}
        elif (ns, name) in bucket:
            info = BY_KIND.get(kind)
            raise new_already_exists(info.group if info else "", info.plural if info else kind.lower(), name)
        bucket[(ns, name)] = stored = self._commit(ADDED, obj, own_metadata, kind)
        return clone(stored) if copy_out else stored

    def update(
        self, obj: Obj, expected_version: int | None = None, copy_out: bool = True, own_metadata: bool = False
    ) -> Obj:
        """Replace an object; ``expected_version`` is the compare-and-swap precondition."""
        meta = obj.get("metadata", _NOTHING)
        key = (obj.get("kind", ""), str(meta.get("namespace", "") or ""), str(meta.get("name", "")))
        bucket = self._by_kind.get(key[0], _NOTHING)
        current = bucket.get((key[1], key[2]))
        if current is None:
            raise _not_found(key)
        if expected_version is not None and expected_version != int(current["metadata"]["resourceVersion"]):
            info = BY_KIND.get(key[0])
            raise new_conflict(
                info.group if info else "",
                info.plural if info else key[0].lower(),
                key[2],
                "the object has been modified; please apply your changes to the latest version and try again",
            )
        bucket[(key[1], key[2])] = stored = self._commit(MODIFIED, obj, own_metadata, key[0])
        return clone(stored) if copy_out else stored

    def delete(self, kind: str, namespace: str, name: str) -> Obj:
        bucket = self._by_kind.get(kind, _NOTHING)
        current = bucket.pop((namespace, name), None)
        if current is None:
            raise _not_found((kind, namespace, name))
        tombstone = clone(current)
        self._commit(DELETED, tombstone)
        return clone(tombstone)

    def restore_object(self, obj: Obj) -> None:
        """Put an object back exactly as it was (snapshot restore), without a new version."""
        kind, ns, name = key_of(obj)
        self._by_kind.setdefault(kind, {})[(ns, name)] = obj

    # -- watch -----------------------------------------------------------------------------

    def events_since(self, revision: int, kinds: Iterable[str] | None = None) -> list[WatchEvent]:
        """Every change after ``revision``; 410 Gone if the log no longer reaches back that far."""
        if revision < self._compacted:
            raise new_gone(f"too old resource version: {revision} ({self._compacted + 1})")
        wanted = set(kinds) if kinds is not None else None
        out = []
        for event in reversed(self._log):
            if event.resource_version <= revision:
                break
            if wanted is None or event.kind in wanted:
                out.append(event)
        out.reverse()
        return out

    @property
    def oldest_resumable(self) -> int:
        return self._compacted

    # -- snapshots (persistence) -------------------------------------------------------------

    def dump(self, copy: bool = True) -> dict[str, Any]:
        """Everything needed to rebuild the store (not the watch log: a restore starts a new history).

        ``copy=False`` shares the stored objects (never mutated in place: writes replace them), for a
        caller that encodes the dump at once under the sandbox's lock (persistence).
        """
        buckets = self._by_kind.values()
        objects = [clone(o) for b in buckets for o in b.values()] if copy else [o for b in buckets for o in b.values()]
        return {"revision": self.revision, "objects": objects}

    @classmethod
    def load(cls, data: dict[str, Any], watch_window: int = DEFAULT_WATCH_WINDOW) -> Store:
        store = cls(watch_window)
        for obj in data.get("objects", []):
            kind, ns, name = key_of(obj)
            store._by_kind.setdefault(kind, {})[(ns, name)] = obj
        store.revision = int(data.get("revision", 0))
        store._compacted = store.revision
        return store
