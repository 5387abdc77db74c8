"""The learner's pages: course map, lesson page and the htmx fragments around the goal panel.

Thin shells (house style): read the request, act on the learner's sandbox through ``sandbox``
(wherever it lives), render a template. The page itself never evaluates checks; the goal panel
fragment does, when htmx polls it (every 2 s) or after anything that changes the sandbox
(responses carry ``HX-Trigger: goal-changed``). The URL carries lesson and step
(``/learn/<id>/?step=2``), so switching language, which reloads the same URL, keeps the place.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kubelearn.sandboxes import kubeconfig
from kubelearn.sandboxes.provision import session_sandbox

from . import progress, sandbox
from .models import Progress
from .registry import registry
from .schema import Lesson, Step

MAX_MANIFEST_BYTES = 256 * 1024
MAX_COMMAND_CHARS = 2000
GOAL_CHANGED = "goal-changed"  # HX-Trigger: the goal panel and the sandbox view refresh


def _lesson(lesson_id: str) -> Lesson:
    lesson = registry().get(lesson_id)
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


def _index(request: HttpRequest, lesson: Lesson, row: Progress | None = None) -> int:
    raw = request.GET.get("step") or request.POST.get("step")
    if raw is None and row is not None:
        return min(row.step_index, len(lesson.steps) - 1)
    try:
        return min(max(int(str(raw)) - 1, 0), len(lesson.steps) - 1)
    except ValueError:
        return 0


def _quiz_ok(step: Step, row: Progress | None) -> bool:
    answers = (row.quiz_answers or {}).get(step.id, []) if row else []
    return (
        bool(step.quiz)
        and len(answers) == len(step.quiz)
        and all(a == q.answer for a, q in zip(answers, step.quiz, strict=False))
    )


def _step_context(request: HttpRequest, lesson: Lesson, index: int, row: Progress | None) -> dict[str, Any]:
    step = lesson.steps[index]
    answers = (row.quiz_answers or {}).get(step.id, []) if row else []
    return {
        "lesson": lesson,
        "lesson_url": reverse("lessons:lesson", args=[lesson.id]),
        "step": step,
        "index": index,
        "number": index + 1,
        "steps": list(enumerate(lesson.steps, 1)),
        "row": row,
        "completed": set(row.completed_steps or []) if row else set(),
        "hints_shown": step.hints[: (row.hints_shown or {}).get(step.id, 0)] if row else (),
        "quiz_rows": [(i, q, answers[i] if i < len(answers) else None) for i, q in enumerate(step.quiz)],
        "next_lesson": registry().next_of(lesson),
    }


@require_GET
def course_map(request: HttpRequest) -> HttpResponse:
    """All lessons by part, with the learner's progress."""
    done = progress.all_progress(request)
    lessons = [(lesson, done.get(lesson.id)) for lesson in registry().lessons()]
    context = {"lessons": lessons, "broken": registry().problems() if settings.DEBUG else []}
    return render(request, "lessons/map.html", context)


@require_GET
def lesson_page(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Text on one side, the live sandbox on the other; htmx requests get the body only."""
    lesson = _lesson(lesson_id)
    row = progress.get_or_create(request, lesson.id)
    index = _index(request, lesson, row)
    if row.step_index != index:
        row.step_index = index
        row.save(update_fields=["step_index", "updated"])
    template = "lessons/_lesson.html" if request.htmx else "lessons/lesson.html"
    return render(request, template, _step_context(request, lesson, index, row))


@require_GET
@never_cache
def goal(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """The goal panel: each check ticked or not, with what still differs and its hint."""
    lesson = _lesson(lesson_id)
    row = progress.get_or_create(request, lesson.id)
    index = _index(request, lesson, row)
    step = lesson.steps[index]
    results = sandbox.evaluate(sandbox.open_for(request, lesson, index), step, _quiz_ok(step, row))
    done = all(r.ok for r in results)
    if done and step.id not in (row.completed_steps or []):
        row.completed_steps = [*(row.completed_steps or []), step.id]
        row.completed = all(s.id in row.completed_steps for s in lesson.steps)
        row.save(update_fields=["completed_steps", "completed", "updated"])
    context = {**_step_context(request, lesson, index, row), "results": results, "done": done}
    return render(request, "lessons/_goal.html", context)


@require_GET
@never_cache
def picture(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """The live drawing of the learner's sandbox, loaded once by the page after it is prepared for the step."""
    lesson = _lesson(lesson_id)
    sandbox.open_for(request, lesson, _index(request, lesson, progress.get(request, lesson.id)))
    own = session_sandbox(request)
    assert own is not None
    context = {"sandbox_id": own.id, "ws_url": kubeconfig.websocket_path(own)}
    return render(request, "studio/_cluster_view.html", context)


@require_GET
@never_cache
def sandbox_table(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Placeholder picture of the sandbox: ``kubectl get all -A`` as the server prints it."""
    lesson = _lesson(lesson_id)
    sandbox_id = sandbox.open_for(request, lesson, _index(request, lesson, progress.get(request, lesson.id)))
    table, now = sandbox.table(sandbox_id)
    return render(request, "lessons/_sandbox.html", {"lesson": lesson, "table": table, "sim_seconds": int(now)})


@require_POST
def hint(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Open the next hint of the step."""
    lesson = _lesson(lesson_id)
    row = progress.get_or_create(request, lesson.id)
    step = lesson.steps[_index(request, lesson, row)]
    shown = dict(row.hints_shown or {})
    shown[step.id] = min(shown.get(step.id, 0) + 1, len(step.hints))
    row.hints_shown = shown
    row.save(update_fields=["hints_shown", "updated"])
    return render(request, "lessons/_hints.html", _step_context(request, lesson, _index(request, lesson, row), row))


@require_GET
def solution(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """The step's solution (the page asks for confirmation before requesting it)."""
    lesson = _lesson(lesson_id)
    row = progress.get(request, lesson.id)
    return render(request, "lessons/_solution.html", _step_context(request, lesson, _index(request, lesson, row), row))


def _output(
    request: HttpRequest, lines: list[str], errors: list[str], status: int = 200, reset: bool = False
) -> HttpResponse:
    context = {"lines": lines, "errors": errors, "reset": reset}
    response = render(request, "lessons/_output.html", context, status=status)
    response["HX-Trigger"] = GOAL_CHANGED
    return response


@require_POST
def apply_solution(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Apply the step's solution to the learner's sandbox; the learner watches it unfold."""
    lesson = _lesson(lesson_id)
    index = _index(request, lesson, progress.get(request, lesson.id))
    lines, errors = sandbox.apply_solution(sandbox.open_for(request, lesson, index), lesson, index)
    return _output(request, lines, errors)


@require_POST
def apply_manifest(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """``kubectl apply -f`` of the text in the lesson's editor."""
    lesson = _lesson(lesson_id)
    text = request.POST.get("text", "")
    if len(text.encode()) > MAX_MANIFEST_BYTES or not text.strip():
        return _output(request, [], ["error: no objects passed to apply"], status=400)
    sandbox_id = sandbox.open_for(request, lesson, _index(request, lesson, progress.get(request, lesson.id)))
    lines, errors = sandbox.apply_text(sandbox_id, text)
    return _output(request, lines, errors)


@require_POST
def command(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """One kubectl command line through the in-page kubectl."""
    lesson = _lesson(lesson_id)
    line = request.POST.get("line", "").strip()[:MAX_COMMAND_CHARS]
    if not line.startswith("kubectl"):
        line = f"kubectl {line}"
    sandbox_id = sandbox.open_for(request, lesson, _index(request, lesson, progress.get(request, lesson.id)))
    code, out, err = sandbox.command(sandbox_id, line)
    return _output(request, [f"$ {line}", *out.splitlines()], err.splitlines() if code else [])


@require_POST
def quiz(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Record the quiz answers and show which are right, with the explanations."""
    lesson = _lesson(lesson_id)
    row = progress.get_or_create(request, lesson.id)
    index = _index(request, lesson, row)
    step = lesson.steps[index]
    answers = []
    for number, question in enumerate(step.quiz):
        raw = request.POST.get(f"q{number}", "")
        answers.append(int(raw) if raw.isdigit() and int(raw) < len(question.choices) else -1)
    row.quiz_answers = {**(row.quiz_answers or {}), step.id: answers}
    row.save(update_fields=["quiz_answers", "updated"])
    response = render(request, "lessons/_quiz.html", {**_step_context(request, lesson, index, row), "checked": True})
    response["HX-Trigger"] = GOAL_CHANGED
    return response


@require_POST
def reset(request: HttpRequest, lesson_id: str) -> HttpResponse:
    """Put the sandbox back to how this step starts."""
    lesson = _lesson(lesson_id)
    index = _index(request, lesson, progress.get(request, lesson.id))
    sandbox.open_for(request, lesson, index, reset=True)
    return _output(request, [], [], reset=True)
