"""The home page, the language switch, /healthz and the security headers (Django test client)."""

from __future__ import annotations

import gettext
import hashlib
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from kubelearn.security import CONTENT_SECURITY_POLICY

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"

ENGLISH_HEADLINE = "Learn Kubernetes by running a shipping company"
CHINESE_HEADLINE = "开一家航运公司，顺便学会 Kubernetes"


def test_home_page_explains_the_dispatch_center_metaphor_in_english(client: Client) -> None:
    """Without language preferences the page is English and maps the metaphor onto Kubernetes."""
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ENGLISH_HEADLINE in html
    for phrase in ("shipping container", "cargo ship", "dispatcher", "head office", "kubectl"):
        assert phrase in html


def test_home_page_is_chinese_for_a_chinese_browser(client: Client) -> None:
    """Accept-Language: zh-hans selects the Chinese translation."""
    response = client.get("/", headers={"accept-language": "zh-hans"})
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert CHINESE_HEADLINE in html
    for phrase in ("集装箱", "货轮", "调度员", "总部"):
        assert phrase in html
    assert ENGLISH_HEADLINE not in html


def test_set_language_switches_the_home_page_to_chinese_and_back(client: Client) -> None:
    """Posting to Django's set_language view stores the choice; later pages follow it."""
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert CHINESE_HEADLINE in client.get("/").content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert ENGLISH_HEADLINE in client.get("/", headers={"accept-language": "zh-hans"}).content.decode()


def test_language_switch_is_a_csrf_protected_post_form_in_the_header() -> None:
    """The header form posts to set_language with a CSRF token; posting without one is refused."""
    client = Client(enforce_csrf_checks=True)
    html = client.get("/").content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert f'action="{reverse("set_language")}" method="post"' in header
    assert 'name="csrfmiddlewaretoken"' in header
    assert 'name="language" value="zh-hans"' in header
    assert 'name="language" value="en"' in header
    assert 'name="next" value="/"' in header

    refused = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert refused.status_code == 403


def test_layout_loads_vendored_htmx_with_a_locked_down_config(client: Client) -> None:
    """htmx comes from static/vendor, with eval and script tags off and the CSRF token in hx-headers."""
    response = client.get("/")
    html = response.content.decode()
    assert '<script src="/static/vendor/htmx-2.0.10.min.js" defer></script>' in html
    assert '"allowScriptTags":false,"allowEval":false,"selfRequestsOnly":true' in html
    token = re.search(r"""<body hx-headers='\{"x-csrftoken": "([^"]+)"\}'>""", html)
    assert token is not None
    assert len(token.group(1)) == 64
    assert "<script>" not in html  # no inline scripts: the CSP would block them anyway


def test_pages_carry_the_security_headers(client: Client) -> None:
    """CSP, nosniff, Referrer-Policy and X-Frame-Options DENY are set on every page."""
    response = client.get("/")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_content_security_policy_is_strict() -> None:
    """The policy allows only our own origin, plus ws:/wss: for the live cluster view."""
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


def test_healthz_answers_ok_in_plain_text(client: Client) -> None:
    """/healthz is a cheap liveness probe: 200, text/plain, body "ok", never cached."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_pages_refuse_posts(client: Client, path: str) -> None:
    """The home page and health check are read-only."""
    assert client.post(path).status_code == 405


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (no plurals or contexts: we use neither yet)."""
    entries: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.MULTILINE)
    for match in pattern.finditer(text):
        msgid, msgstr = ("".join(re.findall(r'"(.*)"', group)) for group in match.groups())
        if msgid:
            entries[msgid.encode().decode("unicode_escape").encode("latin-1").decode()] = (
                msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
            )
    return entries


def test_every_chinese_message_is_translated_and_compiled() -> None:
    """django.po has no empty translations and the committed django.mo matches it (run `make messages`)."""
    po = _po_entries(LOCALE_DIR / "django.po")
    assert po, "no messages found in django.po"
    untranslated = [msgid for msgid, msgstr in po.items() if not msgstr]
    assert untranslated == []
    with (LOCALE_DIR / "django.mo").open("rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)
    stale = [msgid for msgid, msgstr in po.items() if catalog.gettext(msgid) != msgstr]
    assert stale == [], "django.mo is stale: run `make messages`"


def test_vendored_htmx_matches_its_record() -> None:
    """static/vendor/VENDORED.md records the exact htmx file we serve (version and sha256)."""
    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor"
    script = (vendor / "htmx-2.0.10.min.js").read_bytes()
    assert b'version:"2.0.10"' in script
    assert hashlib.sha256(script).hexdigest() in (vendor / "VENDORED.md").read_text(encoding="utf-8")
