"""In a real browser: objects carrying script payloads are shown as text and never run.

Runs in its own process (``pytest -m browser``) against the live daphne server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

pytestmark = pytest.mark.browser

PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
MANIFEST = f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: xss
  annotations:
    note: '{PAYLOAD}'
data:
  script: '{PAYLOAD}'
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: '{PAYLOAD}'
"""


def test_script_payloads_in_objects_and_errors_never_run(page: Page, live_server_url: str) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{live_server_url}/studio/")
    expect(page.locator(".cluster-view__status")).to_have_text("Live", timeout=15_000)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(MANIFEST)
    page.locator("#apply-button").click()
    result = page.locator("#apply-result")
    expect(result).to_contain_text("configmap/xss created")
    expect(result).to_contain_text("<img src=x onerror=alert(1)>")  # shown as literal text
    page.locator("#command-line, input[name='line']").first.fill("get configmap xss -o yaml")
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("onerror=alert(1)")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg text").evaluate_all("els => els.every(e => e.children.length === 0)")
