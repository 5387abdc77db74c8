"""What a simulated container does once started: its output, its files, its ports, its exit.

A real container runs a process; ours runs a ``Program``: a short, precomputed timeline of
steps (print a line, create or remove a file) at offsets from the start, plus how it ends
(exit code and reason at an offset, or never) and which ports it listens on. Logs, exec
probes and restarts all read the same timeline, so they agree with each other and are the
same on every run. Built by ``images.build_program``; the shell programs come from ``shell``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

OUT = "out"
WRITE = "write"
REMOVE = "rm"

COMPLETED = "Completed"
ERROR = "Error"
OOM_KILLED = "OOMKilled"
START_ERROR = "StartError"


@dataclass(frozen=True, slots=True)
class Step:
    at: float  # seconds after the container started
    kind: str  # OUT | WRITE | REMOVE
    value: str  # the line printed, or the file path
    content: str = ""  # a WRITE's file content


def _at(step: Step) -> float:
    return step.at


@dataclass(slots=True)
class Program:
    steps: list[Step] = field(default_factory=list)
    exit_at: float | None = None  # None: runs until stopped
    exit_code: int = 0
    exit_reason: str = ""  # derived from the code unless set (OOMKilled, StartError)
    exit_message: str = ""  # state.terminated.message (StartError's runtime message)
    listens: tuple[int, ...] = ()
    http_paths: tuple[str, ...] | None = None  # paths answered 200 (None: every path)
    files: dict[str, str] = field(default_factory=dict)  # files present from the start
    stopped_code: int = 137  # exit code when stopped with SIGTERM (0: shuts down cleanly)
    _times: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if len(self._times) == len(self.steps) and self.steps:
            return  # built from a shared, already sorted timeline (``images`` reuses server start-ups)
        self.steps.sort(key=_at)
        self._times = [s.at for s in self.steps]

    @property
    def reason(self) -> str:
        if self.exit_reason:
            return self.exit_reason
        return COMPLETED if self.exit_code == 0 else ERROR

    def output_until(self, offset: float) -> list[tuple[float, str]]:
        """(offset, line) printed up to ``offset`` seconds after the start."""
        end = bisect_right(self._times, offset + 1e-9)
        return [(s.at, s.value) for s in self.steps[:end] if s.kind == OUT]

    def files_at(self, offset: float) -> dict[str, str]:
        files = dict(self.files)
        end = bisect_right(self._times, offset + 1e-9)
        for step in self.steps[:end]:
            if step.kind == WRITE:
                files[step.value] = step.content
            elif step.kind == REMOVE:
                files.pop(step.value, None)
        return files

    def next_file_change(self, offset: float) -> float | None:
        """When the files next change after ``offset`` (exec probes may then give another answer)."""
        for step in self.steps[bisect_right(self._times, offset + 1e-9) :]:
            if step.kind in (WRITE, REMOVE):
                return step.at
        return None
