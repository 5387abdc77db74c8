"""Container logs and resource usage: ``kubectl logs`` and what metrics-server would report.

Mirrors ``GET /api/v1/namespaces/{ns}/pods/{name}/log`` (``container``, ``tailLines``,
``previous``) with the API server's error wording, over the lines each container run
printed: its program's output (nginx's start-up banner, busybox's ``echo``, postgres's
complaint) plus access-log lines for requests the proxy sends (``record_request``). Usage
is baseline CPU/memory per image plus a cost per request/second (``set_load``); it lives in
``ctx.extras["metrics"][pod_uid] = {"cpu_m", "memory_bytes", "containers": {name: {...}}}``,
where the HPA and ``kubectl top`` read it. Both live in ``ctx.extras`` (not in snapshots).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..apiserver.quantity import milli_value
from ..errors import StatusError, new_bad_request, new_not_found
from ..objects import Key, Obj
from .runtime import ContainerRecord, PodRecord, state_of
from .stages import ALIVE

METRICS_KEY = "metrics"
LOAD_KEY = "kubelet.load"
DEFAULT_CLIENT = "10.244.0.1"


def _pod_key(pod_key: Any) -> Key:
    if isinstance(pod_key, str):
        namespace, _, name = pod_key.rpartition("/")
        return ("Pod", namespace or "default", name)
    if len(pod_key) == 3:
        return tuple(pod_key)  # type: ignore[return-value]
    return ("Pod", pod_key[0], pod_key[1])


def _record(ctx: Any, key: Key) -> PodRecord | None:
    rec = state_of(ctx).pods.get(key)
    pod = ctx.store.peek(*key)
    if rec is None or pod is None or pod["metadata"].get("uid") != rec.uid:
        return None
    return rec


# -- logs ------------------------------------------------------------------------------------


def logs(
    ctx: Any, namespace: str, pod: str, container: str | None = None, tail: int | None = None, previous: bool = False
) -> list[str]:
    """The lines ``kubectl logs`` prints (raises StatusError with the API server's message)."""
    obj = ctx.store.peek("Pod", namespace, pod)
    if obj is None:
        raise new_not_found("", "pods", pod)
    rec = _record(ctx, ("Pod", namespace, pod))
    c = _choose(obj, rec, pod, container)
    if c is None or not c.history:
        reason = _waiting_reason(obj, container)
        if previous:
            raise new_bad_request(
                f'previous terminated container "{container or _first(obj)}" in pod "{pod}" not found'
            )
        raise new_bad_request(f'container "{container or _first(obj)}" in pod "{pod}" is waiting to start: {reason}')
    runs = list(c.history)
    if previous:
        if len(runs) < 2:
            raise new_bad_request(f'previous terminated container "{c.name}" in pod "{pod}" not found')
        run = runs[-2]
    else:
        run = runs[-1]
    end = ctx.clock.now if run.finished_at is None else run.finished_at
    lines = [(run.started_at + at, line) for at, line in run.program.output_until(end - run.started_at)]
    if run.extra:
        lines.extend(run.extra)
    lines.sort(key=lambda item: item[0])
    out = [line for _, line in lines]
    return out[-tail:] if tail is not None and tail >= 0 else out


def _first(obj: Obj) -> str:
    containers = obj.get("spec", {}).get("containers") or [{}]
    return str(containers[0].get("name", ""))


def _waiting_reason(obj: Obj, container: str | None) -> str:
    name = container or _first(obj)
    for status in (obj.get("status") or {}).get("containerStatuses") or []:
        if status.get("name") == name:
            reason = ((status.get("state") or {}).get("waiting") or {}).get("reason", "ContainerCreating")
            if reason in ("ErrImagePull", "ImagePullBackOff"):
                return "trying and failing to pull image"
            return str(reason)
    return "ContainerCreating"


def _choose(obj: Obj, rec: PodRecord | None, pod: str, container: str | None) -> ContainerRecord | None:
    spec = obj.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    inits = [c.get("name") for c in spec.get("initContainers") or []]
    if container is None:
        if len(names) != 1:
            message = f"a container name must be specified for pod {pod}, choose one of: [{' '.join(names)}]"
            if inits:
                message += f" or one of the init containers: [{' '.join(inits)}]"
            raise new_bad_request(message)
        container = names[0]
    if container not in names and container not in inits:
        raise new_bad_request(f"container {container} is not valid for pod {pod}")
    if rec is None:
        return None
    return next((c for c in rec.containers() if c.name == container), None)


def env_lines(ctx: Any, pod: Obj, env: dict[str, str]) -> list[str]:
    """What ``env`` prints inside the container: service links, the pod's env, HOSTNAME, PATH, HOME."""
    lines = []
    if (pod.get("spec") or {}).get("enableServiceLinks", True) is not False:
        namespace = pod["metadata"].get("namespace", "default")
        services = list(ctx.store.iter_kind("Service", namespace))
        kube = ctx.store.peek("Service", "default", "kubernetes")
        if kube is not None and namespace != "default":
            services.append(kube)
        for svc in services:
            ip = (svc.get("spec") or {}).get("clusterIP")
            ports = (svc.get("spec") or {}).get("ports") or []
            if not ip or ip == "None" or not ports:
                continue
            prefix = svc["metadata"]["name"].upper().replace("-", "_")
            port = ports[0]
            proto = str(port.get("protocol", "TCP"))
            lines += [f"{prefix}_SERVICE_HOST={ip}", f"{prefix}_SERVICE_PORT={port.get('port')}"]
            for p in ports:
                if p.get("name"):
                    lines.append(f"{prefix}_SERVICE_PORT_{str(p['name']).upper().replace('-', '_')}={p.get('port')}")
            lines.append(f"{prefix}_PORT={proto.lower()}://{ip}:{port.get('port')}")
            for p in ports:
                pp = f"{prefix}_PORT_{p.get('port')}_{str(p.get('protocol', 'TCP')).upper()}"
                lines += [
                    f"{pp}={str(p.get('protocol', 'TCP')).lower()}://{ip}:{p.get('port')}",
                    f"{pp}_PROTO={str(p.get('protocol', 'TCP')).lower()}",
                    f"{pp}_PORT={p.get('port')}",
                    f"{pp}_ADDR={ip}",
                ]
    lines += [f"{k}={v}" for k, v in env.items()]
    lines += [
        f"HOSTNAME={pod['metadata'].get('name', '')}",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=/root",
    ]
    return lines


# -- traffic ---------------------------------------------------------------------------------


def record_request(
    ctx: Any,
    pod_key: Any,
    path: str = "/",
    method: str = "GET",
    client_ip: str = DEFAULT_CLIENT,
    user_agent: str = "curl/8.5.0",
    port: int | None = None,
) -> tuple[int, str]:
    """A request reached a pod: append the access-log line; returns (status code, body).

    Status 0 means the connection was refused: no container runs, or none listens on ``port``
    (a Service whose ``targetPort`` points at the wrong port gets exactly this)."""
    key = _pod_key(pod_key)
    rec = _record(ctx, key)
    if rec is None:
        return 0, ""
    for c in rec.app:
        run = c.run
        if c.stage not in ALIVE or run is None or not run.program.listens or c.image.spec is None:
            continue
        if port is not None and port not in run.program.listens:
            continue
        spec = c.image.spec
        served = run.program.http_paths
        if served == ():
            return 0, ""
        code = 200 if served is None or path.split("?")[0] in served else 404
        moment = ctx.clock.epoch + timedelta(seconds=ctx.clock.now)
        size = spec.body_bytes if code == 200 else 153
        body = _body(key, c, path, code)
        if spec.access_log == "combined":
            line = f'{client_ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path} HTTP/1.1" {code} {size} "-" "{user_agent}" "-"'
        elif spec.access_log == "common":
            line = f'{client_ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path} HTTP/1.1" {code} {size}'
        else:
            line = f"{moment:%Y-%m-%dT%H:%M:%SZ} {method} {path} {code} from {client_ip}"
        run.log(ctx.clock.now, line)
        return code, body
    return 0, ""


def _body(key: Key, c: ContainerRecord, path: str, code: int) -> str:
    if code != 200:
        return "404 page not found" if c.image.spec and c.image.spec.access_log == "web" else "404 Not Found"
    if c.image.spec and c.image.spec.access_log == "web":
        if path == "/version":
            return c.image.tag
        return f"Hello from {key[2]} (version {c.image.tag})"
    if "httpd" in c.image.repository:
        return "<html><body><h1>It works!</h1></body></html>"
    return "Welcome to nginx!"


def set_load(ctx: Any, pod_key: Any, rps: float) -> None:
    """The proxy's simulated traffic to one pod, in requests per second (drives CPU for the HPA)."""
    key = _pod_key(pod_key)
    rec = _record(ctx, key)
    if rec is None:
        return
    loads = ctx.extras.setdefault(LOAD_KEY, {})
    if rps > 0:
        loads[rec.uid] = float(rps)
    else:
        loads.pop(rec.uid, None)
    update_metrics(ctx, rec)


def update_metrics(ctx: Any, rec: PodRecord) -> None:
    """Recompute the pod's usage from its running containers and load."""
    metrics = ctx.extras.get(METRICS_KEY)
    if metrics is None:
        metrics = ctx.extras[METRICS_KEY] = {}
    if rec.uid not in metrics and not any(c.stage in ALIVE for c in rec.app):
        return  # nothing runs and nothing was reported: no change
    rps = ctx.extras.get(LOAD_KEY, {}).get(rec.uid, 0.0)
    containers: dict[str, dict[str, int]] = {}
    served = False
    for c in rec.app:
        spec = c.image.spec
        if c.stage not in ALIVE or spec is None:
            continue
        load = rps if (not served and spec.cpu_m_per_rps) else 0.0
        served = served or bool(load)
        cpu = round(spec.cpu_m + spec.cpu_m_per_rps * load)
        limit = ((c.spec.get("resources") or {}).get("limits") or {}).get("cpu")
        if limit is not None:
            cpu = min(cpu, milli_value(limit))
        containers[c.name] = {"cpu_m": cpu, "memory_bytes": int(spec.memory_bytes + spec.memory_per_rps * load)}
    if not containers:
        metrics.pop(rec.uid, None)
        return
    metrics[rec.uid] = {
        "cpu_m": sum(v["cpu_m"] for v in containers.values()),
        "memory_bytes": sum(v["memory_bytes"] for v in containers.values()),
        "containers": containers,
    }


def forget(ctx: Any, uid: str) -> None:
    ctx.extras.get(METRICS_KEY, {}).pop(uid, None)
    ctx.extras.get(LOAD_KEY, {}).pop(uid, None)


__all__ = ["StatusError", "env_lines", "forget", "logs", "record_request", "set_load", "update_metrics"]
