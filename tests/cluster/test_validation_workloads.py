"""Deployment, ReplicaSet, Pod and container rules: one case per copied rule, exact wording."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster.apiserver.validation import validate_create, validate_update
from tests.cluster.test_validation_valid_objects import DELETE, deployment, pod, replica_set, with_

C0 = "spec.containers[0]"
T0 = "spec.template.spec.containers[0]"


def messages(obj: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_create(obj)]


def update_messages(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    return [e.message() for e in validate_update(new, old)]


CASES = [
    ("replicas", with_(deployment(), "spec.replicas", -1), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
    ("minReadySeconds", with_(deployment(), "spec.minReadySeconds", -5),
     "spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0"),
    ("revisionHistoryLimit", with_(deployment(), "spec.revisionHistoryLimit", -1),
     "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"),
    ("progressDeadlineSeconds negative", with_(deployment(), "spec.progressDeadlineSeconds", -1),
     "spec.progressDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"),
    ("progressDeadlineSeconds vs minReadySeconds", with_(deployment(), "spec.minReadySeconds", 600),
     "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"),
    ("selector required", with_(deployment(), "spec.selector", DELETE), "spec.selector: Required value"),
    ("selector missing also mismatches labels", with_(deployment(), "spec.selector", DELETE),
     'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'),
    ("empty selector", with_(deployment(), "spec.selector", {}),
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
    ("invalid selector", with_(deployment(), "spec.selector.matchExpressions", [{"key": "app", "operator": "In"}]),
     'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, '
     'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", '
     "Values:[]string(nil)}}}: invalid label selector"),
    ("template labels mismatch", with_(deployment(), "spec.template.metadata.labels", {"app": "x"}),
     'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`'),
    ("template labels on spec.template.labels", with_(deployment(), "spec.template.metadata.labels", {"app": "web", "b": "c d"}),
     "spec.template.labels: Invalid value: \"c d\": a valid label must be an empty string or consist of alphanumeric "
     "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
     "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ("template restartPolicy", with_(deployment(), "spec.template.spec.restartPolicy", "OnFailure"),
     'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'),
    ("template activeDeadlineSeconds", with_(deployment(), "spec.template.spec.activeDeadlineSeconds", 30),
     "spec.template.spec.activeDeadlineSeconds: Invalid value: 30: activeDeadlineSeconds in ReplicaSet is not Supported"),
    ("both zero", with_(deployment(), "spec.strategy.rollingUpdate", {"maxSurge": 0, "maxUnavailable": 0}),
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: "
     "may not be 0 when `maxSurge` is 0"),
    ("over 100%", with_(deployment(), "spec.strategy.rollingUpdate.maxUnavailable", "150%"),
     'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: '
     "must not be greater than 100%"),
    ("bad percent", with_(deployment(), "spec.strategy.rollingUpdate.maxSurge", "25"),
     'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: a valid '
     "percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for "
     "validation is '[0-9]+%')"),
    ("negative int surge", with_(deployment(), "spec.strategy.rollingUpdate.maxSurge", -1),
     "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"),
    ("recreate with rollingUpdate", with_(deployment(), "spec.strategy.type", "Recreate"),
     "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
    ("strategy type", with_(deployment(), "spec.strategy", {"type": "BlueGreen"}),
     'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
     'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'),
    ("replicaset replicas", with_(replica_set(), "spec.replicas", -2), "spec.replicas: Invalid value: -2: must be greater than or equal to 0"),
    ("replicaset empty selector reuses deployment text", with_(replica_set(), "spec.selector", {"matchLabels": {}}),
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
    ("containers required", with_(pod(), "spec.containers", []), "spec.containers: Required value"),
    ("container name required", with_(pod(), "spec.containers.0.name", ""), f"{C0}.name: Required value"),
    ("container name label", with_(pod(), "spec.containers.0.name", "Web"),
     f'{C0}.name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters '
     "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    ("image required", with_(pod(), "spec.containers.0.image", ""), f"{C0}.image: Required value"),
    ("containerPort zero", with_(pod(), "spec.containers.0.ports.0.containerPort", 0), f"{C0}.ports[0].containerPort: Required value"),
    ("containerPort range", with_(pod(), "spec.containers.0.ports.0.containerPort", 70000),
     f"{C0}.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
    ("hostPort range", with_(pod(), "spec.containers.0.ports.0.hostPort", -1),
     f"{C0}.ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"),
    ("protocol", with_(pod(), "spec.containers.0.ports.0.protocol", "HTTP"),
     f'{C0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
    ("port name", with_(pod(), "spec.containers.0.ports.0.name", "http_web"),
     f'{C0}.ports[0].name: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ("duplicate port name", with_(pod(), "spec.containers.0.ports", [{"containerPort": 80, "name": "http"}, {"containerPort": 81, "name": "http"}]),
     f'{C0}.ports[1].name: Duplicate value: "http"'),
    ("imagePullPolicy", with_(pod(), "spec.containers.0.imagePullPolicy", "Sometimes"),
     f'{C0}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'),
    ("env name", with_(pod(), "spec.containers.0.env", [{"name": "A=B", "value": "x"}]),
     f"{C0}.env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII "
     "characters other than '='"),
    ("env name required", with_(pod(), "spec.containers.0.env", [{"value": "x"}]), f"{C0}.env[0].name: Required value"),
    ("negative request", with_(pod(), "spec.containers.0.resources", {"requests": {"cpu": "-1"}}),
     f'{C0}.resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0'),
    ("cpu request over limit", with_(pod(), "spec.containers.0.resources", {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
     f'{C0}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit'),
    ("memory request over limit", with_(pod(), "spec.containers.0.resources", {"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}}),
     f'{C0}.resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit'),
    ("resource name for containers", with_(pod(), "spec.containers.0.resources", {"limits": {"storage": "1Gi"}}),
     f'{C0}.resources.limits[storage]: Invalid value: "storage": must be a standard resource for containers'),
    ("resource name unknown", with_(pod(), "spec.containers.0.resources", {"limits": {"gpu": "1"}}),
     f'{C0}.resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified'),
    ("extended resource integer", with_(pod(), "spec.containers.0.resources", {"limits": {"example.com/gpu": "500m"}}),
     f'{C0}.resources.limits[example.com/gpu]: Invalid value: "500m": must be an integer'),
    ("restartPolicy", with_(pod(), "spec.restartPolicy", "onFailure"),
     'spec.restartPolicy: Unsupported value: "onFailure": supported values: "Always", "OnFailure", "Never"'),
    ("dnsPolicy", with_(pod(), "spec.dnsPolicy", "Cluster"),
     'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'),
    ("probe numbers", with_(pod(), "spec.containers.0.readinessProbe", {"httpGet": {"port": 80, "path": "/"}, "periodSeconds": -1}),
     f"{C0}.readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"),
    ("probe handler required", with_(pod(), "spec.containers.0.livenessProbe", {"periodSeconds": 5}),
     f"{C0}.livenessProbe: Required value: must specify a handler type"),
    ("probe one handler", with_(pod(), "spec.containers.0.livenessProbe", {"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}),
     f"{C0}.livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"),
    ("liveness success threshold", with_(pod(), "spec.containers.0.livenessProbe", {"tcpSocket": {"port": 80}, "successThreshold": 2}),
     f"{C0}.livenessProbe.successThreshold: Invalid value: 2: must be 1"),
    ("probe port name", with_(pod(), "spec.containers.0.readinessProbe", {"tcpSocket": {"port": "HTTP"}}),
     f'{C0}.readinessProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ("nodeSelector labels", with_(pod(), "spec.nodeSelector", {"disk type": "ssd"}), 'spec.nodeSelector: Invalid value: "disk type"'),
    ("toleration operator", with_(pod(), "spec.tolerations", [{"key": "k", "operator": "Has", "value": "v"}]),
     'spec.tolerations[0].operator: Unsupported value: "Has": supported values: "Equal", "Exists"'),
    ("toleration effect", with_(pod(), "spec.tolerations", [{"key": "k", "operator": "Exists", "effect": "NoRun"}]),
     'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
    ("toleration empty key", with_(pod(), "spec.tolerations", [{"operator": "Equal", "value": "v"}]),
     'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means '
     '"match all values and all keys"'),
    ("toleration seconds", with_(pod(), "spec.tolerations", [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}]),
     "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"),
    ("volume source required", with_(pod(), "spec.volumes", [{"name": "data"}]), "spec.volumes[0]: Required value: must specify a volume type"),
    ("volume one source", with_(pod(), "spec.volumes", [{"name": "data", "emptyDir": {}, "configMap": {"name": "c"}}]),
     "spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"),
    ("duplicate volume", with_(pod(), "spec.volumes", [{"name": "d", "emptyDir": {}}, {"name": "d", "emptyDir": {}}]),
     'spec.volumes[1].name: Duplicate value: "d"'),
    ("unknown volume mount", with_(pod(), "spec.containers.0.volumeMounts", [{"name": "cache", "mountPath": "/c"}]),
     f'{C0}.volumeMounts[0].name: Not found: "cache"'),
    ("activeDeadlineSeconds", with_(pod(), "spec.activeDeadlineSeconds", 0),
     "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"),
    ("template container checks", with_(deployment(), "spec.template.spec.containers.0.image", ""), f"{T0}.image: Required value"),
]  # fmt: skip


@pytest.mark.parametrize(("obj", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_workload_rule_reports_upstream_message(obj: dict[str, Any], expected: str) -> None:
    got = messages(obj)
    assert expected in got or any(m.startswith(expected) for m in got), got


def test_container_names_are_unique_across_init_and_regular_containers() -> None:
    obj = with_(pod(), "spec.initContainers", [{"name": "web", "image": "busybox"}])
    assert 'spec.initContainers[0].name: Duplicate value: "web"' in messages(obj)


def test_container_names_are_unique_among_regular_containers() -> None:
    obj = pod()
    obj["spec"]["containers"].append(dict(obj["spec"]["containers"][0], ports=[]))
    assert 'spec.containers[1].name: Duplicate value: "web"' in messages(obj)


def test_changing_a_deployment_selector_is_immutable() -> None:
    old = deployment()
    new = with_(
        with_(old, "spec.selector.matchLabels", {"app": "api"}), "spec.template.metadata.labels", {"app": "api"}
    )
    assert update_messages(new, old) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    ]


def test_changing_a_replicaset_selector_is_immutable() -> None:
    old = replica_set()
    new = with_(
        with_(old, "spec.selector.matchLabels", {"app": "api"}), "spec.template.metadata.labels", {"app": "api"}
    )
    assert any(
        m.startswith("spec.selector: Invalid value: v1.LabelSelector{") and m.endswith("field is immutable")
        for m in update_messages(new, old)
    )


def test_changing_a_deployment_image_is_allowed() -> None:
    old = deployment()
    assert update_messages(with_(old, "spec.template.spec.containers.0.image", "nginx:1.28"), old) == []


def test_changing_a_pod_image_is_allowed() -> None:
    old = pod()
    assert update_messages(with_(old, "spec.containers.0.image", "nginx:1.28"), old) == []


def test_changing_other_pod_fields_is_forbidden_with_the_1_32_message() -> None:
    old = pod()
    got = update_messages(with_(old, "spec.containers.0.ports.0.containerPort", 8080), old)
    assert len(got) == 1
    assert got[0].startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
    )


def test_pod_updates_may_not_add_containers() -> None:
    old = pod()
    new = with_(old, "spec.containers", old["spec"]["containers"] + [{"name": "side", "image": "busybox"}])
    assert "spec.containers: Forbidden: pod updates may not add or remove containers" in update_messages(new, old)


def test_pod_updates_may_add_tolerations_but_not_change_them() -> None:
    old = with_(pod(), "spec.tolerations", [{"key": "a", "operator": "Exists"}])
    added = with_(old, "spec.tolerations", [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}])
    changed = with_(old, "spec.tolerations", [{"key": "c", "operator": "Exists"}])
    assert update_messages(added, old) == []
    assert (
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
        in update_messages(changed, old)
    )


def test_pod_active_deadline_may_only_shrink() -> None:
    old = with_(pod(), "spec.activeDeadlineSeconds", 30)
    got = update_messages(with_(old, "spec.activeDeadlineSeconds", 60), old)
    assert got == ["spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value"]
