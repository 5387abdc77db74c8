"""Goal checks: pure predicates over a mini cluster, one function per check type of the format.

Each function reads the cluster the way a student would look at it (``kubectl get``, ``describe``,
``get events``, ``curl`` through the Service) and returns a ``CheckResult``: pass or fail, a
label for the goal panel, a detail that says what still differs ("2 of 3 pods Ready") and the
author's hint. Checks only look at what they name, so extra harmless objects never block a goal.
Nothing here writes to the cluster: ``service_answers`` routes its probe requests with the
proxy's round-robin counters saved and restored, and without writing access-log lines.
Importable without Django.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubelearn.cluster.kinds import BY_KIND
from kubelearn.cluster.objects import Obj
from kubelearn.cluster.printers import pod_status
from kubelearn.cluster.selectors import SelectorError, matches, parse_label_selector

from .schema import Check, Text

REVISION = "deployment.kubernetes.io/revision"


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    label: Text
    detail: Text
    hint: Text


def _t(en: str, zh: str) -> Text:
    return Text(zh=zh, en=en)


def _ns(p: Mapping[str, Any]) -> str:
    return str(p.get("namespace") or "default")


def _pods(cluster: Any, p: Mapping[str, Any]) -> list[Obj]:
    try:
        selector = parse_label_selector(str(p.get("selector", "")))
    except SelectorError:
        return []
    return [
        pod
        for pod in cluster.store.iter_kind("Pod", _ns(p))
        if not pod["metadata"].get("deletionTimestamp") and matches(selector, pod["metadata"].get("labels") or {})
    ]


def _ready(pod: Obj) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def path_value(obj: Any, dotted: str) -> tuple[bool, Any]:
    """(found, value) at ``spec.template.spec.containers.0.image``; list indices are numbers."""
    current = obj
    for part in dotted.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return False, None
    return True, current


# -- the checks ----------------------------------------------------------------------------------


def exists(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    kind, name = str(p["kind"]), str(p["name"])
    info = BY_KIND.get(kind)
    ns = _ns(p) if info is None or info.namespaced else ""
    found = cluster.store.peek(kind, ns, name) is not None
    where = f" in namespace {ns}" if ns else ""
    detail = (
        _t(f"{kind} {name} exists", f"{kind} {name} 已存在")
        if found
        else _t(f"no {kind} named {name}{where} yet", f"还没有名为 {name} 的 {kind}")
    )
    return found, _t(f"{kind} {name} exists", f"{kind} {name} 存在"), detail


def field(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    kind, name, path = str(p["kind"]), str(p["name"]), str(p["path"])
    info = BY_KIND.get(kind)
    obj = cluster.store.peek(kind, _ns(p) if info is None or info.namespaced else "", name)
    op = next((c for c in ("equals", "not_equals", "at_least", "at_most", "contains", "matches") if c in p), "equals")
    want = p.get(op)
    words = {
        "equals": "is",
        "not_equals": "is not",
        "at_least": "≥",
        "at_most": "≤",
        "contains": "contains",
        "matches": "matches",
    }
    zh_words = {
        "equals": "为",
        "not_equals": "不为",
        "at_least": "≥",
        "at_most": "≤",
        "contains": "包含",
        "matches": "匹配",
    }
    label = _t(
        f"{kind} {name}: {path} {words[op]} {_norm(want)}", f"{kind} {name}：{path} {zh_words[op]} {_norm(want)}"
    )
    if obj is None:
        return False, label, _t(f"no {kind} named {name} yet", f"还没有名为 {name} 的 {kind}")
    found, value = path_value(obj, path)
    ok = False
    if found:
        try:
            ok = _compare(op, value, want)
        except (TypeError, ValueError, re.error):
            ok = False
    shown = _norm(value) if found and not isinstance(value, dict | list) else ("…" if found else "")
    if not found:
        return False, label, _t(f"{path} is not set", f"{path} 还没有设置")
    return ok, label, _t(f"{path} is {shown}", f"{path} 现在是 {shown}")


def _compare(op: str, value: Any, want: Any) -> bool:
    if op == "equals":
        return _norm(value) == _norm(want)
    if op == "not_equals":
        return _norm(value) != _norm(want)
    if op == "at_least":
        return float(value) >= float(want)
    if op == "at_most":
        return float(value) <= float(want)
    if op == "contains":
        if isinstance(value, list):
            return any(_norm(item) == _norm(want) for item in value)
        if isinstance(value, dict):
            return _norm(want) in value
        return _norm(want) in _norm(value)
    return re.search(str(want), _norm(value)) is not None


def pods_ready(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    want, exact = int(p["count"]), bool(p.get("exact"))
    pods = _pods(cluster, p)
    ready = sum(1 for pod in pods if _ready(pod))
    ok = ready == want if exact else ready >= want
    qualifier = ("exactly ", "恰好 ") if exact else ("", "")
    label = _t(
        f"{qualifier[0]}{want} pods Ready ({p['selector']})", f"{qualifier[1]}{want} 个 Pod 就绪（{p['selector']}）"
    )
    if exact and ready > want:
        return (
            ok,
            label,
            _t(f"{ready} pods Ready, {ready - want} too many", f"{ready} 个 Pod 就绪，多了 {ready - want} 个"),
        )
    return ok, label, _t(f"{ready} of {want} pods Ready", f"{want} 个里有 {ready} 个就绪")


def pods_on_distinct_nodes(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    want = int(p["count"])
    ships = {pod["spec"].get("nodeName") for pod in _pods(cluster, p) if _ready(pod) and pod["spec"].get("nodeName")}
    label = _t(
        f"Ready pods ({p['selector']}) on {want} different ships",
        f"就绪的 Pod（{p['selector']}）分布在 {want} 艘不同的船上",
    )
    return len(ships) >= want, label, _t(f"on {len(ships)} of {want} ships", f"目前在 {len(ships)}/{want} 艘船上")


def pod_status_check(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    status, negate = str(p["status"]), bool(p.get("negate"))
    shown = Counter(pod_status(pod)[0] for pod in _pods(cluster, p))
    ok = (status not in shown) if negate else (status in shown)
    label = (
        _t(f"no pod ({p['selector']}) is {status}", f"没有 Pod（{p['selector']}）处于 {status}")
        if negate
        else _t(f"a pod ({p['selector']}) is {status}", f"有 Pod（{p['selector']}）处于 {status}")
    )
    if not shown:
        return ok, label, _t(f"no pods match {p['selector']}", f"没有匹配 {p['selector']} 的 Pod")
    summary = ", ".join(f"{s} ×{n}" for s, n in sorted(shown.items()))
    return ok, label, _t(f"pods show: {summary}", f"Pod 状态：{summary}")


def event(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    reason = str(p["reason"])
    namespace = p.get("namespace")
    label = _t(f"event {reason} seen", f"出现 {reason} 事件")
    for ev in cluster.store.iter_kind("Event", namespace):
        involved = ev.get("involvedObject") or {}
        if ev.get("reason") != reason:
            continue
        if p.get("kind") and involved.get("kind") != p["kind"]:
            continue
        if p.get("name_prefix") and not str(involved.get("name", "")).startswith(str(p["name_prefix"])):
            continue
        if p.get("message_contains") and str(p["message_contains"]) not in str(ev.get("message", "")):
            continue
        message = str(ev.get("message", ""))
        return True, label, _t(f"seen: {message}", f"已出现：{message}")
    return False, label, _t(f"no {reason} event yet", f"还没有 {reason} 事件")


def _endpoint_pods(cluster: Any, ns: str, service: str) -> list[str]:
    endpoints = cluster.store.peek("Endpoints", ns, service) or {}
    return [
        str((address.get("targetRef") or {}).get("name") or address.get("ip"))
        for subset in endpoints.get("subsets") or []
        for address in subset.get("addresses") or []
    ]


def service_endpoints(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    want, service = int(p["count"]), str(p["service"])
    label = _t(f"Service {service} has {want} ready endpoints", f"Service {service} 有 {want} 个就绪端点")
    if cluster.store.peek("Service", _ns(p), service) is None:
        return False, label, _t(f"no Service named {service} yet", f"还没有名为 {service} 的 Service")
    have = len(_endpoint_pods(cluster, _ns(p), service))
    return have >= want, label, _t(f"{have} of {want} ready endpoints", f"{want} 个里有 {have} 个就绪端点")


def service_answers(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    from kubelearn.cluster import proxy

    want, service, count = int(p["distinct_pods"]), str(p["service"]), int(p.get("requests") or 20)
    label = _t(
        f"Service {service} answers from {want} different pods", f"Service {service} 由 {want} 个不同的 Pod 应答"
    )
    extras = cluster.ctx.extras
    counters = dict(extras.get(proxy.RR_KEY, {}))
    hook = extras.get("record_request")
    extras["record_request"] = _silent_answer
    try:
        results = proxy.send_requests(cluster.ctx, _ns(p), service, count)
    finally:
        extras[proxy.RR_KEY] = counters
        if hook is None:
            extras.pop("record_request", None)
        else:
            extras["record_request"] = hook
    pods = {r.pod for r in results if r.ok and r.pod}
    failed = sum(1 for r in results if not r.ok)
    detail = _t(
        f"{count} requests answered by {len(pods)} pods" + (f", {failed} failed" if failed else ""),
        f"{count} 个请求由 {len(pods)} 个 Pod 应答" + (f"，{failed} 个失败" if failed else ""),
    )
    return len(pods) >= want, label, detail


def _silent_answer(ctx: Any, pod_key: Any, path: str = "/", port: int | None = None) -> tuple[int, str]:
    """The kubelet's answer to a request (as ``record_request``) without writing an access-log line."""
    from kubelearn.cluster.kubelet.runtime import state_of
    from kubelearn.cluster.kubelet.stages import ALIVE

    key = ("Pod", *pod_key) if len(pod_key) == 2 else tuple(pod_key)
    rec = state_of(ctx).pods.get(key)
    pod = ctx.store.peek(*key)
    if rec is None or pod is None or pod["metadata"].get("uid") != rec.uid:
        return 0, ""
    for c in rec.app:
        run = c.run
        if c.stage in ALIVE and run is not None and run.program.listens and c.image.spec is not None:
            if port is not None and port not in run.program.listens:
                continue
            return (0 if run.program.http_paths == () else 200), ""
    return 0, ""


def rollout(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    name, want = str(p["deployment"]), int(p["revision"])
    label = _t(f"Deployment {name} rolled out revision {want}", f"Deployment {name} 完成第 {want} 版发布")
    d = cluster.store.peek("Deployment", _ns(p), name)
    if d is None:
        return False, label, _t(f"no Deployment named {name} yet", f"还没有名为 {name} 的 Deployment")
    revision = int((d["metadata"].get("annotations") or {}).get(REVISION, "0") or 0)
    spec, status = d.get("spec") or {}, d.get("status") or {}
    replicas = int(spec.get("replicas", 1))
    counts = [int(status.get(k, 0) or 0) for k in ("updatedReplicas", "readyReplicas", "replicas")]
    complete = counts == [replicas] * 3 and int(status.get("observedGeneration", 0)) >= int(
        d["metadata"].get("generation", 0)
    )
    images = [c.get("image") for c in ((spec.get("template") or {}).get("spec") or {}).get("containers") or []]
    image_ok = "image" not in p or p["image"] in images
    ok = revision >= want and complete and image_ok
    detail = _t(
        f"revision {revision}, {counts[0]} updated / {counts[1]} ready of {replicas}",
        f"第 {revision} 版，{replicas} 个里已更新 {counts[0]} 个、就绪 {counts[1]} 个",
    )
    if not image_ok:
        detail = _t(f"image is {', '.join(map(str, images))}", f"镜像是 {', '.join(map(str, images))}")
    return ok, label, detail


def env(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    from kubelearn.cluster.kubelet.runtime import state_of
    from kubelearn.cluster.kubelet.stages import ALIVE

    name, want = str(p["name"]), str(p["value"])
    label = _t(f"a running container sees {name}={want}", f"运行中的容器能看到 {name}={want}")
    state = state_of(cluster.ctx)
    seen: list[str] = []
    for pod in _pods(cluster, p):
        rec = state.pods.get(("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"]))
        if rec is None or rec.uid != pod["metadata"].get("uid"):
            continue
        for c in rec.app:
            if c.stage not in ALIVE or c.run is None:
                continue
            value = c.run.env.get(name)
            if value == want:
                return (
                    True,
                    label,
                    _t(
                        f"{pod['metadata']['name']} sees {name}={want}", f"{pod['metadata']['name']} 看到 {name}={want}"
                    ),
                )
            seen.append("(unset)" if value is None else value)
    if not seen:
        return False, label, _t("no running container matches yet", "还没有匹配的运行中容器")
    return False, label, _t(f"{name} is {seen[0]}", f"{name} 现在是 {seen[0]}")


def hpa(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    name = str(p["deployment"])
    label = _t(f"an autoscaler drives Deployment {name}", f"有自动伸缩器管理 Deployment {name}")
    for h in cluster.store.iter_kind("HorizontalPodAutoscaler", _ns(p)):
        spec = h.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        if ref.get("kind") != "Deployment" or ref.get("name") != name:
            continue
        low, high = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 0))
        if ("min" in p and low != p["min"]) or ("max" in p and high != p["max"]):
            return False, label, _t(f"min {low}, max {high}", f"最少 {low}，最多 {high}")
        return (
            True,
            label,
            _t(f"{h['metadata']['name']}: min {low}, max {high}", f"{h['metadata']['name']}：最少 {low}，最多 {high}"),
        )
    return False, label, _t(f"no HorizontalPodAutoscaler targets {name} yet", f"还没有 HPA 指向 {name}")


def quiz(cluster: Any, p: Mapping[str, Any]) -> tuple[bool, Text, Text]:
    raise AssertionError("the quiz check is answered by evaluate()")  # pragma: no cover


CHECKS: dict[str, Callable[[Any, Mapping[str, Any]], tuple[bool, Text, Text]]] = {
    "exists": exists,
    "field": field,
    "pods_ready": pods_ready,
    "pods_on_distinct_nodes": pods_on_distinct_nodes,
    "pod_status": pod_status_check,
    "event": event,
    "service_endpoints": service_endpoints,
    "service_answers": service_answers,
    "rollout": rollout,
    "env": env,
    "hpa": hpa,
    "quiz": quiz,
}


def evaluate(cluster: Any, check: Check, quiz_ok: bool = False) -> CheckResult:
    """Run one check; the author's label wins over the generated one."""
    if check.check == "quiz":
        ok = quiz_ok
        label = _t("quiz answered correctly", "测验全部答对")
        detail = _t("all answers correct", "全部答对") if ok else _t("not answered correctly yet", "还没有全部答对")
    else:
        ok, label, detail = CHECKS[check.check](cluster, check.params)
    return CheckResult(ok, check.label or label, detail, check.hint)


def evaluate_all(cluster: Any, checks: tuple[Check, ...], quiz_ok: bool = False) -> list[CheckResult]:
    return [evaluate(cluster, c, quiz_ok) for c in checks]
