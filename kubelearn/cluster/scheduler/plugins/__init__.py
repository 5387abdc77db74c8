"""Scheduler plugins, one module per upstream plugin (``pkg/scheduler/framework/plugins``).

Filter plugins expose ``NAME`` and ``filter(pod, node) -> Status | None`` (None means the node
passes); score plugins expose ``score(pod, node) -> int`` in 0..100 (``MaxNodeScore``). A
``Status`` carries upstream's reason strings — the ones ``FailedScheduling`` counts — plus a
friendlier sentence for the UI, and whether preemption could ever help
(``UnschedulableAndUnresolvable`` means it cannot).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NODE_SCORE = 100


@dataclass(frozen=True, slots=True)
class Status:
    plugin: str
    reasons: tuple[str, ...]
    unresolvable: bool = False
    detail: str = ""  # a plain-language explanation for the lesson UI
