"""Helpers for driving the real kubectl against a live kubelearn server (``tests/kubectl_real``).

One daphne process per session (``kubelearn.asgi:application`` on a free loopback port, a
temporary SQLite database after ``migrate``), one sandbox whose kubeconfig comes from
``manage.py sandbox kubeconfig NAME --server URL``, and a ``kubectl`` helper that runs
``/usr/bin/kubectl`` with that kubeconfig, a timeout and a fresh ``--cache-dir``. The
simulated clock runs at real speed, so tests poll instead of sleeping and use distinct object
names (they share one cluster). kubectl missing is a failure, never a skip.

``LiveServer`` is reusable: the persistence tests stop and restart their own server on the same
database and port.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 30.0
COMMAND_TIMEOUT = 60.0
SANDBOX = "kubectl-suite"
#: Ages, restarts and IPs vary between runs: match them with these.
AGE = r"\d+(?:s|m\d*s?|h\d*m?|d\d*h?)"


def kubectl_binary() -> str:
    """/usr/bin/kubectl, else ``kubectl`` on PATH; fails the test when there is none."""
    for candidate in ("/usr/bin/kubectl", shutil.which("kubectl")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("kubectl is not installed: install Debian's kubernetes-client (see .ci/run) instead of skipping")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A daphne process serving kubelearn on ``127.0.0.1:port`` over a given SQLite file."""

    workdir: Path
    repo_root: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.repo_root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
        return result.stdout

    def start(self) -> None:
        daphne = Path(sys.executable).with_name("daphne")
        launcher = [str(daphne)] if daphne.exists() else [sys.executable, "-m", "daphne"]
        command = [*launcher, "-b", "127.0.0.1", "-p", str(self.port), "kubelearn.asgi:application"]
        self.starts += 1
        log = self.workdir / f"daphne-{self.starts}.log"
        with log.open("wb") as log_file:
            self.process = subprocess.Popen(
                command, cwd=self.repo_root, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"daphne exited with {self.process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.read() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        pytest.fail(f"daphne did not answer /healthz within {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the process to end; returns its exit status."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return process.returncode if process else 0
        process.send_signal(sig)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait(timeout=10)

    def log(self) -> str:
        return self.workdir.joinpath(f"daphne-{self.starts}.log").read_text(errors="replace")


def start_server(workdir: Path, repo_root: Path, make_env: Callable[..., dict[str, str]]) -> LiveServer:
    """Migrate a fresh database in ``workdir`` and start daphne on it."""
    env = make_env(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="true")
    server = LiveServer(workdir=workdir, repo_root=repo_root, env=env)
    server.manage("migrate", "--noinput")
    server.start()
    return server


@dataclass
class Kubectl:
    """Runs the real kubectl against one kubeconfig with its own discovery cache."""

    kubeconfig: Path
    cache_dir: Path
    binary: str = field(default_factory=kubectl_binary)
    workdir: Path | None = None

    def argv(self, *args: str) -> list[str]:
        return [self.binary, "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.cache_dir), *args]

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env["HOME"] = str(self.cache_dir.parent)
        return env

    def __call__(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.argv(*args),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
            cwd=self.workdir,
        )
        if check:
            assert result.returncode == 0, (
                f"kubectl {' '.join(args)} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """A long-running kubectl (``get -w``, ``logs -f``); the caller kills it."""
        return subprocess.Popen(
            self.argv(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            cwd=self.workdir,
        )

    def lines(self, *args: str) -> list[str]:
        return self(*args).stdout.splitlines()

    def json(self, *args: str) -> dict:
        return json.loads(self(*args, "-o", "json").stdout)

    def write(self, name: str, text: str) -> Path:
        """Write a manifest into the working directory (kubectl names files as given)."""
        assert self.workdir is not None
        path = self.workdir / name
        path.write_text(text)
        return path

    def poll(self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what}")


def write_kubeconfig(server: LiveServer, name: str, path: Path) -> Path:
    path.write_text(server.manage("sandbox", "kubeconfig", name, "--server", server.url))
    return path


def match_lines(patterns: list[str], lines: list[str]) -> None:
    """Each line must fully match its regex (columns are separated by runs of spaces)."""
    assert len(lines) == len(patterns), "\n".join(lines)
    for pattern, line in zip(patterns, lines, strict=True):
        assert re.fullmatch(pattern, line), f"{line!r} does not match {pattern!r}"


class LineReader:
    """Reads a running kubectl's stdout line by line with deadlines (a thread feeds a queue)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def until(self, pattern: str, timeout: float = 30.0) -> str:
        """The first new line that fully matches ``pattern``; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                pytest.fail(f"kubectl ended before printing {pattern!r}; it printed:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if re.fullmatch(pattern, line):
                return line
        pytest.fail(f"no line matching {pattern!r} within {timeout}s; kubectl printed:\n" + "\n".join(self.lines))

    def stop(self) -> str:
        """Kill kubectl and return what it wrote to stderr."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._thread.join(timeout=10)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        with self.process.stderr:
            return self.process.stderr.read()
