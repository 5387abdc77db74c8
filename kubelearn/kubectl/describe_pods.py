"""``kubectl describe pod`` and the pod-template block that workload describers share.

Mirrors ``describePod``, ``describeContainers`` (state, probes, resources, environment,
mounts), ``describeVolumes``, ``DescribePodTemplate`` and the tolerations printer of
``pkg/describe/describe.go``. Volume sources other than the common ones print their type only.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.objects import Obj

from .describe_text import (
    Writer,
    annotations_multiline,
    controller_of,
    describe_events,
    events_for,
    labels_multiline,
    print_bool,
    rfc1123z,
)

_VOLUME_TYPES = {
    "emptyDir": ("EmptyDir (a temporary directory that shares a pod's lifetime)", (("Medium", "medium", ""),)),
    "configMap": ("ConfigMap (a volume populated by a ConfigMap)", (("Name", "name", ""),)),
    "secret": ("Secret (a volume populated by a Secret)", (("SecretName", "secretName", ""),)),
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        (("ClaimName", "claimName", ""), ("ReadOnly", "readOnly", False)),
    ),
    "hostPath": ("HostPath (bare host directory volume)", (("Path", "path", ""), ("HostPathType", "type", "<none>"))),
}


def describe_pod(inv: Any, pod: Obj) -> str:
    w = Writer(inv.cluster.clock)
    meta, spec, status = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.write(0, f"Node:\t{node}/{status.get('hostIP', '')}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {w.since(meta['deletionTimestamp'])})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    if controller_of(pod):
        w.write(0, f"Controlled By:\t{controller_of(pod)}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), "")
    containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses") or [], "")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type')} \t{cond.get('status')} \n")
    volumes(w, spec.get("volumes") or [], "")
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(spec)}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations(w, "Tolerations", spec.get("tolerations") or [])
    describe_events(w, events_for(inv, pod, with_kind=False))
    return w.text()


def qos_class(spec: Obj) -> str:
    requests_seen, guaranteed = False, True
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        requests_seen = requests_seen or bool(req) or bool(lim)
        for name in ("cpu", "memory"):
            if name not in lim or (name in req and req[name] != lim[name]):
                guaranteed = False
    if not requests_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def containers(w: Writer, label: str, items: list[Obj], statuses: list[Obj] | None, space: str) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if items else ' <none>'}\n")
    for c in items:
        status = by_name.get(c.get("name"))
        w.write(1, f"{' ' if space else ''}{c.get('name')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = [f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" for p in c.get("ports") or []]
        hosts = [f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in c.get("ports") or []]
        w.write(2, f"Ports:\t{', '.join(ports)}\n" if len(ports) > 1 else f"Port:\t{''.join(ports) or '<none>'}\n")
        w.write(
            2, f"Host Ports:\t{', '.join(hosts)}\n" if len(hosts) > 1 else f"Host Port:\t{''.join(hosts) or '<none>'}\n"
        )
        for title, key in (("Command", "command"), ("Args", "args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for item in c[key]:
                    for part in str(item).split("\n"):
                        w.write(3, f"{part}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated"):
                _state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{print_bool(status.get('ready'))}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        resources = c.get("resources") or {}
        for title, key in (("Limits", "limits"), ("Requests", "requests")):
            if resources.get(key):
                w.write(2, f"{title}:\n")
                for name in sorted(resources[key]):
                    w.write(3, f"{name}:\t{resources[key][name]}\n")
        for title, key in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")):
            if c.get(key):
                w.write(2, f"{title}:\t{probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for source in c["envFrom"]:
                ref, kind = (source["configMapRef"], "ConfigMap") if "configMapRef" in source else (
                    source.get("secretRef") or {}, "Secret")  # fmt: skip
                prefix = f" with prefix '{source['prefix']}'" if source.get("prefix") else ""
                w.write(
                    3, f"{ref.get('name', '')}\t{kind}{prefix}\tOptional: {str(bool(ref.get('optional'))).lower()}\n"
                )
        _env(w, c.get("env") or [])
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, "Mounts:\n" if mounts else "Mounts:\t<none>\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"] + ([f'path="{m["subPath"]}"'] if m.get("subPath") else [])
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


def _env(w: Writer, env: list[Obj]) -> None:
    w.write(2, "Environment:\n" if env else "Environment:\t<none>\n")
    for e in env:
        source = e.get("valueFrom")
        if source is None:
            for i, part in enumerate(str(e.get("value", "")).split("\n")):
                w.write(3, f"{e.get('name')}:\t{part}\n" if i == 0 else f"\t{part}\n")
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            w.write(3, f"{e.get('name')}:\t<set to the key '{ref.get('key')}' in secret '{ref.get('name')}'>\t"
                       f"Optional: {str(bool(ref.get('optional'))).lower()}\n")  # fmt: skip
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            w.write(3, f"{e.get('name')}:\t<set to the key '{ref.get('key')}' of config map '{ref.get('name')}'>\t"
                       f"Optional: {str(bool(ref.get('optional'))).lower()}\n")  # fmt: skip
        elif "fieldRef" in source:
            ref = source["fieldRef"]
            w.write(3, f"{e.get('name')}:\t ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath')})\n")
        elif "resourceFieldRef" in source:
            w.write(3, f"{e.get('name')}:\t ({source['resourceFieldRef'].get('resource')})\n")


def _state(w: Writer, title: str, state: Obj) -> None:
    if "running" in state:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif "waiting" in state:
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif "terminated" in state:
        t = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if t.get("signal"):
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def probe(p: Obj) -> str:
    attrs = (
        f"delay={p.get('initialDelaySeconds', 0)}s timeout={p.get('timeoutSeconds', 1)}s "
        f"period={p.get('periodSeconds', 10)}s #success={p.get('successThreshold', 1)} "
        f"#failure={p.get('failureThreshold', 3)}"
    )
    if "exec" in p:
        return f"exec [{' '.join(p['exec'].get('command') or [])}] {attrs}"
    if "httpGet" in p:
        h = p["httpGet"]
        return f"http-get {str(h.get('scheme', 'HTTP')).lower()}://{h.get('host', '')}:{h.get('port', '')}{h.get('path', '')} {attrs}"
    if "tcpSocket" in p:
        return f"tcp-socket {p['tcpSocket'].get('host', '')}:{p['tcpSocket'].get('port', '')} {attrs}"
    if "grpc" in p:
        return f"grpc <pod>:{p['grpc'].get('port')} {p['grpc'].get('service', '')} {attrs}"
    return f"unknown {attrs}"


def volumes(w: Writer, items: list[Obj], space: str) -> None:
    if not items:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for volume in items:
        w.write(1, f"{' ' if space else ''}{volume.get('name')}:\n")
        source = next((k for k in _VOLUME_TYPES if k in volume), None)
        if source is None:
            w.write(1, "<unknown>\n")
            continue
        title, fields = _VOLUME_TYPES[source]
        w.write(2, f"Type:\t{title}\n")
        for label, key, default in fields:
            value = volume[source].get(key, default)
            w.write(0, f"    {label}:\t{str(value).lower() if isinstance(value, bool) else value}\n")
        if source == "emptyDir":
            w.write(0, f"    SizeLimit:\t{volume[source].get('sizeLimit') or '<unset>'}\n")
        if source in ("configMap", "secret"):
            w.write(0, f"    Optional:\t{str(bool(volume[source].get('optional'))).lower()}\n")


def tolerations(w: Writer, title: str, items: list[Obj]) -> None:
    w.write(0, f"{title}:\t")
    if not items:
        w.line("<none>")
        return
    for i, t in enumerate(sorted(items, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def pod_template(w: Writer, template: Obj) -> None:
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    w.write(0, "Pod Template:\n")
    labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        containers(w, "Init Containers", spec["initContainers"], None, "  ")
    containers(w, "Containers", spec.get("containers") or [], None, "  ")
    volumes(w, spec.get("volumes") or [], "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations(w, "  Tolerations", spec.get("tolerations") or [])
