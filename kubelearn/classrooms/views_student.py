"""The student's pages: join with a code and a nickname, follow the demo, work in an own sandbox.

Every view finds the student's seat through the secret token in their session
(``access.own_seat``), and only ever acts on that seat's sandbox; the demo is shown through
its watch token, which can only watch. A closed room stays readable and refuses changes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kubelearn.sandboxes.kubeconfig import websocket_path
from kubelearn.sandboxes.provision import create_sandbox
from kubelearn.studio import services as studio

from . import access, sandboxes, state
from .forms import JoinForm
from .models import Classroom, Seat
from .views_instructor import MAX_COMMAND_CHARS, MAX_MANIFEST_BYTES


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        classroom = Classroom.objects.filter(code=form.cleaned_data["code"]).first()
        if classroom is None or not classroom.is_open:
            form.add_error("code", _("No open classroom has this code."))
        else:
            seat = access.find_seat(request.session, classroom)
            if seat is None:
                if not request.session.session_key:
                    request.session.save()
                sandbox = create_sandbox(session_key=request.session.session_key or "")
                seat = Seat.objects.create(
                    classroom=classroom,
                    nickname=form.cleaned_data["nickname"],
                    sandbox=sandbox,
                    lesson_id=classroom.lesson_id,
                    step_index=classroom.step_index,
                )
                if classroom.paused:
                    sandboxes.set_paused([sandbox], True)
                seats = dict(request.session.get(access.SESSION_SEATS) or {})
                seats[classroom.code] = seat.token
                request.session[access.SESSION_SEATS] = seats
            return redirect("classrooms:student", code=classroom.code)
    return render(request, "classrooms/join.html", {"form": form})


def _student_context(request: HttpRequest, seat: Seat) -> dict[str, Any]:
    classroom = seat.classroom
    lesson = state.lesson_of(classroom, seat.lesson_id)
    return {
        "classroom": classroom,
        "seat": seat,
        "lesson": lesson,
        "step": state.step_of(lesson, seat.step_index),
        "number": seat.step_index + 1,
        "demo_ws": websocket_path(classroom.demo) if classroom.demo else "",
        "own_ws": websocket_path(seat.sandbox) if seat.sandbox else "",
        "ws_class": f"/ws/class/{classroom.code}/",
    }


@require_GET
def student(request: HttpRequest, code: str) -> HttpResponse:
    classroom = access.room(code)
    if access.find_seat(request.session, classroom) is None:
        return redirect(f"{reverse('classrooms:join')}?code={classroom.code}")
    seat = access.own_seat(request, code)
    if seat.classroom.is_open:
        state.ensure_prepared(seat, state.lesson_of(seat.classroom, seat.lesson_id))
    Seat.objects.filter(pk=seat.pk).update(last_seen=timezone.now())
    return render(request, "classrooms/student.html", _student_context(request, seat))


@require_GET
@never_cache
def goal(request: HttpRequest, code: str) -> HttpResponse:
    """The goal panel (htmx-polled): evaluates the checks in the student's own sandbox."""
    seat = access.own_seat(request, code)
    step = state.step_of(state.lesson_of(seat.classroom, seat.lesson_id), seat.step_index)
    results = sandboxes.evaluate(seat.sandbox, step) if step is not None and seat.sandbox else []
    checks = [{"label": {"en": r.label.en, "zh": r.label.zh}, "ok": r.ok} for r in results]
    Seat.objects.filter(pk=seat.pk).update(last_seen=timezone.now(), checks=checks)
    done = bool(results) and all(r.ok for r in results)
    return render(request, "classrooms/_goal.html", {"results": results, "done": done})


@require_POST
def copy(request: HttpRequest, code: str) -> HttpResponse:
    """Take a copy of the demo's current state into my sandbox."""
    seat = access.own_seat(request, code, writable=True)
    if seat.classroom.demo is None or seat.sandbox is None:
        return HttpResponseBadRequest("Nothing to copy.")
    sandboxes.copy(seat.classroom.demo, seat.sandbox)
    Seat.objects.filter(pk=seat.pk).update(following=False)
    return redirect("classrooms:student", code=seat.classroom.code)


@require_POST
def follow(request: HttpRequest, code: str) -> HttpResponse:
    seat = access.own_seat(request, code, writable=True)
    Seat.objects.filter(pk=seat.pk).update(following=True)
    return redirect("classrooms:student", code=seat.classroom.code)


@require_POST
def needs_help(request: HttpRequest, code: str) -> HttpResponse:
    seat = access.own_seat(request, code, writable=True)
    seat.needs_help = not seat.needs_help
    seat.save(update_fields=["needs_help"])
    if request.htmx:
        return render(request, "classrooms/_help.html", {"seat": seat, "classroom": seat.classroom})
    return redirect("classrooms:student", code=seat.classroom.code)


@require_POST
def command(request: HttpRequest, code: str) -> HttpResponse:
    """A kubectl command in MY sandbox (the seat's, found through the session token)."""
    seat = access.own_seat(request, code, writable=True)
    if not studio.allowed(request, "command"):
        return HttpResponse("Too many commands; wait a second.", status=429)
    line = str(request.POST.get("line", ""))[:MAX_COMMAND_CHARS]
    result = sandboxes.command(seat.sandbox, line)
    text = "\n".join(s for s in (result.stdout, result.stderr) if s).rstrip()
    context = {"line": studio.command_line(line), "text": text, "ok": result.exit_code == 0}
    return render(request, "classrooms/_output.html", context)


@require_POST
def apply(request: HttpRequest, code: str) -> HttpResponse:
    seat = access.own_seat(request, code, writable=True)
    if not studio.allowed(request, "apply"):
        return HttpResponse("Too many applies; wait a second.", status=429)
    text = str(request.POST.get("yaml", ""))
    if len(text.encode()) > MAX_MANIFEST_BYTES:
        return HttpResponseBadRequest("Too large.")
    rows = sandboxes.apply(seat.sandbox, text)
    context = {
        "line": "kubectl apply -f editor.yaml",
        "text": "\n".join(r.text for r in rows),
        "ok": all(r.ok for r in rows),
    }
    return render(request, "classrooms/_output.html", context)
