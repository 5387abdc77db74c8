"""The building blocks every ``kubectl describe`` shares: the prefix writer, labels, events.

Mirrors ``pkg/describe/describe.go``: ``PrefixWriter`` (two spaces per level) over one Go
tabwriter (minwidth 0, padding 2) flushed before the Events table, ``printLabelsMultiline``,
``printAnnotationsMultiline`` (skipping ``last-applied-configuration``, folding long values),
``DescribeEvents`` (sorted by lastTimestamp, ``Age`` from the first timestamp, ``x3 over 2m``),
``RFC1123Z`` dates and ``HumanDuration`` ages read from the simulated clock.
Events in the same second keep the order they were written in (resourceVersion), where a real
cluster would shuffle them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubelearn.cluster.objects import Obj
from kubelearn.cluster.printers import human_duration

from .tabwriter import tabwrite

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Writer:
    """``PrefixWriter`` over a tabwriter; ``flush`` ends the current alignment blocks."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self._chunks: list[list[str]] = [[]]

    def write(self, level: int, text: str) -> None:
        self._chunks[-1].append("  " * level + text)

    def line(self, text: str = "") -> None:
        """``WriteLine``: no indentation, newline added."""
        self._chunks[-1].append(text + "\n")

    def flush(self) -> None:
        self._chunks.append([])

    def text(self) -> str:
        return "".join(tabwrite("".join(chunk)) for chunk in self._chunks)

    # -- time -------------------------------------------------------------------------------

    def since(self, stamp: str | None) -> str:
        if not stamp:
            return "<unknown>"
        return human_duration(self.clock.now - self.clock.parse(stamp))


def rfc1123z(stamp: str | None) -> str:
    """Go's ``time.RFC1123Z`` for an RFC 3339 timestamp: ``Thu, 01 Jan 2026 09:00:00 +0000``."""
    if not stamp:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    moment = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment:%Y %H:%M:%S} +0000"


def labels_multiline(w: Writer, title: str, labels: dict[str, str] | None, indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={labels[key]}\n")


def annotations_multiline(w: Writer, title: str, annotations: dict[str, str] | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = (annotations or {})[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                short = part if len(part) <= MAX_ANNOTATION_LEN - 2 else part[: MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def format_labels(labels: dict[str, str] | None) -> str:
    """``labels.FormatLabels``: ``a=b,c=d`` sorted, or ``<none>``."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def format_selector(selector: dict[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector`` / ``LabelSelectorAsSelector(...).String()``."""
    if selector is None:
        return "<none>"
    parts: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator"), sorted(expr.get("values") or [])
        text = {
            "In": f"{key} in ({','.join(values)})",
            "NotIn": f"{key} notin ({','.join(values)})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(str(op), key)
        parts.append((key, text))
    return ",".join(text for _, text in sorted(parts)) or "<none>"


def events_for(inv: Any, obj: Obj, with_kind: bool = True, uids: tuple[str, ...] | None = None) -> list[Obj]:
    """``searchEvents``: events whose involvedObject is ``obj`` (name, namespace, kind, uid)."""
    meta = obj.get("metadata", {})
    namespace = meta.get("namespace") or "default"
    wanted_uids = uids if uids is not None else (meta.get("uid", ""),)
    found = []
    for event in inv.cluster.store.iter_kind("Event", None if not meta.get("namespace") else namespace):
        involved = event.get("involvedObject", {})
        if involved.get("name") != meta.get("name"):
            continue
        if with_kind and involved.get("kind") != obj.get("kind"):
            continue
        if involved.get("uid") and involved.get("uid") not in wanted_uids:
            continue
        if meta.get("namespace") and (involved.get("namespace") or "default") != namespace:
            continue
        found.append(event)
    return found


def describe_events(w: Writer, events: list[Obj]) -> None:
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    ordered = sorted(events, key=lambda e: (e.get("lastTimestamp") or "", int(e["metadata"]["resourceVersion"])))
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in ordered:
        first = w.since(event.get("firstTimestamp"))
        count = int(event.get("count") or 1)
        interval = f"{w.since(event.get('lastTimestamp'))} (x{count} over {first})" if count > 1 else first
        source = (event.get("source") or {}).get("component") or event.get("reportingController", "")
        message = str(event.get("message", "")).strip()
        w.write(1, f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval}\t{source}\t{message}\n")


def print_bool(value: Any) -> str:
    return "True" if value else "False"


def controller_of(obj: Obj) -> str:
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return ""
