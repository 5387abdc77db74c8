"""The container lifecycle: what the kubelet does to each container between bind and exit.

Mirrors ``kuberuntime_manager.SyncPod`` and the prober as seen through the API, one step
at a time: mount the volumes, pull (``Pulling``/``Pulled``/``Failed``, ImagePullBackOff),
create (``Created``, or CreateContainerConfigError), start (``Started``), probe
(``Unhealthy``, ``Killing``), exit, and restart per ``restartPolicy`` after the
CrashLoopBackOff delay (``BackOff``). Each step moves a ``ContainerRecord`` along the
table in ``stages`` and records the Events upstream records, with their wording.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..apiserver.events import NORMAL, WARNING
from ..apiserver.quantity import value as quantity_value
from ..objects import Key, Obj, name_of, namespace_of
from . import logs as logbook
from .config import ConfigError, check_volumes, expand, resolve_env, volume_files
from .images import build_program, pull_error
from .probes import ProbeSettings, run_probe
from .program import START_ERROR
from .runtime import ContainerRecord, PodRecord, Run, state_of
from .stages import (
    BACKOFF_RESET_FACTOR,
    CONFIG_ERROR,
    CRASH_LOOP,
    CREATING,
    DONE,
    ERR_IMAGE_NEVER_PULL,
    ERR_IMAGE_PULL,
    IMAGE_PULL_BACKOFF,
    PULLING,
    RUNNING,
    STOPPING,
    TERMINATED,
    WAITING,
    go_duration,
    next_backoff,
)

COMPONENT = "kubelet"
EPS = 1e-6


def event(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord | None, kind: str, reason: str, message: str) -> None:
    field_path = ""
    if c is not None:
        field_path = f"spec.{'initContainers' if c.init else 'containers'}{{{c.name}}}"
    ctx.events.record(pod, kind, reason, message, COMPONENT, rec.node, field_path)


def block(ctx: Any, waits_for: Key, key: Key) -> None:
    state_of(ctx).blocked.setdefault(waits_for, set()).add(key)


# -- the lifecycle ---------------------------------------------------------------------------


def advance(ctx: Any, pod: Obj, rec: PodRecord, now: float) -> None:
    if not rec.mounted:
        error = check_volumes(ctx.store, pod)
        if error is not None:
            if error.message != rec.mount_error:
                rec.mount_error = error.message
                ctx.events.record(pod, WARNING, "FailedMount", error.message, COMPONENT, rec.node)
            block(ctx, error.waits_for, rec.key)
            return
        rec.mounted, rec.mount_error = True, ""
        _start_next(ctx, pod, rec, now)
    containers = rec.containers()
    for c in containers:
        if c.stage == CONFIG_ERROR:
            _create(ctx, pod, rec, c, now, retry=True)
    horizon = now + EPS
    for _ in range(100_000):
        best: ContainerRecord | None = None
        best_due = 0.0
        for c in containers:
            due = c.due()
            if due is not None and due <= horizon and (best is None or due < best_due):
                best, best_due = c, due
        if best is None:
            return
        _fire(ctx, pod, rec, best, best_due)


def _fire(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    rec.changed = True
    if c.until is not None and c.until <= t + EPS:
        c.until = None
        _stage_done(ctx, pod, rec, c, t)
    elif c.ready_at is not None and c.ready_at <= t + EPS:
        c.ready_at, c.ready = None, True
    elif c.next_ready_probe is not None and c.next_ready_probe <= t + EPS:
        _readiness(ctx, pod, rec, c, t)
    elif c.next_live_probe is not None and c.next_live_probe <= t + EPS:
        _liveness(ctx, pod, rec, c, t)


def _stage_done(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    timings = ctx.timings
    if c.stage == PULLING:
        _pulled(ctx, pod, rec, c, t)
    elif c.stage == ERR_IMAGE_PULL:
        c.stage = IMAGE_PULL_BACKOFF
        c.until = max(t, c.stage_since + c.pull_backoff)
        c.message = f'Back-off pulling image "{c.image.text}": ErrImagePull: {c.pull_error}'
        event(ctx, pod, rec, c, NORMAL, "BackOff", f'Back-off pulling image "{c.image.text}"')
        event(ctx, pod, rec, c, WARNING, "Failed", "Error: ImagePullBackOff")
    elif c.stage == IMAGE_PULL_BACKOFF:
        _pull(ctx, pod, rec, c, t)
    elif c.stage == CREATING:
        start(ctx, pod, rec, c, t)
    elif c.stage == RUNNING:
        program = c.run.program if c.run else None
        if program is not None:
            exit(ctx, pod, rec, c, t, program.exit_code, program.reason, program.exit_message)
    elif c.stage == STOPPING:
        code = c.run.program.stopped_code if c.run else 137
        exit(ctx, pod, rec, c, t, code, "Completed" if code == 0 else "Error")
    elif c.stage == TERMINATED:
        finished = ctx.clock.parse(c.last_term["finishedAt"]) if c.last_term else t
        reset_after = BACKOFF_RESET_FACTOR * timings.crashloop_max
        if c.backoff > 0 and finished - c.backoff_at > reset_after:
            c.backoff = 0.0
        if c.backoff <= 0:
            c.backoff, c.backoff_at = timings.crashloop_initial, t
            _pull(ctx, pod, rec, c, t)
            return
        c.stage, c.stage_since = CRASH_LOOP, t
        c.until = max(t, finished + c.backoff)
        pod_ref = f"{name_of(pod)}_{namespace_of(pod)}({rec.uid})"
        c.message = f"back-off {go_duration(c.backoff)} restarting failed container={c.name} pod={pod_ref}"
        event(ctx, pod, rec, c, WARNING, "BackOff", f"Back-off restarting failed container {c.name} in pod {pod_ref}")
    elif c.stage == CRASH_LOOP:
        c.backoff, c.backoff_at = next_backoff(c.backoff, timings.crashloop_initial, timings.crashloop_max), t
        _pull(ctx, pod, rec, c, t)


def _start_next(ctx: Any, pod: Obj, rec: PodRecord, t: float) -> None:
    """Start the next init container, or every app container once the init containers are done."""
    for c in rec.init:
        if c.stage == DONE and c.exit_code == 0:
            continue
        if c.stage == WAITING:
            _pull(ctx, pod, rec, c, t)
        return
    rec.initialized = True
    for c in rec.app:
        if c.stage == WAITING:
            _pull(ctx, pod, rec, c, t)


def _pull(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    timings, ref = ctx.timings, c.image
    images = state_of(ctx).images.setdefault(rec.node, {})
    policy = c.spec.get("imagePullPolicy") or ("Always" if ref.always_pull else "IfNotPresent")
    on_node = images.get(ref.full)
    present = on_node is not None and on_node <= t + EPS
    c.stage, c.stage_since, c.pull_started, c.message, c.pull_error = PULLING, t, t, "", ""
    if policy == "Never" and not present:
        c.stage, c.until = ERR_IMAGE_NEVER_PULL, None
        c.message = f'Container image "{ref.text}" is not present with pull policy of Never'
        event(ctx, pod, rec, c, WARNING, "ErrImageNeverPull", c.message)
        return
    c.pull_present = present and policy != "Always"
    if c.pull_present:
        c.until = t + timings.image_present
        return
    event(ctx, pod, rec, c, NORMAL, "Pulling", f'Pulling image "{ref.text}"')
    if ref.spec is None:
        c.until, c.pull_error = t + timings.image_pull_fail, pull_error(ref)
    elif on_node is not None and on_node > t:
        c.until = on_node  # another pod on this node is already pulling it
    else:
        c.until = t + (timings.image_present if present else timings.image_pull)
        images[ref.full] = c.until if not present else on_node  # type: ignore[assignment]


def _pulled(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    ref, timings = c.image, ctx.timings
    if c.pull_error:
        event(ctx, pod, rec, c, WARNING, "Failed", f'Failed to pull image "{ref.text}": {c.pull_error}')
        event(ctx, pod, rec, c, WARNING, "Failed", "Error: ErrImagePull")
        c.pull_backoff = next_backoff(c.pull_backoff, timings.image_pull_backoff_initial, timings.crashloop_max)
        c.stage, c.stage_since, c.message = ERR_IMAGE_PULL, t, c.pull_error
        c.until = t + timings.pod_sync
        return
    if c.pull_present:
        message = f'Container image "{ref.text}" already present on machine'
    else:
        took = go_duration(t - c.pull_started)
        size = ref.spec.size if ref.spec else 0
        message = (
            f'Successfully pulled image "{ref.text}" in {took} ({took} including waiting). Image size: {size} bytes.'
        )
    event(ctx, pod, rec, c, NORMAL, "Pulled", message)
    c.pull_backoff = 0.0
    _create(ctx, pod, rec, c, t)


def _create(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float, retry: bool = False) -> None:
    node = ctx.store.peek("Node", "", rec.node) or {}
    env, error = resolve_env(ctx.store, pod, c.spec, (node.get("status") or {}).get("allocatable"))
    if error is not None:
        _config_error(ctx, pod, rec, c, error, retry)
        return
    if retry:
        event(ctx, pod, rec, c, NORMAL, "Pulled", f'Container image "{c.image.text}" already present on machine')
        rec.changed = True
    c.env = env
    c.stage, c.stage_since, c.message = CREATING, t, ""
    c.until = t + ctx.timings.container_start
    event(ctx, pod, rec, c, NORMAL, "Created", f"Created container: {c.name}")


def _config_error(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, error: ConfigError, retry: bool) -> None:
    block(ctx, error.waits_for, rec.key)
    if retry and c.message == error.message:
        return
    c.stage, c.until, c.message = CONFIG_ERROR, None, error.message
    rec.changed = True
    event(ctx, pod, rec, c, WARNING, "Failed", f"Error: {error.message}")


def _memory_limit(c: ContainerRecord) -> int | None:
    limit = ((c.spec.get("resources") or {}).get("limits") or {}).get("memory")
    try:
        return quantity_value(limit) if limit is not None else None
    except (ValueError, ArithmeticError):
        return None


def start(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float, adopted: str = "") -> None:
    """Created -> Running; ``adopted`` is the id of a container found running after a restore."""
    timings = ctx.timings
    c.runs += 1
    c.stage, c.stage_since, c.started_at = RUNNING, t, t
    c.container_id = adopted or "".join(ctx.rng.getrandbits_hex() for _ in range(4))
    command = [expand(str(x), c.env) for x in c.spec.get("command") or []]
    args = [expand(str(x), c.env) for x in c.spec.get("args") or []]
    start = ctx.clock.epoch + timedelta(seconds=t)
    program = build_program(
        c.image,
        command,
        args,
        c.env,
        start,
        name_of(pod),
        timings.crash_after,
        _memory_limit(c),
        lambda: logbook.env_lines(ctx, pod, c.env),
    )
    program.files.update(volume_files(ctx.store, pod, c.spec))
    c.add_run(Run(t, program, c.env))
    c.ready = False
    c.ready_at = c.next_ready_probe = c.next_live_probe = None
    c.ready_failures = c.ready_successes = c.live_failures = 0
    if program.exit_reason == START_ERROR:
        event(ctx, pod, rec, c, WARNING, "Failed", f"Error: {program.exit_message}")
        c.until = t
        return
    if not adopted:
        event(ctx, pod, rec, c, NORMAL, "Started", f"Started container {c.name}")
    c.until = None if program.exit_at is None else t + program.exit_at
    if c.init:
        return
    readiness, liveness = c.spec.get("readinessProbe"), c.spec.get("livenessProbe")
    if readiness:
        delay = ProbeSettings.of(readiness).initial_delay
        c.next_ready_probe = t + (delay if delay > 0 else timings.readiness_delay)
    else:
        c.ready_at = t + timings.readiness_delay
    if liveness:
        settings = ProbeSettings.of(liveness)
        c.next_live_probe = t + (settings.initial_delay if settings.initial_delay > 0 else settings.period)


def exit(
    ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float, code: int, reason: str, message: str = ""
) -> None:
    stamp = ctx.clock.timestamp
    term: dict[str, Any] = {
        "containerID": f"containerd://{c.container_id}",
        "exitCode": code,
        "finishedAt": stamp(t),
        "reason": reason,
        "startedAt": stamp(c.started_at if c.started_at is not None else t),
    }
    if message:
        term["message"] = message
    c.prev_term, c.last_term = c.last_term, term
    c.exit_code = code
    c.ready = False
    c.ready_at = c.next_ready_probe = c.next_live_probe = None
    if c.run is not None:
        c.run.finished_at = t
    if c.init:
        restart = code != 0 and rec.restart_policy != "Never"
    else:
        restart = rec.restart_policy == "Always" or (rec.restart_policy == "OnFailure" and code != 0)
    if restart:
        c.stage, c.stage_since, c.until = TERMINATED, t, t + ctx.timings.pod_sync
        return
    c.stage, c.until = DONE, None
    if c.init and code == 0:
        _start_next(ctx, pod, rec, t)


# -- probes ----------------------------------------------------------------------------------


def _probe(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, probe: dict[str, Any], t: float) -> tuple[bool, str]:
    program = c.run.program if c.run else None
    if program is None:
        return False, ""
    offset = t - (c.started_at or t)
    shell = c.image.spec.shell if c.image.spec else ""
    return run_probe(probe, c.spec, program, offset, rec.ip, {}, shell)


def _next_probe(
    c: ContainerRecord, settings: ProbeSettings, t: float, probe: dict[str, Any], keep: bool
) -> float | None:
    """The next probe time: the next period while the answer may still matter, else when files change."""
    if keep:
        return t + settings.period
    if "exec" not in probe or c.run is None or c.started_at is None:
        return None
    change = c.run.program.next_file_change(t - c.started_at)
    if change is None:
        return None
    at = c.started_at + change
    periods = max(1, -int(-(at - t) // settings.period))
    return t + periods * settings.period


def _readiness(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    probe = c.spec.get("readinessProbe") or {}
    settings = ProbeSettings.of(probe)
    ok, message = _probe(ctx, pod, rec, c, probe, t)
    if ok:
        c.ready_failures = 0
        c.ready_successes += 1
        if c.ready_successes >= settings.success_threshold:
            c.ready = True
        keep = not c.ready
    else:
        c.ready_successes = 0
        c.ready_failures += 1
        event(ctx, pod, rec, c, WARNING, "Unhealthy", f"Readiness probe failed: {message}")
        if c.ready_failures >= settings.failure_threshold:
            c.ready = False
        keep = c.ready_failures < settings.failure_threshold
    c.next_ready_probe = _next_probe(c, settings, t, probe, keep)


def _liveness(ctx: Any, pod: Obj, rec: PodRecord, c: ContainerRecord, t: float) -> None:
    probe = c.spec.get("livenessProbe") or {}
    settings = ProbeSettings.of(probe)
    ok, message = _probe(ctx, pod, rec, c, probe, t)
    if ok:
        c.live_failures = 0
        c.next_live_probe = _next_probe(c, settings, t, probe, False)
        return
    c.live_failures += 1
    event(ctx, pod, rec, c, WARNING, "Unhealthy", f"Liveness probe failed: {message}")
    if c.live_failures < settings.failure_threshold:
        c.next_live_probe = t + settings.period
        return
    event(ctx, pod, rec, c, NORMAL, "Killing", f"Container {c.name} failed liveness probe, will be restarted")
    stop(ctx, pod, c, t)


def grace(pod: Obj) -> float:
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    grace = meta.get("deletionGracePeriodSeconds")
    if grace is None:
        grace = spec.get("terminationGracePeriodSeconds", 30)
    return float(grace)


def stop(ctx: Any, pod: Obj, c: ContainerRecord, t: float) -> None:
    c.stage, c.stage_since = STOPPING, t
    c.until = t + min(ctx.timings.termination, grace(pod))
    c.ready_at = c.next_ready_probe = c.next_live_probe = None
