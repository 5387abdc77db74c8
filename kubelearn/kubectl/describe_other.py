"""``kubectl describe`` for Service, Endpoints, Node, Namespace, ConfigMap, Secret and PVC.

Mirrors the matching describers of ``pkg/describe/describe.go``. Simplified: a Service's
``Endpoints:`` line is built from its Endpoints object (the core has no EndpointSlices), the
node ``Lease`` block is derived from the Ready condition's heartbeat, and a namespace always
reports no quotas or limit ranges.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kubelearn.cluster.apiserver.quantity import milli_value, value
from kubelearn.cluster.objects import Obj

from .describe_text import (
    Writer,
    annotations_multiline,
    describe_events,
    events_for,
    format_labels,
    labels_multiline,
    rfc1123z,
)


def _meta(w: Writer, obj: Obj, namespaced: bool = True) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    if namespaced:
        w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


def describe_service(inv: Any, svc: Obj) -> str:
    w = Writer(inv.cluster.clock)
    spec = svc.get("spec", {})
    _meta(w, svc)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', 'ClusterIP')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(i.get('ip') or i.get('hostname', '') for i in ingress)}\n")
    endpoints = inv.cluster.store.peek("Endpoints", svc["metadata"].get("namespace", ""), svc["metadata"]["name"])
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{_endpoints_for_port(endpoints, port.get('name', ''))}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    describe_events(w, events_for(inv, svc))
    return w.text()


def _endpoints_for_port(endpoints: Obj | None, port_name: str) -> str:
    if endpoints is None or not endpoints.get("subsets"):
        return "<none>"
    found: list[str] = []
    for subset in endpoints.get("subsets") or []:
        for port in subset.get("ports") or []:
            if (port.get("name") or "") != port_name:
                continue
            found.extend(f"{a.get('ip')}:{port.get('port')}" for a in subset.get("addresses") or [])
    if len(found) > 3:
        return ",".join(found[:3]) + f" + {len(found) - 3} more..."
    return ",".join(found)


def describe_endpoints(inv: Any, ep: Obj) -> str:
    w = Writer(inv.cluster.clock)
    _meta(w, ep)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or []) or "<none>"
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or []) or "<none>"
        w.write(1, f"Addresses:\t{ready}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol', 'TCP')}\n")
        w.write(0, "\n")
    describe_events(w, events_for(inv, ep))
    return w.text()


def describe_configmap(inv: Any, cm: Obj) -> str:
    w = Writer(inv.cluster.clock)
    _meta(w, cm)
    w.write(0, "\nData\n====\n")
    for key in sorted(cm.get("data") or {}):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{cm['data'][key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for key in sorted(cm.get("binaryData") or {}):
        w.write(0, f"{key}: {len(_decoded(cm['binaryData'][key]))} bytes\n")
    w.write(0, "\n")
    describe_events(w, events_for(inv, cm))
    return w.text()


def _decoded(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return data.encode()


def describe_secret(inv: Any, secret: Obj) -> str:
    w = Writer(inv.cluster.clock)
    _meta(w, secret)
    w.write(0, f"\nType:\t{secret.get('type', 'Opaque')}\n")
    w.write(0, "\nData\n====\n")
    for key in sorted(secret.get("data") or {}):
        raw = _decoded(secret["data"][key])
        if key == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{raw.decode(errors='replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(raw)} bytes\n")
    return w.text()


def describe_namespace(inv: Any, ns: Obj) -> str:
    w = Writer(inv.cluster.clock)
    _meta(w, ns, namespaced=False)
    w.write(0, f"Status:\t{ns.get('status', {}).get('phase', 'Active')}\n")
    conditions = ns.get("status", {}).get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')}\t{c.get('status')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                       f"{c.get('reason', '')}\t{c.get('message', '')}\n")  # fmt: skip
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()


def describe_pvc(inv: Any, pvc: Obj) -> str:
    w = Writer(inv.cluster.clock)
    meta, spec, status = pvc["metadata"], pvc.get("spec", {}), pvc.get("status", {})
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{spec.get('storageClassName', '')}\n")
    if meta.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {w.since(meta['deletionTimestamp'])})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', 'Pending')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Finalizers:\t[{' '.join(meta.get('finalizers') or [])}]\n")
    bound = bool(spec.get("volumeName"))
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    w.write(0, f"Capacity:\t{(status.get('capacity') or {}).get('storage', '') if bound else ''}\n")
    modes = ",".join(short.get(m, m) for m in status.get("accessModes") or []) if bound else ""
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    users = sorted(
        p["metadata"]["name"]
        for p in inv.cluster.store.iter_kind("Pod", meta.get("namespace"))
        if any(
            (v.get("persistentVolumeClaim") or {}).get("claimName") == meta["name"]
            for v in p["spec"].get("volumes") or []
        )
    )
    w.write(0, "Used By:\t")
    if not users:
        w.line("<none>")
    for i, name in enumerate(users):
        w.write(0, ("\t" if i else "") + name + "\n")
    describe_events(w, events_for(inv, pvc))
    return w.text()


def describe_node(inv: Any, node: Obj) -> str:
    w = Writer(inv.cluster.clock)
    meta, spec, status = node["metadata"], node.get("spec", {}), node.get("status", {})
    w.write(0, f"Name:\t{meta['name']}\n")
    roles = sorted(k.split("/", 1)[1] for k in meta.get("labels") or {} if k.startswith("node-role.kubernetes.io/"))
    w.write(0, f"Roles:\t{','.join(r for r in roles if r) or '<none>'}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints = sorted(spec.get("taints") or [], key=lambda t: f"{t.get('effect')},{t.get('key')}")
    w.write(0, "Taints:\t")
    if not taints:
        w.line("<none>")
    for i, t in enumerate(taints):
        text = t.get("key", "") + (f"={t['value']}" if t.get("value") else "") + f":{t.get('effect', '')}"
        w.write(0, ("\t" if i else "") + text + "\n")
    w.write(0, f"Unschedulable:\t{str(bool(spec.get('unschedulable'))).lower()}\n")
    conditions = status.get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), {})
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{meta['name']}\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    w.write(1, f"RenewTime:\t{rfc1123z(ready.get('lastHeartbeatTime')) if ready else '<unset>'}\n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")  # fmt: skip
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type')}:\t{address.get('address')}\n")
    for title in ("capacity", "allocatable"):
        if status.get(title):
            w.write(0, f"{title.capitalize()}:\n")
            for name in sorted(status[title]):
                w.write(0, f"  {name}:\t{status[title][name]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):  # fmt: skip
        w.write(0, f"  {label}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    _node_resources(w, inv, node)
    describe_events(w, events_for(inv, node, uids=(meta.get("uid", ""), meta["name"])))
    return w.text()


def _pod_requests(pod: Obj) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {"requests": {}, "limits": {}}
    for c in pod["spec"].get("containers") or []:
        for kind in ("requests", "limits"):
            for name, amount in ((c.get("resources") or {}).get(kind) or {}).items():
                number = milli_value(amount) if name == "cpu" else value(amount)
                totals[kind][name] = totals[kind].get(name, 0) + number
    return totals


def _cpu(milli: int) -> str:
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def _mem(amount: int) -> str:
    for suffix, size in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if amount and amount % size == 0:
            return f"{amount // size}{suffix}"
    return str(amount)


def _node_resources(w: Writer, inv: Any, node: Obj) -> None:
    name = node["metadata"]["name"]
    pods = [
        p
        for p in inv.cluster.store.iter_kind("Pod")
        if p["spec"].get("nodeName") == name and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    ]
    alloc = (node.get("status") or {}).get("allocatable") or (node.get("status") or {}).get("capacity") or {}
    cpu_total, mem_total = milli_value(alloc.get("cpu", "0")), value(alloc.get("memory", "0"))
    eph_total = value(alloc.get("ephemeral-storage", "0"))

    def pct(part: int, whole: int) -> int:
        return int(part / whole * 100) if whole else 0

    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    sums = {"requests": {}, "limits": {}}  # type: dict[str, dict[str, int]]
    for pod in pods:
        res = _pod_requests(pod)
        for kind in sums:
            for key, amount in res[kind].items():
                sums[kind][key] = sums[kind].get(key, 0) + amount
        cr, cl = res["requests"].get("cpu", 0), res["limits"].get("cpu", 0)
        mr, ml = res["requests"].get("memory", 0), res["limits"].get("memory", 0)
        w.write(1, f"{pod['metadata'].get('namespace')}\t{pod['metadata']['name']}\t\t{_cpu(cr)} ({pct(cr, cpu_total)}%)\t"
                   f"{_cpu(cl)} ({pct(cl, cpu_total)}%)\t{_mem(mr)} ({pct(mr, mem_total)}%)\t"
                   f"{_mem(ml)} ({pct(ml, mem_total)}%)\t{w.since(pod['metadata'].get('creationTimestamp'))}\n")  # fmt: skip
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    req, lim = sums["requests"], sums["limits"]
    w.write(1, f"cpu\t{_cpu(req.get('cpu', 0))} ({pct(req.get('cpu', 0), cpu_total)}%)\t"
               f"{_cpu(lim.get('cpu', 0))} ({pct(lim.get('cpu', 0), cpu_total)}%)\n")  # fmt: skip
    w.write(1, f"memory\t{_mem(req.get('memory', 0))} ({pct(req.get('memory', 0), mem_total)}%)\t"
               f"{_mem(lim.get('memory', 0))} ({pct(lim.get('memory', 0), mem_total)}%)\n")  # fmt: skip
    eph_r, eph_l = req.get("ephemeral-storage", 0), lim.get("ephemeral-storage", 0)
    w.write(
        1, f"ephemeral-storage\t{_mem(eph_r)} ({pct(eph_r, eph_total)}%)\t{_mem(eph_l)} ({pct(eph_l, eph_total)}%)\n"
    )
