"""Liveness and readiness probes, answered from what the container's program is doing.

Mirrors the kubelet's prober (``pkg/kubelet/prober``): ``httpGet``, ``tcpSocket``, ``exec``
and ``grpc`` checks with upstream's failure messages, and ``initialDelaySeconds`` /
``periodSeconds`` / ``failureThreshold`` / ``successThreshold`` with upstream defaults
(0 / 10 / 3 / 1). No packets are sent: an HTTP probe fails with ``connection refused`` when
the image does not listen on the port and with ``HTTP probe failed with statuscode: 404``
when it does not serve the path (nginx has no ``/healthz``); an exec ``cat /tmp/healthy``
succeeds while the program's timeline says that file exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .program import Program

DEFAULT_PERIOD = 10
DEFAULT_FAILURE_THRESHOLD = 3
FILE_COMMANDS = {"cat", "ls", "test", "[", "stat", "head", "tail"}


@dataclass(frozen=True, slots=True)
class ProbeSettings:
    initial_delay: float
    period: float
    failure_threshold: int
    success_threshold: int

    @classmethod
    def of(cls, probe: dict[str, Any]) -> ProbeSettings:
        return cls(
            float(probe.get("initialDelaySeconds") or 0),
            float(probe.get("periodSeconds") or DEFAULT_PERIOD),
            int(probe.get("failureThreshold") or DEFAULT_FAILURE_THRESHOLD),
            int(probe.get("successThreshold") or 1),
        )


def _port(container: dict[str, Any], port: Any) -> int | None:
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for declared in container.get("ports") or []:
        if declared.get("name") == port:
            return int(declared.get("containerPort", 0))
    return None


def run_probe(
    probe: dict[str, Any],
    container: dict[str, Any],
    program: Program,
    offset: float,
    pod_ip: str,
    extra_files: dict[str, str],
    shell: str,
) -> tuple[bool, str]:
    """(success, message) of one probe run ``offset`` seconds after the container started."""
    if "httpGet" in probe:
        action = probe["httpGet"] or {}
        port = _port(container, action.get("port"))
        scheme = str(action.get("scheme") or "HTTP").lower()
        path = str(action.get("path") or "/")
        host = action.get("host") or pod_ip
        if port not in program.listens:
            return False, f'Get "{scheme}://{host}:{port}{path}": dial tcp {host}:{port}: connect: connection refused'
        served = program.http_paths
        if served is not None and path.split("?")[0] not in served:
            return False, "HTTP probe failed with statuscode: 404"
        return True, ""
    if "tcpSocket" in probe:
        action = probe["tcpSocket"] or {}
        port = _port(container, action.get("port"))
        host = action.get("host") or pod_ip
        if port not in program.listens:
            return False, f"dial tcp {host}:{port}: connect: connection refused"
        return True, ""
    if "grpc" in probe:
        port = int((probe["grpc"] or {}).get("port") or 0)
        if port not in program.listens:
            return False, f'timeout: failed to connect service "{pod_ip}:{port}" within 1s'
        return True, ""
    if "exec" in probe:
        return _exec(list((probe["exec"] or {}).get("command") or []), program, offset, extra_files, shell)
    return True, ""


def _exec(
    argv: list[str], program: Program, offset: float, extra_files: dict[str, str], shell: str
) -> tuple[bool, str]:
    if not argv:
        return True, ""
    if not shell:
        return False, (
            "OCI runtime exec failed: exec failed: unable to start container process: "
            f'exec: "{argv[0]}": executable file not found in $PATH: unknown'
        )
    if argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash") and len(argv) >= 3 and argv[1] == "-c":
        argv = argv[2].replace(";", " ").split()
    name = argv[0].rsplit("/", 1)[-1]
    if name == "false":
        return False, ""
    if name in FILE_COMMANDS:
        files = {**program.files_at(offset), **extra_files}
        for path in (a for a in argv[1:] if a.startswith("/")):
            if path not in files and not any(f.startswith(path.rstrip("/") + "/") for f in files):
                if name == "cat" and shell == "busybox":
                    return False, f"cat: can't open '{path}': No such file or directory"
                if name in ("test", "["):
                    return False, ""
                return False, f"{name}: {path}: No such file or directory"
    return True, ""
