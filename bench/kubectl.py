"""The REST facade's overhead: a 20-command kubectl session against it and against canned replies.

Run: ``.venv/bin/python bench/kubectl.py`` (``make bench`` runs every script here).

1. A daphne server (``kubelearn.asgi``, temporary SQLite database) serves fresh sandboxes.
2. Recording pass: kubectl talks to the facade through a tiny recording proxy that keeps
   every reply (status, headers, body) per method and path, in order.
3. Timed passes, alternating: the same session straight against the facade (a fresh sandbox
   each time, so it starts from the same state), and against a stdlib ``http.server`` that
   answers each request with the recorded reply (the floor: kubectl's own cost, loopback HTTP
   and nothing else). Each pass has a fresh ``--cache-dir`` whose discovery is warmed by an
   untimed ``kubectl api-resources``, so both measure the same requests.

Figures: the best facade and canned session times, and their ratio (target <= 1.3). The
session avoids watches that wait for the simulation (``rollout status``, ``get -w``), so the
times measure request handling, not simulated pod start-up.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _common import figure

ROOT = Path(__file__).resolve().parent.parent
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
REPEATS = 3
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}

STORE = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: store-config}
data: {color: blue}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: store, labels: {app: store}}
spec:
  replicas: 2
  selector: {matchLabels: {app: store}}
  template:
    metadata: {labels: {app: store}}
    spec: {containers: [{name: store, image: "nginx:1.27"}]}
---
apiVersion: v1
kind: Service
metadata: {name: store}
spec:
  selector: {app: store}
  ports: [{port: 80}]
"""

SESSION: list[list[str]] = [
    ["version"],
    ["get", "nodes"],
    ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2"],
    ["create", "configmap", "cfg", "--from-literal=a=b"],
    ["create", "secret", "generic", "sec", "--from-literal=p=q"],
    ["get", "deploy"],
    ["get", "pods", "-o", "wide"],
    ["apply", "-f", "store.yaml"],
    ["apply", "-f", "store.yaml"],
    ["get", "all"],
    ["describe", "deployment", "web"],
    ["scale", "deployment", "web", "--replicas=3"],
    ["set", "image", "deployment/web", "nginx=nginx:1.28"],
    ["label", "deployment", "web", "tier=frontend"],
    ["annotate", "deployment", "web", "note=bench"],
    ["patch", "deployment", "web", "-p", '{"spec":{"revisionHistoryLimit":5}}'],
    ["get", "deployment", "web", "-o", "yaml"],
    ["expose", "deployment", "web", "--port=80"],
    ["rollout", "history", "deployment/web"],
    ["delete", "configmap", "cfg"],
]
assert len(SESSION) == 20

Reply = tuple[int, list[tuple[str, str]], bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_key(method: str, path: str) -> tuple[str, str]:
    """(method, path) with selector terms sorted: kubectl builds some from Go maps, in random order."""
    base, _, query = path.partition("?")
    params = []
    for pair in sorted(query.split("&")) if query else []:
        name, _, value = pair.partition("=")
        if name in ("fieldSelector", "labelSelector"):
            value = "%2C".join(sorted(value.split("%2C")))
        params.append(f"{name}={value}")
    return method, f"{base}?{'&'.join(params)}"


class Recording:
    """Replies per (method, path), in the order the facade gave them."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], list[Reply]] = defaultdict(list)
        self.cursor: dict[tuple[str, str], int] = {}
        self.misses: list[tuple[str, str]] = []

    def add(self, key: tuple[str, str], reply: Reply) -> None:
        self.replies[key].append(reply)

    def rewind(self) -> None:
        self.cursor = {}

    def next(self, key: tuple[str, str]) -> Reply | None:
        replies = self.replies.get(key)
        if not replies:
            return None
        index = self.cursor.get(key, 0)
        self.cursor[key] = index + 1
        return replies[min(index, len(replies) - 1)]  # a request made more often than recorded: the last reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else the header and body writes meet delayed ACKs (40 ms each)
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply) -> None:
        status, headers, body = reply
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self) -> None:
        body = self._body()
        key = request_key(self.command, self.path)
        if self.server.upstream is None:  # canned
            reply = self.server.recording.next(key)
            if reply is None:
                self.server.recording.misses.append(key)
            self._send(reply or (404, [("Content-Type", "text/plain")], b"not recorded\n"))
            return
        if "watch=true" in self.path or "follow=true" in self.path:
            self._send((501, [("Content-Type", "text/plain")], b"the bench session must not stream\n"))
            return
        conn = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        response = conn.getresponse()
        reply = (response.status, list(response.getheaders()), response.read())
        conn.close()
        self.server.recording.add(key, reply)
        self._send(reply)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, recording: Recording, upstream: tuple[str, int] | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.recording = recording
        self.upstream = upstream
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class Facade:
    """daphne on a temporary database; ``kubeconfig(name)`` makes a fresh sandbox."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
        self.env.update(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="true")
        self.env["DJANGO_SETTINGS_MODULE"] = "kubelearn.settings"
        self._manage("migrate", "--noinput")
        daphne = Path(sys.executable).with_name("daphne")
        self.process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(self.port), "kubelearn.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def kubeconfig(self, name: str) -> str:
        return self._manage("sandbox", "kubeconfig", name, "--server", f"http://127.0.0.1:{self.port}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def run_session(kubeconfig: str, workdir: Path) -> float:
    """Warm discovery (untimed), then run the 20 commands; returns their wall time."""
    workdir.mkdir(parents=True)
    (workdir / "config").write_text(kubeconfig)
    (workdir / "store.yaml").write_text(STORE)
    base = [KUBECTL, "--kubeconfig", str(workdir / "config"), "--cache-dir", str(workdir / "cache")]

    def kubectl(args: list[str]) -> None:
        result = subprocess.run([*base, *args], cwd=workdir, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)} failed:\n{result.stderr}")

    kubectl(["api-resources"])
    start = time.perf_counter()
    for args in SESSION:
        kubectl(args)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-kubectl-") as tmp:
        work = Path(tmp)
        facade = Facade(work)
        try:
            recording = Recording()
            recorder = _Server(recording, ("127.0.0.1", facade.port))
            config = facade.kubeconfig("recorded")
            run_session(config.replace(f":{facade.port}/", f":{recorder.port}/"), work / "record")
            recorder.shutdown()
            canned = _Server(recording, None)
            canned_config = config.replace(f":{facade.port}/", f":{canned.port}/")
            facade_times, canned_times = [], []
            for i in range(REPEATS):
                facade_times.append(run_session(facade.kubeconfig(f"bench-{i}"), work / f"facade-{i}"))
                recording.rewind()
                canned_times.append(run_session(canned_config, work / f"canned-{i}"))
            canned.shutdown()
            if recording.misses:
                raise RuntimeError(f"the canned server lacked replies for {sorted(set(recording.misses))}")
        finally:
            facade.stop()
    best_facade, best_canned = min(facade_times), min(canned_times)
    figure("kubectl_session_20_commands_facade", best_facade, "s", 4.0, "lower")
    figure("kubectl_session_20_commands_canned", best_canned, "s", 4.0, "lower")
    figure("kubectl_facade_overhead_ratio", best_facade / best_canned, "x", 1.3, "lower")


if __name__ == "__main__":
    main()
