"""Soak and fault run: N students on their own sandboxes over two daphne processes and Redis.

Run: ``.venv/bin/python bench/soak.py [--students 200] [--seconds 300] [--kill | --restart-redis]``
(``make soak`` runs the full one, then a shorter ``--kill`` and ``--restart-redis`` run; ``make
bench`` does not run this script). Each student watches its sandbox over one WebSocket on a
random process and every few seconds applies, creates, patches, deletes or scales through the
REST facade of a random process (``bench/_soak.py`` says what is checked). Needs
``redis-server`` on the PATH: every run starts a private one on a free port, never the shared
6379. Loopback only; bounded in time. Prints JSON figure lines; exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import sys

from _common import figure

from bench._soak import Options, Report, percentile, run


def _figures(report: Report) -> None:
    o = report.options
    figure("soak_students", report.students_ready, "students", o.students, "higher")
    figure("soak_calls", report.calls, "calls", 0, "higher")
    figure("soak_request_p50", percentile(report.request_ms, 0.5), "ms", 50, "lower")
    figure("soak_request_p99", percentile(report.request_ms, 0.99), "ms", 250, "lower")
    figure("soak_write_to_delta_p50", percentile(report.delta_ms, 0.5), "ms", 100, "lower")
    figure("soak_write_to_delta_p99", percentile(report.delta_ms, 0.99), "ms", 500, "lower")
    errors = len(report.server_errors) + len(report.transport_errors) + len(report.client_errors)
    figure("soak_errors", errors + report.unexpected_disconnects, "errors", 0, "lower")
    figure("soak_tracebacks", len(report.tracebacks), "tracebacks", 0, "lower")
    figure("soak_gaps", report.gaps + report.duplicates, "frames", 0, "lower")
    figure("soak_lost", len(report.lost) + len(report.stale_reads) + len(report.undelivered), "writes", 0, "lower")
    fault = report.fault
    if fault is None:
        return
    figure("fault_disrupted_calls", report.disrupted, "calls", 0, "lower")
    figure("fault_reconnects", report.reconnects, "reconnects", 0, "lower")
    if fault.kind == "kill":
        figure("kill_affected_sandboxes", fault.affected, "sandboxes", 0, "higher")
        figure("kill_reowned", len(fault.reowned), "sandboxes", fault.affected, "higher")
        figure("kill_reowned_p50", percentile(fault.reowned, 0.5), "s", o.lease_seconds, "lower")
        figure("kill_reowned_max", max(fault.reowned, default=float("nan")), "s", o.lease_seconds, "lower")
        figure("kill_lost_in_crash_window", len(report.lost_in_crash_window), "writes", 0, "lower")
        figure("kill_stream_rewinds", report.rewinds, "clients", 0, "lower")
    else:
        recovered = fault.recovered if fault.recovered is not None else float("nan")
        figure("redis_restart_recovery", recovered, "s", 5, "lower")
        figure("redis_restart_tracebacks", report.tolerated_tracebacks, "tracebacks", 0, "lower")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300.0)
    faults = parser.add_mutually_exclusive_group()
    faults.add_argument("--kill", action="store_true", help="kill -9 one process half way")
    faults.add_argument("--restart-redis", action="store_true", help="restart the (private) Redis half way")
    parser.add_argument("--lease", type=float, default=10.0, help="SANDBOX_LEASE_SECONDS (default: the setting's)")
    parser.add_argument("--save", type=float, default=1.0, help="SANDBOX_SAVE_SECONDS (default: the setting's)")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's actions")
    args = parser.parse_args()
    if args.students < 2 or args.seconds <= 0:
        parser.error("--students must be at least 2 and --seconds positive")
    options = Options(
        students=args.students,
        seconds=args.seconds,
        kill=args.kill,
        restart_redis=args.restart_redis,
        lease_seconds=args.lease,
        save_seconds=args.save,
        think_seconds=args.think,
        progress=lambda text: print(text, file=sys.stderr, flush=True),
    )
    report = run(options)
    _figures(report)
    failures = report.failures()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if report.workdir is not None:
        print(f"logs kept in {report.workdir}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
