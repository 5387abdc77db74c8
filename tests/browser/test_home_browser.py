"""A visitor reads the home page in English, switches to Chinese in the header, and reads on."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_visitor_switches_the_home_page_to_chinese(page: Page, live_server_url: str, screenshot_dir: Path) -> None:
    """The header's language switch posts to set_language and the page comes back in Chinese."""
    page.goto(f"{live_server_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn Kubernetes by running a shipping company")
    assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.10"
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font  # site.css loaded through daphne
    page.screenshot(path=screenshot_dir / "home-en.png", full_page=True)

    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("开一家航运公司，顺便学会 Kubernetes")
    expect(page.get_by_text("调度员").first).to_be_visible()
    expect(page.get_by_role("button", name="简体中文")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=screenshot_dir / "home-zh.png", full_page=True)
