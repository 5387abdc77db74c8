"""Pages for authors and for moving progress: preview with inline problems, the JSON Schema,
progress export and import."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import jsonschema, progress
from .loader import load_partial, read_text
from .registry import registry
from .validate import check_lesson_text

MAX_IMPORT_BYTES = 256 * 1024


@require_GET
def preview(request: HttpRequest, key: str) -> HttpResponse:
    """A lesson file with every problem shown next to its line (DEBUG or staff only)."""
    if not (settings.DEBUG or getattr(request.user, "is_staff", False)):
        raise Http404
    entry = registry().entry(key)
    if entry is None:
        raise Http404("No lesson file with this id.")
    text, problems = read_text(entry.path, str(entry.path.name))
    lesson = None
    if text is not None:
        lesson, _ignored = load_partial(text, entry.path.name)
        problems = check_lesson_text(text, entry.path.name)
    by_line: dict[int, list[str]] = {}
    for problem in problems:
        by_line.setdefault(problem.mark.line, []).append(f"{problem.mark.column}: {problem.message}")
    lines = [(n, line, by_line.get(n, [])) for n, line in enumerate((text or "").splitlines(), 1)]
    context = {"entry": entry, "lesson": lesson, "problems": problems, "lines": lines}
    return render(request, "lessons/preview.html", context)


@require_GET
def schema(request: HttpRequest) -> HttpResponse:
    """The lesson format's JSON Schema (draft 2020-12) for editors."""
    return HttpResponse(jsonschema.text(), content_type="application/schema+json; charset=utf-8")


@require_GET
def export_progress(request: HttpRequest) -> HttpResponse:
    """Download this learner's progress as JSON."""
    response = JsonResponse(progress.export_data(request), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="kubelearn-progress.json"'
    return response


@require_POST
def import_progress(request: HttpRequest) -> HttpResponse:
    """Merge an uploaded export into this learner's progress."""
    upload = request.FILES.get("file")
    try:
        if upload is None or upload.size is None or upload.size > MAX_IMPORT_BYTES:
            raise progress.ProgressImportError(_("Choose a progress file (at most 256 KiB)."))
        data = json.loads(upload.read().decode("utf-8"))
        count = progress.import_data(request, data)
    except (ValueError, UnicodeDecodeError) as exc:
        messages.error(request, _("Could not import progress: %(reason)s") % {"reason": exc})
        return redirect("lessons:map")
    messages.success(request, _("Imported progress for %(count)d lessons.") % {"count": count})
    return redirect("lessons:map")
