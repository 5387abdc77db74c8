"""Views of the pages app: thin shells that render templates and do no simulation work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what kubelearn is and how the dispatch-center metaphor maps onto Kubernetes."""
    return render(request, "pages/home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers and the test fixtures: plain-text "ok"."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
