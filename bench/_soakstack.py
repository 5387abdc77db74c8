"""The scale-out stack a soak run drives: a private redis-server, one SQLite file, two daphnes.

Everything listens on 127.0.0.1 only and is stopped by the caller (``Stack.stop``). The Redis
server is always a private one on a free port (``--save "" --appendonly no``), so a run can
restart it without touching the shared Redis at 6379 that the test suite and other runs use.
Sandboxes are created in one ``manage.py shell`` process (migrate, then ``sandbox kubeconfig``'s
own ``get_or_create_named`` and ``sandbox show``'s ``describe``): starting ``manage.py`` twice
per student would take minutes for a class of 200.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "soak-run-" + "k" * 56
STARTUP_TIMEOUT = 60.0
#: kubelearn's settings variables (``tests/conftest.py``): a caller's shell must not change a run.
CONFIG_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "SERVE_STATIC",
    "HTTPS_ONLY",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
    "SANDBOX_LEASE_SECONDS",
    "SANDBOX_SAVE_SECONDS",
    "SANDBOX_DURABLE_WRITES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
TRACEBACK = b"Traceback (most recent call last)"

_SETUP = """
import json
from django.core.management import call_command
from kubelearn.sandboxes.kubeconfig import describe
from kubelearn.sandboxes.provision import get_or_create_named
call_command("migrate", interactive=False, verbosity=0)
rows = [get_or_create_named(f"soak-{{i:04d}}")[0] for i in range({count})]
print("SOAK-SANDBOXES " + json.dumps([describe(row, "http://x") for row in rows]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env() -> dict[str, str]:
    """The caller's environment without kubelearn's configuration."""
    return {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}


class RedisServer:
    """A private, non-persistent redis-server that a fault run may stop and start again."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server; .ci/run does)")
        self.binary = binary
        self.port = free_port()
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Daphne:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def process_id_part(self) -> str:
        """What this process's ownership leases contain (``<host>-<pid>-<token>``)."""
        return f"-{self.process.pid}-"

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stack:
    workdir: Path
    redis: RedisServer
    env: dict[str, str]
    servers: list[Daphne] = field(default_factory=list)
    sandboxes: list[dict[str, str]] = field(default_factory=list)

    def stop(self) -> None:
        for server in self.servers:
            if server.alive():
                server.process.terminate()
        for server in self.servers:
            server.stop()
        self.redis.stop()

    def tracebacks(self, allowed: dict[str, list[tuple[int, int]]] | None = None) -> tuple[list[str], int]:
        """Tracebacks in the daphne logs: (unexpected ones, number inside the ``allowed`` byte ranges)."""
        unexpected, tolerated = [], 0
        for server in self.servers:
            data = server.log.read_bytes() if server.log.exists() else b""
            for match in re.finditer(re.escape(TRACEBACK), data):
                ranges = (allowed or {}).get(server.name, [])
                if any(start <= match.start() < end for start, end in ranges):
                    tolerated += 1
                else:
                    unexpected.append(
                        f"{server.name}: " + data[match.start() : match.start() + 1500].decode(errors="replace")
                    )
        return unexpected, tolerated


def _start_daphne(name: str, env: dict[str, str], workdir: Path) -> Daphne:
    port = free_port()
    daphne = Path(sys.executable).with_name("daphne")
    log = workdir / f"daphne-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "kubelearn.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Daphne(name, f"http://127.0.0.1:{port}", process, log)


def _wait_healthy(server: Daphne) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if not server.alive():
            break
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne {server.name} did not start:\n{server.log.read_text(errors='replace')}")


def start(
    workdir: Path, students: int, lease_seconds: float, save_seconds: float, base_env: dict[str, str] | None = None
) -> Stack:
    """Private Redis, a migrated SQLite file with ``students`` sandboxes, and daphne ``a`` and ``b``."""
    redis = RedisServer(workdir)
    redis.start()
    env = {
        **(clean_env() if base_env is None else base_env),
        "DJANGO_SETTINGS_MODULE": "kubelearn.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": redis.url,
        "SECRET_KEY": SECRET,
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "SANDBOX_LEASE_SECONDS": str(lease_seconds),
        "SANDBOX_SAVE_SECONDS": str(save_seconds),
    }
    stack = Stack(workdir, redis, env)
    try:
        # daphne touches the database only when a request comes: start it while sandboxes are made.
        setup = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", _SETUP.format(count=students)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stack.servers = [_start_daphne(name, env, workdir) for name in ("a", "b")]
        out, err = setup.communicate(timeout=600)
        if setup.returncode != 0:
            raise RuntimeError(f"creating the sandboxes failed:\n{err}")
        line = next(x for x in out.splitlines() if x.startswith("SOAK-SANDBOXES "))
        stack.sandboxes = json.loads(line.split(" ", 1)[1])
        for server in stack.servers:
            _wait_healthy(server)
    except BaseException:
        stack.stop()
        raise
    return stack
