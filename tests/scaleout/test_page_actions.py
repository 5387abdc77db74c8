"""Page actions across two processes: studio, classroom and lesson pages never split a sandbox.

Both daphne processes serve one site (one cookie jar per visitor reaches either, as behind a
load balancer). The studio workbench moves the visitor's sandbox to the process serving it
(the old owner writes and forgets it); the classroom's instructor actions run *on* each
student's owner without moving anything (named operations, ``forwarding.run_sync``); and an
owner refuses an operation whose grant does not cover it.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from kubelearn.sandboxes.ownership import PREFIX

from .conftest import Pair, Server, http
from .test_two_processes import _command, _drain, _grant, _kinds_and_names

pytestmark = pytest.mark.redis

TEACHER, PASSWORD = "teacher", "pw-scale-out-1"
LESSON = "dispatch-center"
FAILED_SHIP = "kubelearn.dev/failure"  # the annotation a failed ship carries (node lifecycle reacts later)


def configmap(name: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\ndata:\n  k: v\n"


WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""


class Browser:
    """One visitor: a cookie jar that both servers see (the same site on two processes)."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def get(self, server: Server, path: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(server.url + path))

    def post(self, server: Server, path: str, data: dict[str, Any], htmx: bool = False) -> tuple[int, str]:
        if not self.cookie("csrftoken"):
            self.get(server, "/studio/")  # any page sets the CSRF cookie
        headers = {"X-CSRFToken": self.cookie("csrftoken")}
        if htmx:
            headers["HX-Request"] = "true"
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._send(urllib.request.Request(server.url + path, data=body, headers=headers, method="POST"))

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


def db(pair: Pair) -> sqlite3.Connection:
    return sqlite3.connect(pair.env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=10)


def sandbox_row(pair: Pair, where: str, *args: Any) -> dict[str, Any]:
    with db(pair) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(f"SELECT * FROM sandboxes_sandbox WHERE {where}", args).fetchone()
    assert row is not None, where
    return dict(row)


def lease(pair: Pair, sandbox_id: str) -> str | None:
    value = redis.Redis.from_url(pair.redis_url).get(PREFIX + sandbox_id)
    return value.decode() if value else None


def ws(server: Server, row: dict[str, Any]) -> ClientConnection:
    url = f"ws://{server.url.removeprefix('http://')}/ws/sandbox/{row['id']}/?token={row['watch_token']}"
    return connect(url, origin=server.url, open_timeout=10)


def snapshot_names(server: Server, row: dict[str, Any], kind: str) -> set[str]:
    with ws(server, row) as socket:
        first = json.loads(socket.recv(timeout=10))
    assert first["type"] == "cluster.snapshot"
    return {name for k, name in _kinds_and_names(first) if k == kind}


def facade(server: Server, row: dict[str, Any], path: str, body: Any = None) -> tuple[int, Any]:
    return http("POST" if body is not None else "GET", f"{server.url}/k8s/{row['access_key']}{path}", body)


CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


# --- (a) the studio moves the visitor's sandbox, and leaves exactly one copy ---------------


def _studio_on_a(pair: Pair) -> tuple[Browser, dict[str, Any], str]:
    visitor = Browser()
    assert visitor.get(pair.a, "/studio/")[0] == 200  # a makes the visitor's sandbox and owns it
    row = sandbox_row(pair, "session_key = ?", visitor.cookie("sessionid"))
    owner_a = lease(pair, row["id"])
    assert owner_a is not None
    return visitor, row, owner_a


def test_a_studio_apply_through_b_moves_the_sandbox_and_leaves_one_copy(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    visitor, row, owner_a = _studio_on_a(pair)
    status, shown = visitor.post(pair.b, "/studio/apply", {"text": configmap("handoff")}, htmx=True)
    assert status == 200, shown
    assert "configmap/handoff created" in shown
    owner_b = lease(pair, row["id"])
    assert owner_b not in (None, owner_a)  # b took it over: one lease, one holder

    # a kept no copy of its own: what b's studio writes, a's facade serves (forwarded to b) ...
    assert visitor.post(pair.b, "/studio/apply", {"text": configmap("second")}, htmx=True)[0] == 200
    for server in (pair.a, pair.b):
        status, listed = facade(server, row, CONFIGMAPS)
        assert status == 200, listed
        assert {"handoff", "second"} <= {c["metadata"]["name"] for c in listed["items"]}
    # ... and what a's facade writes, b's studio sees.
    created = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "third", "namespace": "default"}}
    assert facade(pair.a, row, CONFIGMAPS, created)[0] == 201
    status, shown = visitor.post(pair.b, "/studio/command", {"line": "get configmaps"}, htmx=True)
    assert status == 200 and "third" in shown, shown
    for server in (pair.a, pair.b):  # the picture, through the relay on a and locally on b
        assert {"handoff", "second", "third"} <= snapshot_names(server, row, "ConfigMap")
    assert lease(pair, row["id"]) == owner_b


def test_a_websocket_on_the_old_owner_closes_after_a_handoff_and_reconnects(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    visitor, row, owner_a = _studio_on_a(pair)
    with ws(pair.a, row) as socket:  # a local watcher on a
        assert json.loads(socket.recv(timeout=10))["type"] == "cluster.snapshot"
        assert visitor.post(pair.b, "/studio/apply", {"text": configmap("moved")}, htmx=True)[0] == 200
        assert lease(pair, row["id"]) != owner_a
        with pytest.raises(ConnectionClosed):  # its object was forgotten: 1012, the browser reconnects
            _drain(socket)
    assert "moved" in snapshot_names(pair.a, row, "ConfigMap")  # reconnected: relayed from b


# --- (b, c) the instructor on a acts on a student's sandbox owned by b, without moving it --


def _classroom(pair: Pair, repo_root: Path) -> tuple[Browser, Browser, str, dict[str, Any]]:
    subprocess.run(
        [sys.executable, "manage.py", "createinstructor", TEACHER, "--password", PASSWORD],
        cwd=repo_root,
        env=pair.env,
        check=True,
        capture_output=True,
    )
    teacher = Browser()
    teacher.get(pair.a, "/class/login/")
    status, page = teacher.post(pair.a, "/class/login/", {"username": TEACHER, "password": PASSWORD})
    assert status == 200 and teacher.cookie("sessionid"), page
    status, page = teacher.post(pair.a, "/class/", {"title": "Two processes", "lessons": [LESSON]})
    assert status == 200, page
    with db(pair) as conn:
        (code,) = conn.execute("SELECT code FROM classrooms_classroom").fetchone()
    student = Browser()
    student.get(pair.b, f"/class/join/?code={code}")
    status, page = student.post(pair.b, "/class/join/", {"code": code, "nickname": "ada"})
    assert status == 200, page  # the student's page on b prepared the seat's sandbox there
    with db(pair) as conn:
        (sandbox_id,) = conn.execute("SELECT sandbox_id FROM classrooms_seat WHERE nickname = 'ada'").fetchone()
    return teacher, student, code, sandbox_row(pair, "id = ?", sandbox_id)


def test_the_instructors_incident_pause_and_goto_on_a_reach_a_sandbox_owned_by_b(
    cluster_of_two: Pair, repo_root: Path
) -> None:
    pair = cluster_of_two
    teacher, student, code, seat = _classroom(pair, repo_root)
    owner_b = lease(pair, seat["id"])
    assert owner_b is not None
    with db(pair) as conn:
        (demo_id,) = conn.execute("SELECT demo_id FROM classrooms_classroom").fetchone()
    assert lease(pair, demo_id) not in (None, owner_b)  # the demo lives on a, the seat on b

    status, _ = teacher.post(pair.a, f"/class/{code}/incident", {"kind": "fail-ship"})
    assert status == 200
    assert lease(pair, seat["id"]) == owner_b
    status, shown = student.post(pair.b, f"/class/{code}/run", {"line": "get nodes -o yaml"})
    assert status == 200 and FAILED_SHIP in shown, shown

    assert teacher.post(pair.a, f"/class/{code}/pause", {"paused": "1"})[0] == 200
    assert lease(pair, seat["id"]) == owner_b
    # b's next snapshot writes its live object's own `paused` (a copy elsewhere would not be paused)
    assert student.post(pair.b, f"/class/{code}/apply-mine", {"yaml": configmap("while-paused")})[0] == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        saved = sandbox_row(pair, "id = ?", seat["id"])
        if "while-paused" in saved["snapshot"]:
            break
        time.sleep(0.2)
    assert "while-paused" in saved["snapshot"] and saved["paused"] == 1

    status, _ = teacher.post(pair.a, f"/class/{code}/goto", {"lesson": LESSON, "step": "2"})
    assert status == 200
    assert student.get(pair.a, f"/class/{code}/")[0] == 200  # the student's next page view, through a
    assert lease(pair, seat["id"]) == owner_b
    status, shown = student.post(pair.a, f"/class/{code}/run", {"line": "get nodes -o yaml"})
    assert status == 200 and "ship-a" in shown and FAILED_SHIP not in shown, shown  # the step's fresh state
    assert lease(pair, seat["id"]) == owner_b


def test_the_dashboard_on_a_shows_a_check_computed_in_bs_sandbox(cluster_of_two: Pair, repo_root: Path) -> None:
    pair = cluster_of_two
    teacher, student, code, seat = _classroom(pair, repo_root)
    owner_b = lease(pair, seat["id"])
    assert teacher.post(pair.a, f"/class/{code}/goto", {"lesson": LESSON, "step": "2"})[0] == 200
    assert student.get(pair.b, f"/class/{code}/")[0] == 200  # prepared for step 2, on b
    status, shown = student.post(pair.b, f"/class/{code}/apply-mine", {"yaml": WEB})
    assert status == 200 and "deployment.apps/web created" in shown, shown
    with db(pair) as conn:
        assert conn.execute("SELECT checks FROM classrooms_seat").fetchone() == ("[]",)  # nobody looked yet
    status, _ = teacher.get(pair.a, f"/class/{code}/dashboard")
    assert status == 200
    with db(pair) as conn:
        (checks,) = conn.execute("SELECT checks FROM classrooms_seat").fetchone()
    first = json.loads(checks)[0]
    assert first["ok"] is True and "web" in first["label"]["en"]  # exists: deployment web, in b's sandbox
    assert lease(pair, seat["id"]) == owner_b


# --- (d) the owner checks an operation's grant ---------------------------------------------


async def test_an_operation_with_a_wrong_grant_is_refused_by_the_owner(cluster_of_two: Pair) -> None:
    pair = cluster_of_two
    demo, student = pair.sandboxes["demo"]["id"], pair.sandboxes["student"]["id"]
    assert (await asyncio.to_thread(http, "GET", pair.api(pair.a, "demo", CONFIGMAPS)))[0] == 200
    owner = await asyncio.to_thread(lease, pair, demo)
    assert owner is not None
    incident = {
        "command": "op",
        "sandbox": demo,
        "payload": {"name": "classroom.incident", "args": {"kind": "fail-ship"}},
    }
    for grant in (None, _grant(student, "drive"), _grant(demo, "watch"), _grant(demo, "drive", key="x" * 50)):
        answer = await _command(pair, owner, {**incident, "grant": grant})
        assert answer["error"].startswith("forbidden"), answer
    release = {"command": "release", "sandbox": demo, "grant": _grant(demo, "watch")}
    assert (await _command(pair, owner, release))["error"].startswith("forbidden")
    unknown = {**incident, "payload": {"name": "classroom.format-disk", "args": {}}, "grant": _grant(demo, "drive")}
    assert (await _command(pair, owner, unknown))["error"].startswith("unknown")
    assert await asyncio.to_thread(lease, pair, demo) == owner  # nothing moved
    # The controls: the right grants work (a read needs only "watch").
    answer = await _command(pair, owner, {**incident, "grant": _grant(demo, "drive")})
    assert re.fullmatch(r"node/\S+ failed", answer["result"]), answer
    events = {"command": "op", "sandbox": demo, "payload": {"name": "classroom.events", "args": {"limit": 3}}}
    answer = await _command(pair, owner, {**events, "grant": _grant(demo, "watch")})
    assert isinstance(answer["result"], list), answer
