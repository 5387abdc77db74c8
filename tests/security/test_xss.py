"""Script payloads in user-controlled strings come back escaped in every HTML response.

ConfigMap data, annotations and invalid values echoed in error messages reach the inspector
(YAML and describe), the command bar and the apply result; the Secret inspector masks values
until revealed; every HTML page carries a CSP without ``'unsafe-inline'``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from kubelearn.sandboxes.provision import SESSION_KEY
from kubelearn.sandboxes.runtime import runtime

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
RAW = ("<script>alert(1)</script>", "<img src=x onerror")

HOSTILE_CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: xss
  annotations:
    note: '"><img src=x onerror=alert(1)>'
    link: 'javascript:alert(1)'
data:
  script: '<script>alert(1)</script>'
"""
HOSTILE_SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData:
  password: '<script>alert(1)</script>-s3cr3t-value'
"""


def _clean(html: str) -> None:
    for raw in RAW:
        assert raw not in html, f"unescaped {raw!r}"


@pytest.fixture
def hostile(studio: Client) -> Client:
    response = studio.post("/studio/apply", {"text": HOSTILE_CONFIGMAP + "---\n" + HOSTILE_SECRET})
    assert response.status_code == 200
    assert response.content.decode().count("is-ok") == 2, response.content.decode()
    return studio


@pytest.mark.parametrize("tab", ["yaml", "describe"])
def test_the_inspector_escapes_configmap_data_and_annotations(hostile: Client, tab: str) -> None:
    response = hostile.get("/studio/inspect", {"kind": "ConfigMap", "name": "xss", "tab": tab})
    assert response.status_code == 200
    html = response.content.decode()
    _clean(html)
    assert "&lt;script&gt;" in html or "&lt;img" in html


@pytest.mark.parametrize("line", ["get configmap xss -o yaml", "describe configmap xss", "get configmap xss -o json"])
def test_the_command_bar_escapes_output(hostile: Client, line: str) -> None:
    response = hostile.post("/studio/command", {"line": line})
    assert response.status_code == 200
    _clean(response.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_apply_errors_that_echo_values_are_escaped(studio: Client, payload: str) -> None:
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '{payload}'\n"
    response = studio.post("/studio/apply", {"text": text})
    html = response.content.decode()
    assert "is-error" in html
    _clean(html)


def test_a_command_line_with_a_payload_is_escaped(studio: Client) -> None:
    response = studio.post("/studio/command", {"line": "get pods <script>alert(1)</script>"})
    _clean(response.content.decode())


def test_secret_values_are_masked_until_revealed(hostile: Client) -> None:
    masked = hostile.get("/studio/inspect", {"kind": "Secret", "name": "creds", "tab": "yaml"}).content.decode()
    assert "s3cr3t-value" not in masked
    live = runtime().open(hostile.session[SESSION_KEY])
    assert live is not None
    revealed = hostile.get(
        "/studio/inspect", {"kind": "Secret", "name": "creds", "tab": "yaml", "reveal": "on"}
    ).content.decode()
    assert "s3cr3t-value" in revealed
    _clean(revealed)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/studio/", "/sandbox/", "/learn/", "/learn/dispatch-center/"])
def test_every_html_page_has_a_csp_without_unsafe_inline(client: Client, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
