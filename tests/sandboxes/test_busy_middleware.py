"""``SandboxBusyMiddleware``: a busy owner or an unreachable Redis is a 503 "try again", never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from kubelearn.sandboxes.forwarding import SandboxBusy
from kubelearn.sandboxes.middleware import SandboxBusyMiddleware


def _middleware() -> SandboxBusyMiddleware:
    return SandboxBusyMiddleware(lambda request: None)


@pytest.mark.parametrize("exception", [SandboxBusy("owner silent"), RedisConnectionError("Connection refused")])
def test_a_page_gets_a_short_retry_page(exception: Exception) -> None:
    response = _middleware().process_exception(RequestFactory().post("/studio/apply"), exception)
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "2"
    assert b"try again" in response.content


def test_the_rest_facade_gets_a_kubernetes_status_kubectl_can_print() -> None:
    request = RequestFactory().get("/k8s/some-key/api/v1/namespaces/default/pods")
    response = _middleware().process_exception(request, RedisConnectionError("Connection refused"))
    assert response is not None and response.status_code == 503
    body = json.loads(response.content)
    assert body["kind"] == "Status" and body["code"] == 503 and body["reason"] == "ServiceUnavailable"


def test_other_exceptions_are_left_to_django() -> None:
    assert _middleware().process_exception(RequestFactory().get("/"), ValueError("bug")) is None
