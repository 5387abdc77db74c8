"""Check a lesson's manifests the way the API server would, with lesson-file line numbers.

Every ``manifests:`` block is read by the core's manifest parser (kubectl's wording for YAML
problems) and applied to a scratch mini cluster, so an invalid object is reported with the
real API server's message. The scratch cluster follows the lesson: ``start``, then for each
step its ``setup`` and its ``solution``; each wrong answer is tried on a copy of the state
after its step's setup. No simulated time passes, so this stays fast (pods are not started).
"""

from __future__ import annotations

from kubelearn.cluster import Cluster
from kubelearn.cluster.manifests import ManifestError, parse_manifests

from .loader import Problem
from .schema import Changes, Lesson, Manifests, Mark


def _apply(cluster: Cluster, manifests: Manifests | None, what: str) -> list[Problem]:
    if manifests is None:
        return []
    try:
        documents = parse_manifests(manifests.text, manifests.file)
    except ManifestError as exc:
        return [Problem(manifests.mark(1), f"{what}: {exc}")]
    problems = []
    for doc in documents:
        if doc.error or doc.obj is None:
            line = doc.error_line or doc.line
            problems.append(Problem(manifests.mark(line), f"{what}: {doc.error or 'empty document'}"))
            continue
        result = cluster.apply_document(doc, manifests.file)
        if not result.ok:
            problems.append(Problem(manifests.mark(doc.line), f"{what}: {result.error}"))
    cluster.engine.drain()
    return problems


def _copy(cluster: Cluster) -> Cluster:
    return Cluster.restore(cluster.snapshot())


def check_manifests(lesson: Lesson) -> list[Problem]:
    """All manifest problems of a lesson, in file order."""
    cluster = Cluster(seed=0, nodes=lesson.start.nodes)
    problems = _apply(cluster, lesson.start.manifests, "start manifests")
    for step in lesson.steps:
        setup: Changes | None = step.setup
        problems += _apply(cluster, setup.manifests if setup else None, f'step "{step.id}" setup manifests')
        for number, wrong in enumerate(step.wrong_answers, 1):
            if wrong.manifests is not None:
                what = f'step "{step.id}" wrong answer {number} manifests'
                problems += _apply(_copy(cluster), wrong.manifests, what)
        solution = step.solution
        problems += _apply(cluster, solution.manifests if solution else None, f'step "{step.id}" solution manifests')
    return sorted(problems, key=lambda p: (p.mark.line, p.mark.column))


def check_lesson_text(text: str, file: str) -> list[Problem]:
    """Everything ``lessons check`` reports for one file's text."""
    from .loader import load_partial

    lesson, problems = load_partial(text, file)
    if lesson is not None:
        problems = sorted(problems + check_manifests(lesson), key=lambda p: (p.mark.line, p.mark.column))
    return problems


__all__ = ["Mark", "Problem", "check_lesson_text", "check_manifests"]
