"""Browser test fixtures: a real daphne server and Debian's Chromium driven by Playwright.

``live_server_url`` (session scope) migrates a temporary SQLite database and runs
``daphne -b 127.0.0.1 -p PORT kubelearn.asgi:application`` on a free loopback port, exactly
as ``make run`` does, then waits for ``/healthz``. ``page`` opens a fresh browser context per
test and fails the test if the page logged a console error or threw (a CSP violation shows up
as one). Chromium must exist: a missing browser is a failure, never a skip.
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
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
STARTUP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _daphne_command(port: int) -> list[str]:
    daphne = Path(sys.executable).with_name("daphne")
    launcher = [str(daphne)] if daphne.exists() else [sys.executable, "-m", "daphne"]
    return [*launcher, "-b", "127.0.0.1", "-p", str(port), "kubelearn.asgi:application"]


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daphne exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"daphne did not answer /healthz within {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_server_url(
    tmp_path_factory: pytest.TempPathFactory,
    repo_root: Path,
    make_env: Callable[..., dict[str, str]],
) -> Iterator[str]:
    """Base URL (no trailing slash) of a daphne server running the real ASGI application."""
    workdir = tmp_path_factory.mktemp("live-server")
    env = make_env(DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", DEBUG="true")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=repo_root,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    log = workdir / "daphne.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            _daphne_command(port), cwd=repo_root, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. Fails (does not skip) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium fonts-noto-cjk` (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies) that fails the test on console errors or uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} at {message.location.get('url')}")

    def on_page_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield page
    finally:
        context.close()
    assert problems == []


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """artifacts/screenshots/, created on demand (CI keeps it as a build artifact)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
