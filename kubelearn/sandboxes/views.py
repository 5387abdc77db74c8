"""Sandbox pages: the visitor's own sandbox with its kubeconfig, and the read-only watch page.

Thin shells: they find the sandbox (the session's, or one named by id plus watch token), have
``kubectl get all`` computed where the sandbox lives (``forwarding.run_sync``), and render it. The drawing of the
cluster arrives later; the table polls every two seconds through htmx meanwhile.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kubelearn.cluster.printers import Printer
from kubelearn.cluster.reports import get_all

from . import forwarding, kubeconfig
from .models import Sandbox
from .provision import session_sandbox
from .runtime import LiveSandbox


def _server(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@forwarding.operation("sandbox.get_all", right="watch")
def _get_all_op(live: LiveSandbox) -> str:
    cluster = live.cluster
    now = cluster.clock.now
    return get_all(cluster.store, Printer(lambda stamp: now - cluster.clock.parse(stamp)), namespace=None)


def _get_all(sandbox_id: str) -> str:
    """``kubectl get all -A``, computed wherever the sandbox lives (never moved here)."""
    try:
        return str(forwarding.run_sync(sandbox_id, "sandbox.get_all"))
    except LookupError as exc:
        raise Http404 from exc


def _watched(request: HttpRequest, sandbox_id: str) -> Sandbox:
    row = Sandbox.objects.filter(pk=sandbox_id).first()
    if row is None or not row.watch_token_matches(request.GET.get("token", "")):
        raise Http404("No such sandbox, or the watch token is wrong.")
    return row


def _context(request: HttpRequest, row: Sandbox, table_url: str) -> dict[str, object]:
    return {
        "sandbox": row,
        "table": _get_all(row.id),
        "table_url": table_url,
        "ws_url": kubeconfig.websocket_path(row),
        "watch_url": kubeconfig.watch_page(row, _server(request)),
        "kubeconfig_name": f"kubeconfig-{row.name}.yaml",
    }


@require_GET
@never_cache
def sandbox_page(request: HttpRequest) -> HttpResponse:
    """The visitor's personal sandbox (created on the first visit) and how to point kubectl at it."""
    row = session_sandbox(request)
    assert row is not None
    return render(request, "sandboxes/sandbox.html", _context(request, row, reverse("sandboxes:table")))


@require_GET
@never_cache
def kubeconfig_download(request: HttpRequest) -> HttpResponse:
    row = session_sandbox(request)
    assert row is not None
    response = HttpResponse(kubeconfig.kubeconfig(row, _server(request)), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="kubeconfig-{row.name}.yaml"'
    return response


@require_GET
@never_cache
def own_table(request: HttpRequest) -> HttpResponse:
    row = session_sandbox(request, create=False)
    if row is None:
        raise Http404
    return render(request, "sandboxes/table.html", {"table": _get_all(row.id)})


@require_GET
@never_cache
def watch_page(request: HttpRequest, sandbox_id: str) -> HttpResponse:
    """Read-only: whoever has the watch token sees the cluster, but gets no kubeconfig."""
    row = _watched(request, sandbox_id)
    table_url = f"{reverse('sandboxes:watch-table', args=[row.id])}?{urlencode({'token': row.watch_token})}"
    return render(request, "sandboxes/watch.html", _context(request, row, table_url))


@require_GET
@never_cache
def watch_table(request: HttpRequest, sandbox_id: str) -> HttpResponse:
    row = _watched(request, sandbox_id)
    return render(request, "sandboxes/table.html", {"table": _get_all(row.id)})
