"""What a container is given: env and envFrom from ConfigMaps and Secrets, and its volumes.

Mirrors the kubelet's ``makeEnvironmentVariables`` and volume manager as seen through the
API: a missing ConfigMap, Secret or key that is not ``optional`` stops the container with
``CreateContainerConfigError`` and the kubelet's exact message (``configmap "app-config"
not found``, ``couldn't find key LOG_LEVEL in ConfigMap default/app-config``); a missing
ConfigMap/Secret volume or an unbound PersistentVolumeClaim keeps the whole pod in
``ContainerCreating`` with a ``FailedMount`` event. Each error names the object it waits
for, so the kubelet resumes the pod when that object appears. ``$(VAR)`` references in
env values, command and args are expanded as upstream (``$$`` escapes).
Simplified: volume contents do not follow later ConfigMap edits.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from ..objects import Key, Obj
from ..store import Store

_VAR_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


@dataclass(frozen=True, slots=True)
class ConfigError:
    message: str  # the waiting message / FailedMount detail
    waits_for: Key  # the object whose appearance (or change) may fix it


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` expansion (``third_party/forked/golang/expansion``)."""

    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env[name] if name in env else match.group(0)

    return _VAR_REF.sub(sub, text)


def secret_data(secret: Obj) -> dict[str, str]:
    data = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            data[key] = base64.b64decode(value).decode("utf-8", "replace")
        except (ValueError, TypeError):
            data[key] = str(value)
    data.update(secret.get("stringData") or {})
    return data


def _source(store: Store, kind: str, namespace: str, name: str) -> tuple[dict[str, str] | None, Key]:
    key = (kind, namespace, name)
    obj = store.peek(kind, namespace, name)
    if obj is None:
        return None, key
    if kind == "Secret":
        return secret_data(obj), key
    data = dict(obj.get("data") or {})
    data.update({k: str(v) for k, v in (obj.get("binaryData") or {}).items()})
    return data, key


def _field_ref(pod: Obj, path: str) -> str:
    meta, spec, status = pod.get("metadata", {}), pod.get("spec", {}), pod.get("status") or {}
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    return str(
        {
            "metadata.name": meta.get("name"),
            "metadata.namespace": meta.get("namespace"),
            "metadata.uid": meta.get("uid"),
            "spec.nodeName": spec.get("nodeName"),
            "spec.serviceAccountName": spec.get("serviceAccountName"),
            "status.podIP": status.get("podIP"),
            "status.hostIP": status.get("hostIP"),
        }.get(path)
        or ""
    )


def _resource_ref(container: dict[str, Any], ref: dict[str, Any], node_allocatable: dict[str, Any]) -> str:
    from ..apiserver.quantity import parse_quantity

    resource = str(ref.get("resource", ""))
    section, _, name = resource.partition(".")
    amount = ((container.get("resources") or {}).get(section) or {}).get(name) or node_allocatable.get(name, "0")
    divisor = parse_quantity(ref.get("divisor") or "1")
    value = parse_quantity(amount) / divisor
    whole = int(value) if value == int(value) else int(value) + 1
    return str(max(whole, 1 if name == "cpu" else 0))


def resolve_env(
    store: Store, pod: Obj, container: dict[str, Any], node_allocatable: dict[str, Any] | None = None
) -> tuple[dict[str, str], ConfigError | None]:
    """The container's environment, or the first reason it cannot be built."""
    namespace = pod["metadata"].get("namespace", "default")
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = source.get(field)
            if ref is None:
                continue
            data, key = _source(store, kind, namespace, ref.get("name", ""))
            if data is None:
                if ref.get("optional"):
                    continue
                return {}, ConfigError(f'{kind.lower()} "{ref.get("name", "")}" not found', key)
            for name, value in data.items():
                env[prefix + name] = value
    for var in container.get("env") or []:
        name = var.get("name", "")
        if "value" in var or "valueFrom" not in var:
            env[name] = expand(str(var.get("value", "")), env)
            continue
        value_from = var["valueFrom"] or {}
        for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            ref = value_from.get(field)
            if ref is None:
                continue
            data, key = _source(store, kind, namespace, ref.get("name", ""))
            if data is None:
                if ref.get("optional"):
                    break
                return {}, ConfigError(f'{kind.lower()} "{ref.get("name", "")}" not found', key)
            if ref.get("key") not in data:
                if ref.get("optional"):
                    break
                return {}, ConfigError(
                    f"couldn't find key {ref.get('key')} in {kind} {namespace}/{ref.get('name')}", key
                )
            env[name] = data[ref["key"]]
        if "fieldRef" in value_from:
            env[name] = _field_ref(pod, str((value_from["fieldRef"] or {}).get("fieldPath", "")))
        if "resourceFieldRef" in value_from:
            env[name] = _resource_ref(container, value_from["resourceFieldRef"] or {}, node_allocatable or {})
    return env, None


def check_volumes(store: Store, pod: Obj) -> ConfigError | None:
    """The first volume that cannot be mounted yet (FailedMount), or None."""
    namespace = pod["metadata"].get("namespace", "default")
    volumes = pod.get("spec", {}).get("volumes") or []
    for volume in volumes:
        name = volume.get("name", "")
        for kind, field, ref_name in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
            src = volume.get(field)
            if src is None:
                continue
            data, key = _source(store, kind, namespace, src.get(ref_name, ""))
            if data is None:
                if src.get("optional"):
                    continue
                detail = f'{kind.lower()} "{src.get(ref_name, "")}" not found'
                return ConfigError(f'MountVolume.SetUp failed for volume "{name}" : {detail}', key)
            for item in src.get("items") or []:
                if item.get("key") not in data and not src.get("optional"):
                    detail = f"{kind.lower()} references non-existent {'config ' if kind == 'ConfigMap' else ''}key: {item.get('key')}"
                    if kind == "Secret":
                        detail = f"references non-existent secret key: {item.get('key')}"
                    return ConfigError(f'MountVolume.SetUp failed for volume "{name}" : {detail}', key)
        claim = volume.get("persistentVolumeClaim")
        if claim is not None:
            claim_name = claim.get("claimName", "")
            key = ("PersistentVolumeClaim", namespace, claim_name)
            pvc = store.peek(*key)
            names = " ".join(v.get("name", "") for v in volumes if "persistentVolumeClaim" in v)
            prefix = f"Unable to attach or mount volumes: unmounted volumes=[{name}], unattached volumes=[{names}]: "
            if pvc is None:
                return ConfigError(
                    f"{prefix}error processing PVC {namespace}/{claim_name}: failed to fetch PVC from API server: "
                    f'persistentvolumeclaims "{claim_name}" not found',
                    key,
                )
            if (pvc.get("status") or {}).get("phase") != "Bound":
                return ConfigError(f"{prefix}error processing PVC {namespace}/{claim_name}: PVC is not bound", key)
    return None


def volume_files(store: Store, pod: Obj, container: dict[str, Any]) -> dict[str, str]:
    """Files a container sees through its ConfigMap/Secret volume mounts (for exec probes and ``cat``)."""
    namespace = pod["metadata"].get("namespace", "default")
    by_name = {v.get("name"): v for v in pod.get("spec", {}).get("volumes") or []}
    files: dict[str, str] = {}
    for mount in container.get("volumeMounts") or []:
        volume = by_name.get(mount.get("name")) or {}
        path = str(mount.get("mountPath", "")).rstrip("/")
        files[path] = ""
        for kind, field, ref_name in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
            src = volume.get(field)
            if src is None:
                continue
            data, _ = _source(store, kind, namespace, src.get(ref_name, ""))
            items = src.get("items") or [{"key": k, "path": k} for k in sorted(data or {})]
            for item in items:
                if data and item.get("key") in data:
                    target = f"{path}/{item.get('path', item['key'])}"
                    if mount.get("subPath"):
                        target = path if item["key"] == mount["subPath"] else ""
                    if target:
                        files[target] = data[item["key"]]
    return files
