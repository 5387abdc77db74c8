"""The instructor's pages: classroom list, control page, class dashboard and projector.

Thin shells: check the role and ownership (``access``), act through ``state``/``sandboxes``,
tell every open page through ``broadcast``, render a template. Every POST is CSRF-protected
by Django's middleware; a closed room answers 403 to anything that would change it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kubelearn.lessons.schema import Text
from kubelearn.sandboxes.kubeconfig import watch_page, websocket_path
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.studio import services as studio

from . import access, broadcast, narration, sandboxes, state
from .forms import ClassroomForm
from .models import Classroom, Seat

MAX_COMMAND_CHARS = 2000
LOGIN_URL = "classrooms:login"
MAX_MANIFEST_BYTES = 256 * 1024


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """List my classrooms; create one."""
    access.require_instructor(request)
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        demo = create_sandbox(user=request.user)
        classroom = Classroom.objects.create(
            title=form.cleaned_data["title"],
            instructor=request.user,
            lesson_path=list(form.cleaned_data["lessons"]),
            lesson_id=form.cleaned_data["lessons"][0],
            demo=demo,
        )
        lesson = state.lesson_of(classroom)
        if lesson is not None:
            sandboxes.prepare(demo, lesson, 0)
        return redirect("classrooms:control", code=classroom.code)
    rooms = Classroom.objects.filter(instructor=request.user).prefetch_related("seats")
    return render(request, "classrooms/home.html", {"form": form, "rooms": rooms})


@login_required(login_url=LOGIN_URL)
@require_POST
def close(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code, writable=True)
    classroom.closed_at = timezone.now()
    classroom.save(update_fields=["closed_at"])
    return redirect("classrooms:home")


def _room_context(request: HttpRequest, classroom: Classroom) -> dict[str, Any]:
    lesson = state.lesson_of(classroom)
    return {
        "classroom": classroom,
        "lesson": lesson,
        "step": state.step_of(lesson, classroom.step_index),
        "number": classroom.step_index + 1,
        "path": [lesson for lesson_id in classroom.lesson_path if (lesson := state.lesson_of(classroom, lesson_id))],
        "demo_ws": websocket_path(classroom.demo) if classroom.demo else "",
        "join_url": request.build_absolute_uri(f"/class/join/?code={classroom.code}"),
        "ws_class": f"/ws/class/{classroom.code}/",
    }


@login_required(login_url=LOGIN_URL)
@require_GET
def control(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code)
    return render(request, "classrooms/control.html", _room_context(request, classroom))


@login_required(login_url=LOGIN_URL)
@require_POST
def goto(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code, writable=True)
    try:
        index = int(request.POST.get("step", "1")) - 1
        lesson = state.goto(classroom, str(request.POST.get("lesson", "")), index)
    except ValueError:
        return HttpResponseBadRequest("Unknown lesson or step.")
    broadcast.send(classroom, "class.goto", lesson=lesson.id, step=classroom.step_index + 1)
    return redirect("classrooms:control", code=classroom.code)


def _class_sandboxes(classroom: Classroom) -> list[Any]:
    rows = [seat.sandbox for seat in classroom.seats.select_related("sandbox") if seat.sandbox is not None]
    return [classroom.demo, *rows] if classroom.demo is not None else rows


@login_required(login_url=LOGIN_URL)
@require_POST
def pause(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code, writable=True)
    classroom.paused = request.POST.get("paused") == "1"
    classroom.save(update_fields=["paused"])
    sandboxes.set_paused(_class_sandboxes(classroom), classroom.paused)
    broadcast.send(classroom, "class.paused", paused=classroom.paused)
    return redirect("classrooms:control", code=classroom.code)


@login_required(login_url=LOGIN_URL)
@require_POST
def incident(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code, writable=True)
    kind = str(request.POST.get("kind", ""))
    if kind not in sandboxes.INCIDENTS:
        return HttpResponseBadRequest("Unknown incident.")
    for seat in classroom.seats.select_related("sandbox"):
        if seat.sandbox is not None:
            sandboxes.incident(seat.sandbox, kind)
    broadcast.send(classroom, "class.incident", kind=kind)
    return redirect("classrooms:control", code=classroom.code)


@login_required(login_url=LOGIN_URL)
@require_POST
def project(request: HttpRequest, code: str) -> HttpResponse:
    """Put the demo (``seat`` empty) or one student's sandbox on the projector."""
    classroom = access.owned_room(request, code, writable=True)
    seat_id = request.POST.get("seat")
    seat = classroom.seats.filter(pk=seat_id).first() if seat_id else None
    classroom.projected = seat.sandbox if seat is not None else None
    classroom.save(update_fields=["projected"])
    shown = classroom.projected or classroom.demo
    broadcast.send(classroom, "class.projector", sandbox_id=shown.id if shown else "")
    back = "classrooms:dashboard" if request.POST.get("back") == "dashboard" else "classrooms:control"
    return redirect(back, code=classroom.code)


@login_required(login_url=LOGIN_URL)
@require_POST
def command(request: HttpRequest, code: str) -> HttpResponse:
    """The instructor's kubectl command bar, against the demo sandbox."""
    classroom = access.owned_room(request, code, writable=True)
    line = str(request.POST.get("line", ""))[:MAX_COMMAND_CHARS]
    result = sandboxes.command(classroom.demo, line)
    text = "\n".join(s for s in (result.stdout, result.stderr) if s).rstrip()
    context = {"line": studio.command_line(line), "text": text, "ok": result.exit_code == 0}
    return render(request, "classrooms/_output.html", context)


@login_required(login_url=LOGIN_URL)
@require_POST
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """``kubectl apply -f`` of the YAML box, against the demo sandbox."""
    classroom = access.owned_room(request, code, writable=True)
    text = str(request.POST.get("yaml", ""))
    if len(text.encode()) > MAX_MANIFEST_BYTES:
        return HttpResponseBadRequest("Too large.")
    rows = sandboxes.apply(classroom.demo, text)
    context = {
        "line": "kubectl apply -f editor.yaml",
        "text": "\n".join(r.text for r in rows),
        "ok": all(r.ok for r in rows),
    }
    return render(request, "classrooms/_output.html", context)


def _seat_rows(classroom: Classroom, request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for seat in classroom.seats.select_related("sandbox"):
        seat_lesson = state.lesson_of(classroom, seat.lesson_id)
        seat_step = state.step_of(seat_lesson, seat.step_index)
        checks = seat.checks or []
        if seat.sandbox is not None and seat_step is not None and seat.prepared == state.marker(seat):
            results = sandboxes.evaluate(seat.sandbox, seat_step)
            checks = [{"label": {"en": r.label.en, "zh": r.label.zh}, "ok": r.ok} for r in results]
            if checks != seat.checks:
                Seat.objects.filter(pk=seat.pk).update(checks=checks)
        shown = [
            {"label": Text(en=c["label"].get("en", ""), zh=c["label"].get("zh", "")), "ok": c["ok"]} for c in checks
        ]
        rows.append(
            {
                "seat": seat,
                "lesson": seat_lesson,
                "number": seat.step_index + 1,
                "checks": shown,
                "seconds": int((timezone.now() - seat.step_started_at).total_seconds()),
                "watch": watch_page(seat.sandbox, request.build_absolute_uri("/")) if seat.sandbox else "",
                "projected": classroom.projected_id is not None and classroom.projected_id == seat.sandbox_id,
            }
        )
    return rows


def aggregate(rows: list[dict[str, Any]]) -> list[tuple[int, Text]]:
    """Failing checks across the class, most common first: (how many students, label)."""
    counts: dict[str, tuple[int, Text]] = {}
    for row in rows:
        for check in row["checks"]:
            if not check.get("ok"):
                label = check["label"]
                count, _ = counts.get(label.en, (0, label))
                counts[label.en] = (count + 1, label)
    return sorted(counts.values(), key=lambda item: (-item[0], item[1].en))


@login_required(login_url=LOGIN_URL)
@require_GET
@never_cache
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code)
    rows = _seat_rows(classroom, request)
    context = {**_room_context(request, classroom), "rows": rows, "failing": aggregate(rows)}
    template = "classrooms/_dashboard_table.html" if request.htmx else "classrooms/dashboard.html"
    return render(request, template, context)


@login_required(login_url=LOGIN_URL)
@require_GET
def projector(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code)
    shown = classroom.projected or classroom.demo
    context = {**_room_context(request, classroom), "shown": shown, "shown_ws": websocket_path(shown) if shown else ""}
    return render(request, "classrooms/projector.html", context)


@login_required(login_url=LOGIN_URL)
@require_GET
@never_cache
def narration_view(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.owned_room(request, code)
    shown = classroom.projected or classroom.demo
    events = sandboxes.recent_events(shown) if shown else []
    return render(request, "classrooms/_narration.html", {"lines": [narration.sentence(e) for e in events]})
