"""Scale-out fixtures: a private Redis database, and two daphne processes sharing it and SQLite.

``redis_url`` picks an empty Redis database number (1–15) on 127.0.0.1:6379 for this test
session and flushes it afterwards, so runs never see each other's leases or groups.
``cluster_of_two`` copies one SQLite file (migrated, with the sandboxes ``demo`` and
``student`` made by ``manage.py sandbox kubeconfig``, once per session) and starts daphne twice on loopback (``a`` and ``b``)
with ``REDIS_URL`` set, a 2-second ownership lease and 0.2-second snapshot throttle.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

REDIS_HOST = "127.0.0.1"
LEASE_SECONDS = 2.0
SECRET = "scale-out-tests-" + "s3cr3t" * 8
STARTUP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    try:
        redis.Redis(host=REDIS_HOST, port=6379, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis is not running at {REDIS_HOST}:6379 ({exc}); .ci/run starts it")
    for db in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=6379, db=db)
        # Claim the database number so a parallel run picks another one.
        if client.dbsize() == 0 and client.set("kubelearn:test-run", os.getpid(), nx=True):
            break
    else:
        pytest.fail("no empty Redis database (1-15) for the scale-out tests")
    yield f"redis://{REDIS_HOST}:6379/{db}"
    client.flushdb()


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Pair:
    a: Server
    b: Server
    sandboxes: dict[str, dict[str, str]]  # name -> manage.py sandbox show (id, ws, server ...)
    redis_url: str
    env: dict[str, str]
    started: list[Server] = field(default_factory=list)

    def api(self, server: Server, name: str, path: str) -> str:
        """The facade URL of sandbox ``name`` on ``server``."""
        key_path = self.sandboxes[name]["server"].split("/k8s/", 1)[1]
        return f"{server.url}/k8s/{key_path}{path}"

    def ws(self, server: Server, name: str) -> str:
        path = self.sandboxes[name]["ws"].split("/ws/", 1)[1]
        return f"ws://{server.url.removeprefix('http://')}/ws/{path}"


def http(method: str, url: str, body: Any = None, timeout: float = 15) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            try:
                return response.status, json.loads(raw or b"null")
            except ValueError:  # a watch stream: newline-delimited events
                return response.status, [json.loads(line) for line in raw.splitlines() if line]
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


def _start(name: str, env: dict[str, str], workdir: Path, repo_root: Path) -> Server:
    port = _free_port()
    daphne = Path(sys.executable).with_name("daphne")
    log = workdir / f"daphne-{name}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "kubelearn.asgi:application"],
            cwd=repo_root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne {name} exited:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as response:
                if response.read() == b"ok":
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"daphne {name} did not start:\n{server.output()}")


@pytest.fixture(scope="session")
def seeded_database(
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    redis_url: str,
    make_env: Callable[..., dict[str, str]],
) -> tuple[Path, dict[str, dict[str, str]]]:
    """One migrated SQLite file with the sandboxes ``demo`` and ``student``, made once per session.

    Five ``manage.py`` runs cost ~8 s; each test copies the file instead (its own database).
    """
    path = tmp_path_factory.mktemp("scaleout-template") / "db.sqlite3"
    env = make_env(DATABASE_URL=f"sqlite:///{path}", DEBUG="true", SECRET_KEY=SECRET, REDIS_URL=redis_url)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=repo_root, env=env, check=True, capture_output=True)
    sandboxes = {}
    for name in ("demo", "student"):
        subprocess.run(
            [*manage, "sandbox", "kubeconfig", name], cwd=repo_root, env=env, check=True, capture_output=True
        )
        shown = subprocess.run(
            [*manage, "sandbox", "show", name, "--server", "http://x"],
            cwd=repo_root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        sandboxes[name] = json.loads(shown.stdout)
    return path, sandboxes


@pytest.fixture
def cluster_of_two(
    tmp_path: Path,
    repo_root: Path,
    redis_url: str,
    make_env: Callable[..., dict[str, str]],
    seeded_database: tuple[Path, dict[str, dict[str, str]]],
) -> Iterator[Pair]:
    template, shown = seeded_database
    shutil.copyfile(template, tmp_path / "db.sqlite3")
    env = make_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="true",
        SECRET_KEY=SECRET,
        REDIS_URL=redis_url,
        SANDBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        SANDBOX_SAVE_SECONDS="0.2",
    )
    sandboxes = {name: dict(info) for name, info in shown.items()}
    a = _start("a", env, tmp_path, repo_root)
    b = _start("b", env, tmp_path, repo_root)
    pair = Pair(a, b, sandboxes, redis_url, env, [a, b])
    yield pair
    for server in pair.started:
        if server.process.poll() is None:
            server.process.terminate()
            try:
                server.process.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    # Every test reuses the same sandbox ids: leave no lease, group or channel behind. Keep the
    # ownership epoch marker (and this run's claim on the database): without it, a process that
    # still holds sandboxes (this pytest process, for the in-process tests) sees "Redis
    # restarted" and starts a quiet period in which claims answer busy.
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter():
        if not key.endswith(b"~epoch") and key != b"kubelearn:test-run":
            client.delete(key)
