"""Defaults for a PodSpec and its containers, wherever a PodSpec appears.

Mirrors ``pkg/apis/core/v1/defaults.go`` (1.32): ``SetDefaults_PodSpec`` (dnsPolicy,
restartPolicy, securityContext, terminationGracePeriodSeconds, schedulerName),
``SetDefaults_Container`` (imagePullPolicy from the image tag, terminationMessage*),
``SetDefaults_ContainerPort``, ``SetDefaults_Probe``, ``SetDefaults_HTTPGetAction``,
``SetDefaults_ObjectFieldSelector``, ``SetDefaults_Volume`` and the volume sources'
``defaultMode``, ``SetDefaults_ResourceList`` (round up to a whole milli) and the Pod-only
``SetDefaults_Pod`` (requests copied from limits, ``enableServiceLinks``, host-network ports).
Because the generated defaulters run on every decode, each function only fills what is absent.
Simplifies: ephemeral containers and the rarely used volume plugins are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kubelearn.cluster.apiserver.quantity import QuantityError, round_up_milli

Obj = dict[str, Any]

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?\Z"
)
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_DEFAULTS = (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3))
_MODE_SOURCES = ("secret", "configMap", "downwardAPI", "projected")
_VOLUME_SOURCE_FIELDS = frozenset(
    [
        "hostPath",
        "emptyDir",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "gitRepo",
        "secret",
        "nfs",
        "iscsi",
        "glusterfs",
        "persistentVolumeClaim",
        "rbd",
        "flexVolume",
        "cinder",
        "cephfs",
        "flocker",
        "downwardAPI",
        "fc",
        "azureFile",
        "configMap",
        "vsphereVolume",
        "quobyte",
        "azureDisk",
        "photonPersistentDisk",
        "projected",
        "portworxVolume",
        "scaleIO",
        "storageos",
        "csi",
        "ephemeral",
        "image",
    ]
)


@lru_cache(maxsize=1024)
def image_tag(image: str) -> str:
    """The tag ``parsers.ParseImageName`` reports: ``latest`` if none, ``""`` for digests/bad refs."""
    match = _REFERENCE.match(image)
    if not image or match is None or len(image.split("@")[0].rsplit(":", 1)[0]) > 255:
        return ""
    if match.group("tag"):
        return match.group("tag")
    return "" if match.group("digest") else "latest"


def default_resource_list(resources: Any) -> None:
    """``SetDefaults_ResourceList``: every quantity rounded up to a whole milli."""
    if not isinstance(resources, dict):
        return
    for name, quantity in resources.items():
        try:
            resources[name] = round_up_milli(quantity)
        except (QuantityError, TypeError):
            continue  # decode already rejected it; trusted writers get what they wrote


def _default_handler(handler: Any) -> None:
    if not isinstance(handler, dict):
        return
    http_get = handler.get("httpGet")
    if isinstance(http_get, dict):
        http_get.setdefault("path", "/")
        http_get.setdefault("scheme", "HTTP")
    grpc = handler.get("grpc")
    if isinstance(grpc, dict):
        grpc.setdefault("service", "")


def default_container(container: Obj) -> None:
    if not container.get("imagePullPolicy"):
        tag = image_tag(str(container.get("image") or ""))
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in container.get("ports") or ():
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for probe_name in _PROBES:
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            for field, default in _PROBE_DEFAULTS:
                if not probe.get(field):
                    probe[field] = default
            _default_handler(probe)
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_handler(lifecycle.get("postStart"))
        _default_handler(lifecycle.get("preStop"))
    for env in container.get("env") or ():
        field_ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env, dict) else None
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    resources = container.setdefault("resources", {})
    if isinstance(resources, dict):
        default_resource_list(resources.get("limits"))
        default_resource_list(resources.get("requests"))


def _default_volume(volume: Obj) -> None:
    if not _VOLUME_SOURCE_FIELDS.intersection(volume):
        volume["emptyDir"] = {}
    for source_name in _MODE_SOURCES:
        source = volume.get(source_name)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = 0o644
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    downward = volume.get("downwardAPI")
    if isinstance(downward, dict):
        for item in downward.get("items") or ():
            field_ref = item.get("fieldRef") if isinstance(item, dict) else None
            if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
                field_ref["apiVersion"] = "v1"


def default_pod_spec(spec: Obj) -> None:
    """``SetDefaults_PodSpec`` plus the per-container and per-volume defaulters."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for field in ("initContainers", "containers"):
        for container in spec.get(field) or ():
            if isinstance(container, dict):
                default_container(container)
    for volume in spec.get("volumes") or ():
        if isinstance(volume, dict):
            _default_volume(volume)
    default_resource_list(spec.get("overhead"))


def default_pod(pod: Obj) -> None:
    """``SetDefaults_Pod`` (Pods only, not templates) then the PodSpec defaults."""
    spec = pod.setdefault("spec", {})
    for field in ("containers", "initContainers"):
        for container in spec.get(field) or ():
            resources = container.get("resources") if isinstance(container, dict) else None
            limits = resources.get("limits") if isinstance(resources, dict) else None
            if limits:
                requests = resources.setdefault("requests", {})
                for name, quantity in limits.items():
                    requests.setdefault(name, quantity)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for field in ("containers", "initContainers"):
            for container in spec.get(field) or ():
                for port in container.get("ports") or ():
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")
    default_pod_spec(spec)


def default_template(owner_spec: Any) -> None:
    """Defaults for ``spec.template.spec`` of a workload (PodSpec rules, no Pod-only rules)."""
    if not isinstance(owner_spec, dict):
        return
    template = owner_spec.get("template")
    if isinstance(template, dict):
        default_pod_spec(template.setdefault("spec", {}))
