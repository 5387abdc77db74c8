"""A short soak of the scale-out shape, and the two faults it must survive (issue 8, "Load and faults").

The same code path as ``bench/soak.py`` (``bench/_soak.py``), small: 20 students, each on its own
sandbox, watching it over one WebSocket on a random one of two daphne processes and driving it
through the REST facade of a random process (so about half the calls are forwarded). Every run
starts a private redis-server, never the shared one at 6379. Checked each time: no 5xx, no
transport error, no traceback in the daphne logs, no stream gap or duplicate, every acknowledged
write delivered to its author's stream and still there at the end. The kill -9 run also checks
that the dead process's sandboxes are owned again within the lease (+5 s); the Redis restart run
that both processes answer REST calls and WebSocket connects again, without being restarted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench._soak import Options, Report, run

pytestmark = pytest.mark.redis

STUDENTS = 20
LEASE_SECONDS = 3.0


def soak(tmp_path: Path, make_env: Callable[..., dict[str, str]], **options: object) -> Report:
    settings = {"students": STUDENTS, "lease_seconds": LEASE_SECONDS, "save_seconds": 0.2, "think_seconds": 2.0}
    return run(Options(**{**settings, **options}, base_env=make_env(), workdir=tmp_path))  # type: ignore[arg-type]


def test_twenty_students_for_twelve_seconds(tmp_path: Path, make_env: Callable[..., dict[str, str]]) -> None:
    report = soak(tmp_path, make_env, seconds=12.0)
    assert report.failures() == []
    assert report.calls >= STUDENTS * 4  # the load really ran: about one call per student every 2 s
    assert report.writes >= STUDENTS * 3
    assert report.reconnects == 0


def test_kill_minus_nine_moves_the_sandboxes_and_loses_no_acknowledged_write(
    tmp_path: Path, make_env: Callable[..., dict[str, str]]
) -> None:
    report = soak(tmp_path, make_env, seconds=16.0, kill=True, fault_at=3.0)
    assert report.failures() == []
    fault = report.fault
    assert fault is not None and fault.affected > 0
    assert len(fault.reowned) == fault.affected
    assert max(fault.reowned) <= LEASE_SECONDS + 5
    assert report.reconnects > 0  # the dead process's clients came back, and their streams resumed


def test_the_processes_recover_from_a_redis_restart_without_restarting(
    tmp_path: Path, make_env: Callable[..., dict[str, str]]
) -> None:
    report = soak(tmp_path, make_env, seconds=18.0, restart_redis=True, fault_at=3.0)
    assert report.failures() == []
    assert report.fault is not None and report.fault.recovered is not None
    assert report.survivors_alive
