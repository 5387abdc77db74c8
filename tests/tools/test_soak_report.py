"""The soak run's tally (``bench/_soak.py``): an undelivered write names its student's stream.

Without Redis or daphne: a run over a stub stack, one student whose acknowledged write never
reached its stream, tallied as at the end of a run.
"""

from __future__ import annotations

from types import SimpleNamespace

from bench._soak import Options, _Run


def _run_of_one() -> _Run:
    stack = SimpleNamespace(
        servers=[SimpleNamespace(url="http://127.0.0.1:1")],
        sandboxes=[{"name": "soak-0001", "server": "http://127.0.0.1:1/k8s/key"}],
        redis=SimpleNamespace(url="redis://127.0.0.1:1/0"),  # never connected to here
    )
    return _Run(Options(students=1), stack)  # type: ignore[arg-type]


def test_an_undelivered_write_says_what_the_stream_looked_like() -> None:
    run = _run_of_one()
    student = run.students[0]
    student.stream.opened()
    student.stream.receive({"type": "cluster.snapshot", "resourceVersion": 5}, 0.5)
    student.writes = [(1.0, 13)]  # acknowledged at version 13; the stream stopped at 5
    run._tally()
    failures = run.report.failures()
    assert any(f.startswith("1 acknowledged writes never delivered") and "soak-0001@13" in f for f in failures)
    (streams,) = [f for f in failures if "students with undelivered writes" in f]
    assert "soak-0001: 1 of 1 writes, stream at v5, 1 connection(s), 1 frames" in streams


def test_a_delivered_write_is_no_failure() -> None:
    run = _run_of_one()
    student = run.students[0]
    student.stream.opened()
    student.stream.receive({"type": "cluster.snapshot", "resourceVersion": 5}, 0.5)
    student.stream.receive({"type": "cluster.delta", "fromResourceVersion": 5, "resourceVersion": 13}, 1.2)
    student.writes = [(1.0, 13)]
    run._tally()
    assert not [f for f in run.report.failures() if "undelivered" in f or "never delivered" in f]
