"""The kinds the mini cluster serves, with the names the API server knows them by.

Mirrors the RESTMapper and discovery documents: each kind has a group/version, a plural
resource name, short names, whether it lives in a namespace, and whether it belongs to the
``all`` category (what ``kubectl get all`` lists). One table, so the store, the REST facade,
``simulate`` and the browser agree on spelling.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    in_all: bool = False
    subresources: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def resource(self) -> str:
        """``deployments.apps`` — the name kubectl prints in ``deployment.apps/web created``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kubectl_type(self) -> str:
        """``deployment.apps`` as in kubectl's ``deployment.apps/web created``."""
        return f"{self.singular}.{self.group}" if self.group else self.singular


KINDS: tuple[KindInfo, ...] = (
    KindInfo("Namespace", "", "v1", "namespaces", False, ("ns",), subresources=("status",)),
    KindInfo("Node", "", "v1", "nodes", False, ("no",), subresources=("status",)),
    KindInfo("Pod", "", "v1", "pods", True, ("po",), True, ("status", "log")),
    KindInfo("Service", "", "v1", "services", True, ("svc",), True, ("status",)),
    KindInfo("Endpoints", "", "v1", "endpoints", True, ("ep",)),
    KindInfo("ConfigMap", "", "v1", "configmaps", True, ("cm",)),
    KindInfo("Secret", "", "v1", "secrets", True),
    KindInfo("Event", "", "v1", "events", True, ("ev",)),
    KindInfo("ServiceAccount", "", "v1", "serviceaccounts", True, ("sa",)),
    KindInfo("PersistentVolume", "", "v1", "persistentvolumes", False, ("pv",), subresources=("status",)),
    KindInfo("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", True, ("pvc",), subresources=("status",)),
    KindInfo("Deployment", "apps", "v1", "deployments", True, ("deploy",), True, ("status", "scale")),
    KindInfo("ReplicaSet", "apps", "v1", "replicasets", True, ("rs",), True, ("status", "scale")),
    KindInfo(
        "HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", True, ("hpa",), True, ("status",)
    ),
    KindInfo("Job", "batch", "v1", "jobs", True, (), True, ("status",)),
)

BY_KIND: dict[str, KindInfo] = {k.kind: k for k in KINDS}
BY_PLURAL: dict[tuple[str, str], KindInfo] = {(k.group, k.plural): k for k in KINDS}


_BY_GVK: dict[tuple[str, str], KindInfo] = {(k.api_version, k.kind): k for k in KINDS}


def lookup(api_version: str, kind: str) -> KindInfo | None:
    """The kind served at ``apiVersion``/``kind``, or None (kubectl: ``no matches for kind``)."""
    return _BY_GVK.get((api_version, kind))


def resolve_resource_name(name: str) -> KindInfo | None:
    """Find a kind from what a person types: ``deploy``, ``deployments``, ``deployment.apps``, ``Pod``."""
    wanted = name.lower()
    for info in KINDS:
        names = {info.plural, info.singular, *info.short_names, info.resource, info.kubectl_type, info.kind.lower()}
        if wanted in names:
            return info
    return None
