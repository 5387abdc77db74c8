"""PVC, PV, Job, HPA, Namespace, Node, ServiceAccount, Event and Endpoints rules, exact wording."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster.apiserver.validation import validate_create, validate_update
from tests.cluster.test_validation_valid_objects import DELETE, hpa, job, pv, pvc, valid_objects, with_


def messages(obj: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_create(obj)]


def update_messages(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_update(new, old)]


def of_kind(kind: str) -> dict[str, Any]:
    return next(o for o in valid_objects() if o["kind"] == kind)


ACCESS = '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'
CASES = [
    ("pvc access modes", with_(pvc(), "spec.accessModes", []), "spec.accessModes: Required value: at least 1 access mode is required"),
    ("pvc access mode value", with_(pvc(), "spec.accessModes", ["RWO"]),
     f'spec.accessModes: Unsupported value: "RWO": supported values: {ACCESS}'),
    ("pvc rwop alone", with_(pvc(), "spec.accessModes", ["ReadWriteOncePod", "ReadWriteOnce"]),
     "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"),
    ("pvc storage required", with_(pvc(), "spec.resources.requests", {}), "spec.resources[storage]: Required value"),
    ("pvc storage positive", with_(pvc(), "spec.resources.requests.storage", "0"),
     'spec.resources[storage]: Invalid value: "0": must be greater than zero'),
    ("pvc volume mode", with_(pvc(), "spec.volumeMode", "Raw"),
     'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"'),
    ("pv access modes", with_(pv(), "spec.accessModes", []), "spec.accessModes: Required value"),
    ("pv capacity", with_(pv(), "spec.capacity", {}), "spec.capacity: Required value"),
    ("pv capacity storage only", with_(pv(), "spec.capacity", {"storage": "1Gi", "cpu": "1"}),
     'spec.capacity: Unsupported value: core.ResourceList{"cpu":"1", "storage":"1Gi"}: supported values: "storage"'),
    ("pv capacity positive", with_(pv(), "spec.capacity.storage", "0"), 'spec.capacity[storage]: Invalid value: "0": must be greater than zero'),
    ("pv volume type", with_(pv(), "spec.hostPath", DELETE), "spec: Required value: must specify a volume type"),
    ("pv one volume type", with_(pv(), "spec.nfs", {"server": "nfs", "path": "/x"}),
     "spec.nfs: Forbidden: may not specify more than 1 volume type"),
    ("pv reclaim policy", with_(pv(), "spec.persistentVolumeReclaimPolicy", "Keep"),
     'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"'),
    ("job restartPolicy", with_(job(), "spec.template.spec.restartPolicy", "Always"),
     'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'),
    ("job parallelism", with_(job(), "spec.parallelism", -1), "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"),
    ("job completions", with_(job(), "spec.completions", -1), "spec.completions: Invalid value: -1: must be greater than or equal to 0"),
    ("job backoffLimit", with_(job(), "spec.backoffLimit", -1), "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
    ("job completionMode", with_(job(), "spec.completionMode", "Sometimes"),
     'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'),
    ("job manual selector", with_(job(), "spec.manualSelector", True), "spec.selector: Required value"),
    ("job selector mismatch", with_(job(), "spec.selector", {"matchLabels": {"app": "pi"}}),
     "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`"),
    ("hpa minReplicas", with_(hpa(), "spec.minReplicas", 0), "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"),
    ("hpa maxReplicas", with_(hpa(), "spec.maxReplicas", 0), "spec.maxReplicas: Invalid value: 0: must be greater than 0"),
    ("hpa max >= min", with_(hpa(), "spec.minReplicas", 6),
     "spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"),
    ("hpa target kind", with_(hpa(), "spec.scaleTargetRef.kind", ""), "spec.scaleTargetRef.kind: Required value"),
    ("hpa target name", with_(hpa(), "spec.scaleTargetRef.name", ""), "spec.scaleTargetRef.name: Required value"),
    ("hpa metric type", with_(hpa(), "spec.metrics.0.type", "Cpu"),
     'spec.metrics[0].type: Unsupported value: "Cpu": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"'),
    ("hpa metric source", with_(hpa(), "spec.metrics.0.type", "Pods"),
     "spec.metrics[0].pods: Required value: must populate information for the given metric source"),
    ("hpa metric only source", with_(hpa(), "spec.metrics.0.pods", {"metric": {"name": "x"}}),
     "spec.metrics[0].pods: Forbidden: must populate the given metric source only"),
    ("hpa target type", with_(hpa(), "spec.metrics.0.resource.target.type", "Percent"),
     'spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue'),
    ("hpa utilization", with_(hpa(), "spec.metrics.0.resource.target.averageUtilization", 0),
     "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"),
    ("hpa target value", with_(hpa(), "spec.metrics.0.resource.target", {"type": "Utilization"}),
     "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization"),
    ("hpa period", with_(hpa(), "spec.behavior", {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 1801}]}}),
     "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800"),
    ("hpa policy value", with_(hpa(), "spec.behavior", {"scaleDown": {"policies": [{"type": "Pods", "value": 0, "periodSeconds": 60}]}}),
     "spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero"),
    ("hpa policy type", with_(hpa(), "spec.behavior", {"scaleDown": {"policies": [{"type": "Nodes", "value": 1, "periodSeconds": 60}]}}),
     'spec.behavior.scaleDown.policies[0].type: Unsupported value: "Nodes": supported values: "Percent", "Pods"'),
    ("hpa window", with_(hpa(), "spec.behavior", {"scaleDown": {"stabilizationWindowSeconds": 3601}}),
     "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600"),
    ("hpa select policy", with_(hpa(), "spec.behavior", {"scaleUp": {"selectPolicy": "Any"}}),
     'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Any": supported values: "Disabled", "Max", "Min"'),
    ("node taint effect", with_(of_kind("Node"), "spec.taints.0.effect", "NoRun"),
     'spec.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
    ("node taint effect required", with_(of_kind("Node"), "spec.taints.0.effect", ""), "spec.taints[0].effect: Required value"),
    ("node taint unique", with_(of_kind("Node"), "spec.taints", [{"key": "a", "effect": "NoSchedule"}] * 2),
     'spec.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: '
     "taints must be unique by key and effect pair"),
    ("serviceaccount name", with_(of_kind("ServiceAccount"), "metadata.name", "Bad"), 'metadata.name: Invalid value: "Bad"'),
    ("event namespace", with_(of_kind("Event"), "involvedObject.namespace", "other"),
     'involvedObject.namespace: Invalid value: "other": does not match event.namespace'),
    ("endpoints ip", with_(of_kind("Endpoints"), "subsets.0.addresses.0.ip", "nope"),
     'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
    ("endpoints addresses", with_(of_kind("Endpoints"), "subsets.0.addresses", []),
     "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"),
    ("endpoints port", with_(of_kind("Endpoints"), "subsets.0.ports.0.port", 0),
     "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
]  # fmt: skip


@pytest.mark.parametrize(("obj", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_reports_upstream_message(obj: dict[str, Any], expected: str) -> None:
    got = messages(obj)
    assert expected in got or any(m.startswith(expected) for m in got), got


def test_pvc_spec_is_immutable_after_creation() -> None:
    old = pvc()
    got = update_messages(with_(old, "spec.accessModes", ["ReadWriteMany"]), old)
    assert got == [
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    ]


def test_a_bound_pvc_may_grow_but_not_shrink() -> None:
    old = with_(pvc(), "spec.resources.requests.storage", "2Gi")
    old["status"] = {"phase": "Bound"}
    assert update_messages(with_(old, "spec.resources.requests.storage", "3Gi"), old) == []
    assert update_messages(with_(old, "spec.resources.requests.storage", "1Gi"), old) == [
        "spec.resources.requests.storage: Forbidden: field can not be less than previous value"
    ]


def test_binding_a_pvc_may_set_the_volume_name() -> None:
    old = pvc()
    assert update_messages(with_(old, "spec.volumeName", "pv1"), old) == []


def test_pv_source_is_immutable() -> None:
    old = pv()
    got = update_messages(with_(old, "spec.hostPath.path", "/other"), old)
    assert got == ["spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"]


def test_job_template_is_immutable() -> None:
    old = job()
    got = update_messages(with_(old, "spec.template.spec.containers.0.image", "perl:2"), old)
    assert len(got) == 1
    assert got[0].startswith("spec.template: Invalid value: core.PodTemplateSpec{")
    assert got[0].endswith(": field is immutable")


def test_job_with_on_failure_is_valid() -> None:
    assert messages(with_(job(), "spec.template.spec.restartPolicy", "OnFailure")) == []


def test_a_namespace_may_not_be_renamed() -> None:
    old = of_kind("Namespace")
    assert update_messages(with_(old, "metadata.name", "prod"), old) == [
        'metadata.name: Invalid value: "prod": field is immutable'
    ]
