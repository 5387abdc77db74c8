"""Studio views: thin shells that validate a form, call ``services``/``panels`` and render.

Every view answers an htmx request with its panel's fragment and any other request with the
whole workbench page (the same panel filled in), so the page works without JavaScript too.
Writes are POST with CSRF, rate-limited per session (429) and size-capped by the forms.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import panels, services
from .forms import ApplyForm, ChaosForm, CommandForm, InspectForm, ReplayForm, TimeForm
from .snippets import DEFAULT_SNIPPET, SNIPPETS

CHANGED = "studio:changed"


def _page_context(request: HttpRequest, bench: services.Workbench) -> dict[str, Any]:
    return {
        "sandbox_id": bench.row.id,
        "ws_url": services.ws_url(bench),
        "lang": getattr(request, "LANGUAGE_CODE", "en"),
        "cluster_view": select_template(["studio/_cluster_view.html", "studio/_cluster_placeholder.html"]),
        "snippets": SNIPPETS,
        "text": SNIPPETS[DEFAULT_SNIPPET],
        "live": bench.live,
        "speeds": services.SPEEDS,
        "targets": panels.targets(bench),
        "timeline": panels.timeline(bench),
    }


def _respond(
    request: HttpRequest, bench: services.Workbench, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    if request.htmx:
        response = render(request, fragment, {"live": bench.live, **context}, status=status)
    else:
        response = render(request, "studio/page.html", {**_page_context(request, bench), **context}, status=status)
    if request.method == "POST" and status == 200:
        response["HX-Trigger"] = CHANGED if fragment == "studio/_chaos.html" else f"{CHANGED}, studio:targets"
    return response


def _limited(request: HttpRequest, bench: services.Workbench, fragment: str, bucket: str) -> HttpResponse | None:
    if services.allowed(request, bucket):
        return None
    return _respond(request, bench, fragment, {"limited": True}, status=429)


@require_GET
@never_cache
def workbench(request: HttpRequest) -> HttpResponse:
    """The full workbench for the visitor's own sandbox: editor, command bar, picture, controls."""
    bench = services.get_or_create_session_sandbox(request)
    return render(request, "studio/page.html", _page_context(request, bench))


@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """``kubectl apply -f`` the editor's text; the text always comes back untouched."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_apply_result.html"
    text = request.POST.get("text", "")
    if limited := _limited(request, bench, fragment, "apply"):
        return limited
    form = ApplyForm(request.POST)
    if not form.is_valid():
        status = 413 if form.has_error("text", "too_large") else 400
        return _respond(request, bench, fragment, {"text": text, "form": form}, status=status)
    rows = services.apply(bench, form.cleaned_data["text"])
    return _respond(request, bench, fragment, {"text": text, "rows": rows, "applied": True})


@require_POST
def command(request: HttpRequest) -> HttpResponse:
    """One line through the in-page kubectl; the answer is appended to the console."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_console_entry.html"
    if limited := _limited(request, bench, fragment, "command"):
        return limited
    form = CommandForm(request.POST)
    if not form.is_valid():
        return _respond(request, bench, fragment, {"form": form}, status=400)
    line = services.command_line(form.cleaned_data["line"])
    result = services.command(bench, line)
    return _respond(request, bench, fragment, {"line": line, "result": result})


@require_POST
def time_control(request: HttpRequest) -> HttpResponse:
    """Pause, resume, step (+1 s, +10 s) or change the speed of simulated time."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_time.html"
    if limited := _limited(request, bench, fragment, "time"):
        return limited
    form = TimeForm(request.POST)
    if not form.is_valid():
        return _respond(request, bench, fragment, {"form": form, "speeds": services.SPEEDS}, status=400)
    services.set_time(bench, form.cleaned_data["action"], form.cleaned_data["speed"], form.cleaned_data["seconds"])
    return _respond(
        request, bench, fragment, {"speeds": services.SPEEDS, "now_clock": panels.clock_text(services.now(bench))}
    )


@require_GET
@never_cache
def timeline(request: HttpRequest) -> HttpResponse:
    """The latest Events and the student's own inputs, by simulated time."""
    bench = services.get_or_create_session_sandbox(request)
    return _respond(request, bench, "studio/_timeline.html", {"timeline": panels.timeline(bench)})


@require_GET
@never_cache
def replay(request: HttpRequest) -> HttpResponse:
    """Read-only: the cluster rebuilt as it was at simulated second ``t``."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_replay.html"
    if limited := _limited(request, bench, fragment, "replay"):
        return limited
    form = ReplayForm(request.GET)
    if not form.is_valid():
        return _respond(request, bench, fragment, {"form": form}, status=400)
    return _respond(request, bench, fragment, {"replay": panels.replay(bench, form.cleaned_data["t"])})


@require_http_methods(["GET", "POST"])
def chaos(request: HttpRequest) -> HttpResponse:
    """GET: the chaos controls with fresh targets. POST: do one chaos action."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_chaos.html"
    if request.method == "GET":
        return _respond(request, bench, fragment, {"targets": panels.targets(bench)})
    if limited := _limited(request, bench, fragment, "chaos"):
        return limited
    form = ChaosForm(request.POST)
    if not form.is_valid():
        return _respond(request, bench, fragment, {"form": form, "targets": panels.targets(bench)}, status=400)
    data = form.cleaned_data
    outcome = services.chaos(bench, data["action"], data["namespace"], data["name"], data["count"])
    return _respond(request, bench, fragment, {"outcome": outcome, "targets": panels.targets(bench)})


@require_GET
@never_cache
def inspect(request: HttpRequest) -> HttpResponse:
    """One object: its YAML (Secrets masked until revealed), describe, and the scheduler's verdicts."""
    bench = services.get_or_create_session_sandbox(request)
    fragment = "studio/_inspector.html"
    if limited := _limited(request, bench, fragment, "inspect"):
        return limited
    form = InspectForm(request.GET)
    if not form.is_valid():
        return _respond(request, bench, fragment, {"form": form}, status=400)
    data = form.cleaned_data
    found = panels.inspect(bench, data["kind"], data["namespace"] or "default", data["name"], data["reveal"])
    tab = data["tab"] or ("schedule" if found.get("pending") else "yaml")
    return _respond(request, bench, fragment, {"subject": data, "tab": tab, **found})
