"""The facade's own ASGI handler (``kubelearn/api/asgi.py``): short chain, same guarantees.

kubectl's requests skip the browser middleware (sessions, CSRF, locale, messages...), but keep
the security headers, the production HTTPS redirect and the 503 ``Status`` for a busy owner.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.testing import HttpCommunicator
from pytest_django.fixtures import Settings

from kubelearn.api.asgi import FacadeHandler
from kubelearn.asgi import application, facade_app
from kubelearn.sandboxes.forwarding import SandboxBusy
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.sandboxes.runtime import runtime

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _get(path: str, app: Any = application) -> dict[str, Any]:
    headers = [(b"host", b"localhost"), (b"accept", b"application/json")]
    communicator = HttpCommunicator(app, "GET", path, headers=headers)
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # let the handler finish (it closes the request body's file)
    response["headers"] = {k.decode().lower(): v.decode() for k, v in response["headers"]}
    return response


async def _sandbox_key() -> str:
    from asgiref.sync import sync_to_async

    return (await sync_to_async(create_sandbox)("facade-chain")).access_key


async def test_kubectl_requests_get_the_facade_handler_and_its_headers() -> None:
    assert isinstance(facade_app, FacadeHandler)
    key = await _sandbox_key()
    response = await _get(f"/k8s/{key}/api/v1/namespaces/default/configmaps")
    assert response["status"] == 200
    assert json.loads(response["body"])["kind"] == "ConfigMapList"
    headers = response["headers"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "default-src" in headers["content-security-policy"]
    assert "set-cookie" not in headers and "cookie" not in headers.get("vary", "").lower()  # no session machinery


async def test_pages_keep_the_full_chain() -> None:
    response = await _get("/")
    assert response["status"] == 200
    assert response["headers"]["x-frame-options"] == "DENY"  # XFrameOptionsMiddleware: pages only


async def test_a_busy_owner_is_a_status_503_not_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    key = await _sandbox_key()

    def busy(access_key: str) -> str:
        raise SandboxBusy("the owner keeps its lease but does not answer")

    monkeypatch.setattr(runtime(), "key_resolver", busy)
    response = await _get(f"/k8s/{key}/api/v1/namespaces/default/configmaps")
    assert response["status"] == 503
    assert response["headers"]["retry-after"] == "2"
    status = json.loads(response["body"])
    assert status["kind"] == "Status" and status["code"] == 503 and status["reason"] == "ServiceUnavailable"


async def test_production_redirects_plain_http_like_the_pages(settings: Settings) -> None:
    settings.SECURE_SSL_REDIRECT = True  # middleware reads its settings once: a handler built now
    key = await _sandbox_key()
    response = await _get(f"/k8s/{key}/api/v1/namespaces/default/configmaps", FacadeHandler())
    assert response["status"] == 301
    assert response["headers"]["location"].startswith("https://")
