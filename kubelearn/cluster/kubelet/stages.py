"""The container lifecycle as a data table, kwok-style: which stage follows which, and when.

Mirrors what the kubelet's sync loop (``pkg/kubelet/kuberuntime``) does to each container as
seen through ``status.containerStatuses``: pull the image, create, start, run, exit, and be
restarted after a CrashLoopBackOff delay. kwok describes a fake node's pods the same way
(stages with a selector, a delay and the next state). Each row says what ``kubectl`` shows
while the container sits in the stage (the waiting reason), which field of
``ctx.timings`` sets how long the stage lasts, and the stage that normally follows.
Branches (an unknown image, a missing ConfigMap, the exit code against the restart policy)
are decided in ``kubelet.py``; the table holds the straight line. Lesson: "Pods" and
"Self-healing".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

WAITING = "Waiting"  # an init container (or app container) waiting for the ones before it
PULLING = "Pulling"
ERR_IMAGE_PULL = "ErrImagePull"
IMAGE_PULL_BACKOFF = "ImagePullBackOff"
ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
CONFIG_ERROR = "CreateContainerConfigError"
CREATING = "Creating"
RUNNING = "Running"
STOPPING = "Stopping"
TERMINATED = "Terminated"
CRASH_LOOP = "CrashLoopBackOff"
DONE = "Done"


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    # ``state.waiting.reason`` while in this stage; None when the state is running/terminated.
    waiting_reason: str | None
    # The ``ctx.timings`` field that sets the stage's length; None when a backoff, the
    # container's own program, or an outside change (a ConfigMap appearing) ends it.
    timing: str | None
    # The stage that follows when the time is up; None when the kubelet decides.
    next: str | None
    doc: str


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage(WAITING, "PodInitializing", None, PULLING, "waits for the init containers before it"),
        Stage(
            PULLING,
            "ContainerCreating",
            "image_pull",
            CREATING,
            "image_present when on the node; image_pull_fail for an unknown image",
        ),
        Stage(
            ERR_IMAGE_PULL,
            "ErrImagePull",
            "pod_sync",
            IMAGE_PULL_BACKOFF,
            "the pull failed; the next pod sync backs off",
        ),
        Stage(
            IMAGE_PULL_BACKOFF,
            "ImagePullBackOff",
            None,
            PULLING,
            "retries after image_pull_backoff_initial, doubling to crashloop_max",
        ),
        Stage(
            ERR_IMAGE_NEVER_PULL,
            "ErrImageNeverPull",
            None,
            None,
            "imagePullPolicy Never and the image is not on the node",
        ),
        Stage(
            CONFIG_ERROR,
            "CreateContainerConfigError",
            None,
            CREATING,
            "a ConfigMap/Secret (or key) the env needs is missing; resumes when it appears",
        ),
        Stage(
            CREATING,
            "ContainerCreating",
            "container_start",
            RUNNING,
            "Created: the container exists and is being started",
        ),
        Stage(
            RUNNING,
            None,
            None,
            TERMINATED,
            "runs until its program exits, it is OOM-killed, or a liveness probe kills it",
        ),
        Stage(STOPPING, None, "termination", TERMINATED, "SIGTERM sent; stops after min(termination, grace period)"),
        Stage(
            TERMINATED, None, "pod_sync", None, "exited; the restart policy decides: restart, CrashLoopBackOff or done"
        ),
        Stage(
            CRASH_LOOP,
            "CrashLoopBackOff",
            None,
            PULLING,
            "back-off crashloop_initial doubling to crashloop_max before the restart",
        ),
        Stage(
            DONE, None, None, None, "finished for good (Never/OnFailure policy, or an init container that succeeded)"
        ),
    )
}

# Stages in which the container process exists and runs.
ALIVE = frozenset({RUNNING, STOPPING})

# Upstream resets a container's back-off after it ran this many multiples of the maximum delay.
BACKOFF_RESET_FACTOR = 2.0


def stage_delay(timings: object, stage: str, default: float = 0.0) -> float:
    """How long ``stage`` lasts according to the timings table (``default`` if it has no timing)."""
    field = STAGES[stage].timing
    return float(getattr(timings, field, default)) if field else default


def next_backoff(previous: float, initial: float, maximum: float) -> float:
    """``flowcontrol.Backoff.Next``: the first back-off is ``initial``, then it doubles up to ``maximum``."""
    if previous <= 0:
        return initial
    return min(previous * 2, maximum)


@lru_cache(maxsize=512)
def go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String()``: 10s, 1m20s, 5m0s, 500ms, 1.5s."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        ms = round(seconds * 1000, 3)
        return f"{ms:g}ms"
    total = round(seconds, 9)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    sec_text = f"{round(secs, 9):.9f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{int(hours)}h{int(minutes)}m{sec_text}"
    if minutes:
        return f"{int(minutes)}m{sec_text}"
    return sec_text
