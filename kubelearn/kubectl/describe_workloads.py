"""``kubectl describe`` for workloads: Deployment, ReplicaSet, Job, HorizontalPodAutoscaler.

Mirrors ``describeDeployment`` (replica counts, strategy, pod template, conditions, old and
new ReplicaSets), ``describeReplicaSet`` (pod phase counts of the pods it controls),
``describeJob`` and ``describeHorizontalPodAutoscalerV2`` from ``pkg/describe/describe.go``.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.controllers import deployment_util as du
from kubelearn.cluster.objects import Obj, controller_ref, uid_of
from kubelearn.cluster.printers import human_duration

from .describe_pods import pod_template
from .describe_text import (
    Writer,
    annotations_multiline,
    controller_of,
    describe_events,
    events_for,
    format_selector,
    labels_multiline,
    rfc1123z,
)


def _header(w: Writer, obj: Obj, creation: bool = False) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if creation:
        w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")


def describe_deployment(inv: Any, d: Obj) -> str:
    w = Writer(inv.cluster.clock)
    spec, status = d.get("spec", {}), d.get("status", {})
    _header(w, d, creation=True)
    labels_multiline(w, "Labels", d["metadata"].get("labels"))
    annotations_multiline(w, "Annotations", d["metadata"].get("annotations"))
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
               f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")  # fmt: skip
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(0, f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', '25%')} max unavailable, "
                   f"{rolling.get('maxSurge', '25%')} max surge\n")  # fmt: skip
    pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions") or [])
    owned = [
        rs
        for rs in inv.cluster.store.iter_kind("ReplicaSet", d["metadata"].get("namespace"))
        if (controller_ref(rs) or {}).get("uid") == uid_of(d)
    ]
    new = [rs for rs in owned if du.equal_ignore_hash(rs["spec"].get("template") or {}, spec.get("template") or {})]
    old = [rs for rs in owned if rs not in new][:]
    if owned:
        w.write(0, f"OldReplicaSets:\t{_rs_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_list(new[:1])}\n")
    describe_events(w, events_for(inv, d))
    return w.text()


def _rs_list(items: list[Obj]) -> str:
    text = ", ".join(
        f"{rs['metadata']['name']} ({rs.get('status', {}).get('replicas', 0)}/{rs['spec'].get('replicas', 1)} "
        "replicas created)"
        for rs in items
    )
    return text or "<none>"


def _conditions(w: Writer, conditions: list[Obj]) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")


def _pod_counts(inv: Any, owner: Obj) -> str:
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in inv.cluster.store.iter_kind("Pod", owner["metadata"].get("namespace")):
        if (controller_ref(pod) or {}).get("uid") != uid_of(owner):
            continue
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / "
            f"{counts['Failed']} Failed")  # fmt: skip


def describe_replicaset(inv: Any, rs: Obj) -> str:
    w = Writer(inv.cluster.clock)
    spec, status = rs.get("spec", {}), rs.get("status", {})
    _header(w, rs)
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", rs["metadata"].get("labels"))
    annotations_multiline(w, "Annotations", rs["metadata"].get("annotations"))
    if controller_of(rs):
        w.write(0, f"Controlled By:\t{controller_of(rs)}\n")
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    w.write(0, "Pods Status:\t")
    w.write(0, _pod_counts(inv, rs) + "\n")
    pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions") or [])
    describe_events(w, events_for(inv, rs))
    return w.text()


def describe_job(inv: Any, job: Obj) -> str:
    w = Writer(inv.cluster.clock)
    spec, status = job.get("spec", {}), job.get("status", {})
    _header(w, job)
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", job["metadata"].get("labels"))
    annotations_multiline(w, "Annotations", job["metadata"].get("annotations"))
    if controller_of(job):
        w.write(0, f"Controlled By:\t{controller_of(job)}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    w.write(
        0,
        f"Completions:\t{spec['completions']}\n" if spec.get("completions") is not None else "Completions:\t<unset>\n",
    )
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{str(spec['suspend']).lower()}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    start, end = status.get("startTime"), status.get("completionTime")
    if start:
        w.write(0, f"Start Time:\t{rfc1123z(start)}\n")
    if end:
        w.write(0, f"Completed At:\t{rfc1123z(end)}\n")
    if start and end:
        clock = inv.cluster.clock
        w.write(0, f"Duration:\t{human_duration(clock.parse(end) - clock.parse(start))}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, ok, failed = status.get("active", 0), status.get("succeeded", 0), status.get("failed", 0)
    if status.get("ready") is None:
        w.write(0, f"Pods Statuses:\t{active} Active / {ok} Succeeded / {failed} Failed\n")
    else:
        w.write(0, f"Pods Statuses:\t{active} Active ({status['ready']} Ready) / {ok} Succeeded / {failed} Failed\n")
    pod_template(w, spec.get("template") or {})
    describe_events(w, events_for(inv, job))
    return w.text()


def describe_hpa(inv: Any, hpa: Obj) -> str:
    w = Writer(inv.cluster.clock)
    spec, status = hpa.get("spec", {}), hpa.get("status", {})
    w.write(0, f"Name:\t{hpa['metadata']['name']}\n")
    w.write(0, f"Namespace:\t{hpa['metadata'].get('namespace', '')}\n")
    labels_multiline(w, "Labels", hpa["metadata"].get("labels"))
    annotations_multiline(w, "Annotations", hpa["metadata"].get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(hpa['metadata'].get('creationTimestamp'))}\n")
    ref = spec.get("scaleTargetRef") or {}
    w.write(0, f"Reference:\t{ref.get('kind')}/{ref.get('name')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    current_metrics = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        if metric.get("type") != "Resource":
            w.write(1, f'<unknown metric type "{metric.get("type")}">\n')
            continue
        resource = metric.get("resource") or {}
        target = resource.get("target") or {}
        current = (current_metrics[i].get("resource") or {}).get("current") or {} if i < len(current_metrics) else {}
        w.write(1, f"resource {resource.get('name')} on pods")
        if target.get("averageValue") is not None:
            w.write(0, f":\t{current.get('averageValue', '<unknown>')} / {target['averageValue']}\n")
        else:
            now = "<unknown>"
            if current.get("averageUtilization") is not None:
                now = f"{current['averageUtilization']}% ({current.get('averageValue', '0')})"
            goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
            w.write(1, f"(as a percentage of request):\t{now} / {goal}\n")
    w.write(0, f"Min replicas:\t{spec.get('minReplicas', '<unset>')}\n")
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    w.write(0, f"{ref.get('kind')} pods:\t")
    w.write(0, f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')}\t{c.get('status')}\t{c.get('reason', '')}\t{c.get('message', '')}\n")
    describe_events(w, events_for(inv, hpa))
    return w.text()
