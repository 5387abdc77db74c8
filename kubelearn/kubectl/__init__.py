"""A kubectl emulator over the pure core: what the command bar, lessons and inspector run.

Mirrors kubectl 1.32's output byte for byte where feasible (``get`` tables, ``describe``,
``apply``/``create``/``delete`` lines, ``rollout``, error texts). Everything goes through the
core's API server verbs, so validation and admission apply exactly as for the REST facade;
after a write the engine drains (controllers react) but simulated time does not move.
Like ``kubelearn.cluster``, this package is pure: no Django, no asyncio, no wall clock.
"""

from __future__ import annotations

from .commands import run
from .describe import describe
from .invocation import CommandResult

__all__ = ["CommandResult", "describe", "run"]
