"""Shared helpers for the benchmark scripts: one JSON line per figure, as ``make bench`` expects."""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def figure(metric: str, value: float, unit: str, target: float, better: str) -> None:
    """Print one figure: ``{"metric", "value", "unit", "target", "better"}``."""
    print(json.dumps({"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "better": better}))


def pin_to_one_core() -> None:
    """The targets are per core: keep the measurement on one CPU where the OS allows it."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
