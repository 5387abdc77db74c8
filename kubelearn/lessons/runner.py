"""Playing a lesson against a mini cluster: start state, step setups, solutions, wrong answers.

Everything a lesson does to the sandbox goes through here, with the same calls a student's
tools make: manifests are applied with ``kubectl apply`` semantics (``Cluster.apply_text``),
``commands:`` run through the kubectl emulator (``kubelearn.kubectl.run``), and actions call
the core's own node, kubelet and proxy functions. ``play_lesson`` is the course's own test:
fresh cluster (seed 0) -> start -> per step: setup, solution, time, every check passes; and
every wrong answer, applied from the state after setup, leaves some check failing.
Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubelearn.cluster import Cluster, kubelet, nodes, proxy
from kubelearn.cluster.apiserver.patch import STRATEGIC_MERGE_PATCH
from kubelearn.cluster.errors import StatusError
from kubelearn.cluster.selectors import SelectorError, matches, parse_label_selector
from kubelearn.kubectl import run as kubectl_run

from .checks import CheckResult, evaluate_all
from .schema import Action, Changes, Lesson, Step

MAX_RUN = 600.0


class LessonRunError(RuntimeError):
    """An action, manifest or command of the lesson itself failed (an authoring problem)."""


@dataclass(slots=True)
class Outcome:
    """What applying changes printed, kubectl-style, and which parts failed."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, line: str, error: bool = False) -> None:
        (self.errors if error else self.lines).append(line)


def run_command(cluster: Cluster, line: str) -> tuple[int, str, str]:
    """One kubectl command line through the emulator: (exit code, stdout, stderr)."""
    result = kubectl_run(cluster, line)
    return int(result.exit_code), str(result.stdout), str(result.stderr)


def _ns(params: Any) -> str:
    return str(params.get("namespace") or "default")


def _matching_pods(cluster: Cluster, params: Any) -> list[str]:
    try:
        selector = parse_label_selector(str(params["selector"]))
    except SelectorError as exc:
        raise LessonRunError(f"invalid selector {params['selector']!r}: {exc}") from None
    pods = [
        p
        for p in cluster.store.iter_kind("Pod", _ns(params))
        if not p["metadata"].get("deletionTimestamp") and matches(selector, p["metadata"].get("labels") or {})
    ]
    return sorted(p["metadata"]["name"] for p in pods)[: int(params.get("count") or 1)]


def do_action(cluster: Cluster, action: Action) -> str:
    """Perform one action; returns a kubectl-like line saying what happened."""
    p, ctx, name = action.params, cluster.ctx, action.action
    try:
        if name in ("fail_node", "restore_node", "cordon", "uncordon"):
            getattr(nodes, name)(ctx, str(p["node"]))
            done = {"fail_node": "failed", "restore_node": "restored", "cordon": "cordoned", "uncordon": "uncordoned"}
            return f"node/{p['node']} {done[name]}"
        if name == "add_node":
            extra = {k: str(p[k]) for k in ("cpu", "memory", "zone") if k in p}
            if "pods" in p:
                extra["pods"] = p["pods"]
            node = nodes.add_node(ctx, p.get("name"), **extra)
            return f"node/{node['metadata']['name']} joined"
        if name == "delete_pod":
            victims = _matching_pods(cluster, p)
            for pod in victims:
                cluster.api.delete("Pod", _ns(p), pod)
            return "\n".join(f'pod "{pod}" deleted' for pod in victims) or "no pods matched"
        if name == "crash_container":
            crashed = [
                pod
                for pod in _matching_pods(cluster, p)
                if kubelet.crash_container(ctx, _ns(p), pod, p.get("container"))
            ]
            return "\n".join(f"pod/{pod}: container exited with code 1" for pod in crashed) or "no container crashed"
        if name == "scale":
            cluster.api.set_scale(str(p["kind"]), _ns(p), str(p["name"]), int(p["replicas"]))
            return f"{str(p['kind']).lower()}/{p['name']} scaled"
        if name == "set_image":
            body = {"spec": {"template": {"spec": {"containers": [{"name": p["container"], "image": p["image"]}]}}}}
            cluster.api.patch("Deployment", _ns(p), str(p["deployment"]), body, STRATEGIC_MERGE_PATCH)
            return f"deployment.apps/{p['deployment']} image updated"
        if name == "send_traffic":
            results = proxy.send_requests(ctx, _ns(p), str(p["service"]), int(p.get("requests") or 10))
            answered = sum(1 for r in results if r.ok)
            return f"{answered} of {len(results)} requests to {p['service']} answered"
        if name == "set_load":
            proxy.set_load(ctx, _ns(p), str(p["service"]), float(p["rps"]))
            return f"load on {p['service']}: {p['rps']} requests/s"
        if name == "wait":
            cluster.step(float(p["seconds"]))
            return f"{p['seconds']}s passed"
    except StatusError as exc:
        raise LessonRunError(f"{action.mark}: action {name}: {exc.message}") from None
    except KeyError as exc:
        raise LessonRunError(f"{action.mark}: action {name}: missing {exc}") from None
    raise LessonRunError(f"{action.mark}: unknown action {name}")


def apply_changes(cluster: Cluster, changes: Changes | None, settle: bool = True) -> Outcome:
    """Manifests, then commands, then actions, then time.

    ``settle``: without an explicit ``run``, let the cluster run until idle (tests, a fresh
    sandbox). A live sandbox passes False so the student watches the change unfold.
    """
    outcome = Outcome()
    if changes is None:
        return outcome
    if changes.manifests is not None:
        for result in cluster.apply_text(changes.manifests.text, source=changes.manifests.file):
            if result.ok:
                outcome.add(result.kubectl_line())
            else:
                mark = changes.manifests.mark(result.line)
                outcome.add(f"{mark}: {result.kubectl_line()}", error=True)
    for line in changes.commands:
        code, out, err = run_command(cluster, line)
        outcome.lines.extend(s for s in out.splitlines() if s)
        if code != 0:
            outcome.add(f"{changes.mark}: {line}: {err.strip() or f'exit status {code}'}", error=True)
    cluster.engine.drain()
    for action in changes.actions:
        try:
            outcome.add(do_action(cluster, action))
        except LessonRunError as exc:
            outcome.add(str(exc), error=True)
        cluster.engine.drain()
    if changes.run is not None:
        cluster.step(min(changes.run, MAX_RUN))
    elif settle:
        cluster.run_until_idle(limit=MAX_RUN)
    return outcome


def new_cluster(lesson: Lesson, seed: int = 0) -> Cluster:
    """A fresh cluster in the lesson's start state, settled."""
    cluster = Cluster(seed=seed, nodes=lesson.start.nodes)
    outcome = apply_changes(cluster, lesson.start, settle=True)
    if not outcome.ok:
        raise LessonRunError("\n".join(outcome.errors))
    return cluster


def state_at(lesson: Lesson, index: int, seed: int = 0) -> Cluster:
    """The sandbox as step ``index`` begins: start, every earlier step solved, this step's setup."""
    cluster = new_cluster(lesson, seed)
    for step in lesson.steps[:index]:
        apply_changes(cluster, step.setup)
        apply_changes(cluster, step.solution)
    if 0 <= index < len(lesson.steps):
        apply_changes(cluster, lesson.steps[index].setup)
    return cluster


def goal(cluster: Cluster, step: Step, quiz_ok: bool = False) -> list[CheckResult]:
    return evaluate_all(cluster, step.goal, quiz_ok)


# -- lessons test ---------------------------------------------------------------------------


@dataclass(slots=True)
class StepReport:
    step: str
    ok: bool = True
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LessonReport:
    lesson: str
    steps: list[StepReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


def _fail(report: StepReport, line: str) -> None:
    report.ok = False
    report.lines.append(line)


def play_lesson(lesson: Lesson, seed: int = 0) -> LessonReport:
    """Solutions pass, wrong answers fail, on fresh clusters (the ``lessons test`` contract)."""
    report = LessonReport(lesson.id)
    try:
        cluster = new_cluster(lesson, seed)
    except LessonRunError as exc:
        report.steps.append(StepReport("start", False, [str(exc)]))
        return report
    for index, step in enumerate(lesson.steps):
        step_report = StepReport(step.id)
        report.steps.append(step_report)
        for error in apply_changes(cluster, step.setup).errors:
            _fail(step_report, f"setup: {error}")
        quiz_ok = True  # the reference solution answers the quiz correctly
        solution = step.solution
        for error in apply_changes(cluster, solution).errors:
            _fail(step_report, f"solution: {error}")
        for result in goal(cluster, step, quiz_ok):
            if not result.ok:
                _fail(step_report, f"solution does not pass: {result.label.en} ({result.detail.en})")
        for number, wrong in enumerate(step.wrong_answers, 1):
            scratch = state_at(lesson, index, seed)
            errors = apply_changes(scratch, wrong).errors
            results = goal(scratch, step, quiz_ok=False)
            if all(r.ok for r in results):
                _fail(step_report, f"wrong answer {number} ({wrong.mark}) passes every check")
            for error in errors:
                step_report.lines.append(f"wrong answer {number}: {error}")
        if step_report.ok:
            step_report.lines.insert(
                0, f"ok ({len(step.goal)} checks, {len(step.wrong_answers)} wrong answers rejected)"
            )
    return report
