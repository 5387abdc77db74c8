"""The studio follows the cluster whichever door a change comes through: chaos, real kubectl, a second viewer.

Runs against the live daphne server. Pods in the picture are ``.cv-pod`` groups whose
``aria-label`` reads ``Container <name>: <status>, …, on Ship <node>`` (cluster-view.js, English
metaphor labels); a ship that lost contact carries ``cv-ship--down``. Pods that were just
deleted linger as ``pod--gone`` while they fade, so the tests count the others.
Screenshots go to artifacts/screenshots/studio-*.png.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.browser

KUBECTL = "/usr/bin/kubectl"
POD_LABEL = re.compile(r"^Container (?P<name>\S+): .* on Ship (?P<node>\S+)$")
LIVE_PODS = ".cv-pod:not(.pod--gone)"
RUNNING_PODS = ".cv-pod.pod--running:not(.pod--gone)"


def open_studio(page: Page, url: str) -> None:
    page.goto(f"{url}/studio/")
    expect(page.locator("html[data-editor='codemirror']")).to_have_count(1)
    expect(page.locator(".cluster-view__status")).to_have_text("Live", timeout=15_000)


def run_fast(page: Page) -> None:
    page.locator("#time-controls button[value='4.0']").click()
    expect(page.locator("#time-controls button[value='4.0']")).to_have_attribute("aria-pressed", "true")


def apply_default_deployment(page: Page) -> None:
    """The editor starts with the Deployment snippet: ``web``, three replicas."""
    page.locator("#apply-button").click()
    expect(page.locator("#apply-result")).to_contain_text("deployment.apps/web created")
    expect(page.locator(RUNNING_PODS)).to_have_count(3, timeout=30_000)


def placements(page: Page, selector: str = LIVE_PODS) -> dict[str, str]:
    """Pod name → ship name, read from the picture's accessible labels."""
    found: dict[str, str] = {}
    for label in page.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"):
        match = POD_LABEL.match(label or "")
        if match:
            found[match["name"]] = match["node"]
    return found


@pytest.fixture
def watcher(browser: Browser) -> Iterator[BrowserContext]:
    """A second browser context: its own cookies, so it is somebody else looking."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        yield context
    finally:
        context.close()


def test_failing_a_ship_sinks_it_and_its_containers_move_to_the_other_ships(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    open_studio(page, live_server_url)
    run_fast(page)
    apply_default_deployment(page)
    before = placements(page)
    assert len(before) == 3
    victim = before[sorted(before)[0]]
    stranded = {name for name, node in before.items() if node == victim}

    page.locator("#chaos-ship").select_option(victim)
    page.locator("#chaos button[value='fail-node']").click()
    expect(page.locator("#chaos .chaos-outcome")).to_contain_text(f"Ship {victim} stopped reporting")
    ship = page.locator(".cv-ship", has=page.locator(".cv-ship__name", has_text=re.compile(f"^{victim}$")))
    # node-monitor-grace (20 s) then the eviction timeout (30 s) of simulated time: +10 s steps on top of 4x speed.
    for _ in range(3):
        page.locator("#time-step-10").click()
        page.wait_for_timeout(300)
    expect(ship).to_have_class(re.compile(r"\bcv-ship--down\b"), timeout=20_000)
    expect(ship).to_contain_text("lost contact")
    page.screenshot(path=screenshot_dir / "studio-ship-failed.png", full_page=True)
    for _ in range(3):
        page.locator("#time-step-10").click()
        page.wait_for_timeout(300)

    page.wait_for_function(
        """([sel, victim]) => {
            const labels = [...document.querySelectorAll(sel)].map(e => e.getAttribute('aria-label') || '');
            return labels.length === 3 && labels.every(l => !l.endsWith(' on Ship ' + victim));
        }""",
        arg=[RUNNING_PODS, victim],
        timeout=40_000,
    )
    expect(ship).to_have_class(re.compile(r"\bcv-ship--down\b"))
    after = placements(page, RUNNING_PODS)
    assert len(after) == 3 and victim not in after.values(), after
    assert not stranded & after.keys()  # the stranded pods were replaced, not resurrected
    assert before.keys() - stranded <= after.keys()  # the pods on healthy ships stayed put
    page.screenshot(path=screenshot_dir / "studio-ship-failed-moved.png", full_page=True)


def test_the_real_kubectl_scale_is_followed_by_the_picture(
    page: Page, live_server_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    open_studio(page, live_server_url)
    run_fast(page)
    apply_default_deployment(page)
    response = page.request.get(f"{live_server_url}/sandbox/kubeconfig")
    assert response.ok, response.status
    config = tmp_path / "kubeconfig.yaml"
    config.write_bytes(response.body())
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "KUBECONFIG": str(config)}
    result = subprocess.run(
        [KUBECTL, "--cache-dir", str(tmp_path / "cache"), "scale", "deployment", "web", "--replicas=5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "deployment.apps/web scaled"
    expect(page.locator(LIVE_PODS)).to_have_count(5, timeout=15_000)
    expect(page.locator(RUNNING_PODS)).to_have_count(5, timeout=30_000)
    listed = subprocess.run(
        [KUBECTL, "--cache-dir", str(tmp_path / "cache"), "get", "pods", "-o", "name"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert {line.removeprefix("pod/") for line in listed.stdout.split()} == placements(page, RUNNING_PODS).keys()
    page.screenshot(path=screenshot_dir / "studio-kubectl-scaled.png", full_page=True)


def test_a_second_browser_watching_the_sandbox_sees_the_same_picture(
    page: Page, watcher: BrowserContext, live_server_url: str, screenshot_dir: Path
) -> None:
    open_studio(page, live_server_url)
    page.goto(f"{live_server_url}/sandbox/")
    watch_url = page.locator("a[href*='/watch?token=']").get_attribute("href")
    assert watch_url
    open_studio(page, live_server_url)

    other = watcher.new_page()
    problems: list[str] = []
    other.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    other.on("pageerror", lambda e: problems.append(str(e)))
    other.goto(watch_url)
    expect(other.locator(".cluster-view__status")).to_have_text("Live", timeout=15_000)

    run_fast(page)
    apply_default_deployment(page)
    expect(other.locator(RUNNING_PODS)).to_have_count(3, timeout=30_000)
    assert placements(other, RUNNING_PODS) == placements(page, RUNNING_PODS)
    page.locator("#command-line").fill("scale deployment web --replicas=4")
    page.locator("#command-line").press("Enter")
    expect(page.locator(RUNNING_PODS)).to_have_count(4, timeout=30_000)
    expect(other.locator(RUNNING_PODS)).to_have_count(4, timeout=30_000)
    assert placements(other, RUNNING_PODS) == placements(page, RUNNING_PODS)
    other.screenshot(path=screenshot_dir / "studio-second-viewer.png", full_page=True)
    assert problems == []
