"""The studio in a real browser: editor, command bar, time controls and inspector beside the live picture.

Runs against the live daphne server, so the picture is fed by the real sandbox WebSocket.
The picture's pods are ``.cv-pod`` groups with a ``pod--<status>`` class (cluster-view.js).
Screenshots of each state go to artifacts/screenshots/studio-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kubelearn.studio.snippets import SNIPPETS

pytestmark = pytest.mark.browser

BROKEN = SNIPPETS["Deployment"].replace("  replicas: 3", "  replica: 3")


def open_studio(page: Page, url: str) -> None:
    page.goto(f"{url}/studio/")
    expect(page.locator("html[data-editor='codemirror']")).to_have_count(1)
    expect(page.locator(".cluster-view__status")).to_have_text("Live", timeout=15_000)


def set_editor_text(page: Page, text: str) -> None:
    """Empty the editor, then type (replacing a selection natively makes Chromium add inline styles, refused by the CSP)."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    expect(page.locator("#editor-text")).to_have_value(text)


def run_fast(page: Page) -> None:
    page.locator("#time-controls button[value='4.0']").click()
    expect(page.locator("#time-controls button[value='4.0']")).to_have_attribute("aria-pressed", "true")


def test_applying_a_deployment_from_the_editor_docks_three_running_containers(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    open_studio(page, live_server_url)
    run_fast(page)
    page.locator("#apply-button").click()
    expect(page.locator("#apply-result")).to_contain_text("deployment.apps/web created")
    expect(page.locator(".cv-pod")).to_have_count(3)
    expect(page.locator(".cv-pod.pod--running")).to_have_count(3, timeout=30_000)
    expect(page.locator("#timeline")).to_contain_text("ScalingReplicaSet")
    page.screenshot(path=screenshot_dir / "studio-running.png", full_page=True)


def test_a_broken_manifest_is_marked_on_its_line_and_the_text_is_kept(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    open_studio(page, live_server_url)
    set_editor_text(page, BROKEN)
    page.locator(".cm-content").press("Control+Enter")
    marked = page.locator(".cm-line.cm-error-line")
    expect(marked).to_have_count(1)
    expect(marked).to_have_attribute("data-error-line", "6")
    expect(marked).to_have_text("  replica: 3")
    expect(page.locator(".cm-error-widget")).to_contain_text('strict decoding error: unknown field "spec.replica"')
    expect(page.locator("#editor-text")).to_have_value(BROKEN)
    page.locator(".line-link").click()
    expect(page.locator(".cm-content")).to_be_focused()
    page.locator(".editor-panel").screenshot(path=screenshot_dir / "studio-broken-manifest.png")


def test_pausing_and_stepping_time(page: Page, live_server_url: str, screenshot_dir: Path) -> None:
    open_studio(page, live_server_url)
    page.locator("#time-pause").click()
    expect(page.locator("#time-resume")).to_be_visible()
    expect(page.locator(".badge-paused")).to_be_visible()
    clock = page.locator("#sim-clock")
    before = clock.inner_text()
    page.wait_for_timeout(1500)
    expect(clock).to_have_text(before)  # paused: the clock stands still
    page.locator("#time-step-10").click()
    minutes, seconds = (int(x) for x in before.split(":"))
    after = minutes * 60 + seconds + 10
    expect(clock).to_have_text(f"{after // 60:02d}:{after % 60:02d}")
    page.locator("#time-step-1").click()
    expect(clock).to_have_text(f"{(after + 1) // 60:02d}:{(after + 1) % 60:02d}")
    page.locator(".stage-controls").screenshot(path=screenshot_dir / "studio-paused.png")
    page.locator("#time-resume").click()
    expect(page.locator("#time-pause")).to_be_visible()


def test_kubectl_scale_in_the_command_bar_adds_containers_to_the_picture(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    open_studio(page, live_server_url)
    run_fast(page)
    page.locator("#apply-button").click()
    expect(page.locator(".cv-pod")).to_have_count(3)
    command = page.locator("#command-line")
    command.fill("scale deployment web --replicas=5")
    command.press("Enter")
    expect(page.locator("#console")).to_contain_text("deployment.apps/web scaled")
    expect(command).to_have_value("")
    expect(page.locator(".cv-pod")).to_have_count(5)
    expect(page.locator(".cv-pod.pod--running")).to_have_count(5, timeout=30_000)
    command.fill("get deployments")
    command.press("Enter")
    expect(page.locator("#console")).to_contain_text(re.compile(r"web\s+5/5"))
    command.press("ArrowUp")
    expect(command).to_have_value("get deployments")
    command.press("ArrowUp")
    expect(command).to_have_value("scale deployment web --replicas=5")
    page.screenshot(path=screenshot_dir / "studio-scaled.png", full_page=True)


def test_clicking_a_container_opens_it_in_the_inspector(page: Page, live_server_url: str, screenshot_dir: Path) -> None:
    open_studio(page, live_server_url)
    run_fast(page)
    page.locator("#apply-button").click()
    expect(page.locator(".cv-pod.pod--running")).to_have_count(3, timeout=30_000)
    page.locator(".cv-pod").first.click()
    inspector = page.locator("#inspector")
    expect(inspector).to_contain_text("kind: Pod")
    inspector.get_by_role("tab", name="Why this ship?").click()
    expect(inspector.locator("table.verdicts tbody tr")).to_have_count(3)
    expect(inspector).to_contain_text("★")
    page.locator(".stage-lower").screenshot(path=screenshot_dir / "studio-inspector.png")
