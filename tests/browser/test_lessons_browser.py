"""A learner in a real browser: the lesson page's live picture and goal panel, language switching, restarts.

Uses the real course (``lessons/02-scheduling.yaml``, step 1: three ``cargo`` bundles spread
over three ships) on a daphne server of its own, because the last test stops that server and
starts it again on the same SQLite database: progress lives in the database (sessions too),
so the course map still shows the lesson started for the same browser.
Screenshots go to artifacts/screenshots/lesson-*.png.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kubelearn.lessons.loader import load_file

pytestmark = pytest.mark.browser

LESSON_FILE = Path(__file__).resolve().parents[2] / "lessons" / "02-scheduling.yaml"
STARTUP_TIMEOUT = 30.0


class Server:
    """``daphne kubelearn.asgi:application`` on a fixed loopback port that can be stopped and started again."""

    def __init__(self, repo_root: Path, env: dict[str, str], workdir: Path) -> None:
        self.repo_root, self.env, self.log = repo_root, env, workdir / "daphne.log"
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        daphne = Path(sys.executable).with_name("daphne")
        launcher = [str(daphne)] if daphne.exists() else [sys.executable, "-m", "daphne"]
        command = [*launcher, "-b", "127.0.0.1", "-p", str(self.port), "kubelearn.asgi:application"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=self.repo_root, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"daphne exited:\n{self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.read() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        pytest.fail(f"daphne did not start:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, repo_root: Path, make_env: Callable[..., dict[str, str]]
) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("lesson-server")
    env = make_env(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="true")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=repo_root,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = Server(repo_root, env, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def learner(browser: Browser) -> Iterator[tuple[BrowserContext, Page]]:
    """A fresh visitor; the test fails on console errors or uncaught exceptions (a CSP violation is one)."""
    context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        yield context, page
    finally:
        context.close()
    assert problems == []


def solution_text() -> str:
    lesson, problems = load_file(LESSON_FILE)
    assert lesson is not None and not problems
    assert lesson.steps[0].solution is not None and lesson.steps[0].solution.manifests is not None
    return lesson.steps[0].solution.manifests.text


def open_lesson(page: Page, url: str) -> None:
    page.goto(f"{url}/learn/scheduling/?step=1")
    expect(page.locator("#step-title")).to_have_text("The dispatcher hands out cargo")
    expect(page.locator("#sandbox-picture .cluster-view__status")).to_have_text("Live", timeout=15_000)


def apply_and_reach_goal(page: Page) -> None:
    page.locator("#manifest").fill(solution_text())
    page.locator(".apply-form button[type='submit']").click()
    expect(page.locator("#sandbox-output")).to_contain_text("deployment.apps/cargo created")
    expect(page.locator("#sandbox-picture .cv-pod")).to_have_count(3, timeout=15_000)
    expect(page.locator("#goal .check.is-ok")).to_have_count(2, timeout=40_000)
    expect(page.locator("#goal .goal-done")).to_contain_text("Well done!")


def test_the_goal_panel_ticks_green_as_the_applied_solution_comes_alive(
    server: Server, learner: tuple[BrowserContext, Page], screenshot_dir: Path
) -> None:
    _, page = learner
    open_lesson(page, server.url)
    expect(page.locator("#goal .check.is-pending")).to_have_count(2)
    expect(page.locator("#goal")).to_contain_text("Fewer than 3 `app=cargo` Pods are Ready".replace("`", ""))
    page.screenshot(path=screenshot_dir / "lesson-before.png", full_page=True)
    apply_and_reach_goal(page)
    expect(page.locator("#sandbox-picture .cv-pod.pod--running")).to_have_count(3)
    page.screenshot(path=screenshot_dir / "lesson-goal-reached.png", full_page=True)


def test_switching_language_keeps_the_lesson_and_step(
    server: Server, learner: tuple[BrowserContext, Page], screenshot_dir: Path
) -> None:
    _, page = learner
    open_lesson(page, server.url)
    page.locator(".step-list a", has_text="Too big for any ship").click()
    expect(page.locator("#step-title")).to_have_text("Too big for any ship")
    page.locator(".lang-option[value='zh-hans']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#step-title")).to_have_text("哪艘船都装不下")
    expect(page.locator(".step-list li.is-current")).to_contain_text("2.")
    expect(page.locator(".eyebrow")).to_contain_text("调度")
    expect(page.locator("#sandbox-picture .cluster-view__status")).to_have_text("实时", timeout=15_000)
    page.screenshot(path=screenshot_dir / "lesson-zh.png", full_page=True)
    page.locator(".lang-option[value='en']").click()
    expect(page.locator("#step-title")).to_have_text("Too big for any ship")


def test_progress_survives_a_server_restart(server: Server, learner: tuple[BrowserContext, Page]) -> None:
    context, page = learner
    open_lesson(page, server.url)
    apply_and_reach_goal(page)
    page.goto(f"{server.url}/learn/")
    card = page.locator(".course-lesson", has=page.locator("a[href='/learn/scheduling/']"))
    expect(card).to_have_class("course-lesson is-started")
    expect(card.locator(".badge")).to_contain_text("1 of")
    server.stop()
    server.start()
    page.goto(f"{server.url}/learn/")
    expect(card).to_have_class("course-lesson is-started")
    expect(card.locator(".badge")).to_contain_text("1 of")
    page.goto(f"{server.url}/learn/scheduling/")  # no ?step: the page opens where the learner was
    expect(page.locator("#step-title")).to_have_text("The dispatcher hands out cargo")
    expect(page.locator(".step-list li.is-current")).to_have_class("is-current is-done")
    assert context.cookies()
