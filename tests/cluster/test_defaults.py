"""Defaulting after decode: the values the real API server fills in on create."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelearn.cluster.apiserver.defaults import apply_defaults, image_tag


def defaulted(obj: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    obj = copy.deepcopy(obj)
    apply_defaults(obj, **kwargs)
    again = copy.deepcopy(obj)
    apply_defaults(again, **kwargs)
    assert again == obj, "defaulting must be idempotent (it runs on every write)"
    return obj


def pod_spec(**extra: Any) -> dict[str, Any]:
    return {"containers": [{"name": "web", "image": "nginx:1.27"}], **extra}


def deployment(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec()},
            **spec,
        },
    }


def test_deployment_gets_replicas_strategy_history_and_deadline() -> None:
    spec = defaulted(deployment())["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600


def test_deployment_keeps_explicit_values_including_zero() -> None:
    spec = defaulted(deployment(replicas=0, revisionHistoryLimit=0, strategy={"type": "Recreate"}))["spec"]
    assert spec["replicas"] == 0
    assert spec["revisionHistoryLimit"] == 0
    assert spec["strategy"] == {"type": "Recreate"}


def test_partial_rolling_update_gets_the_missing_half() -> None:
    spec = defaulted(deployment(strategy={"rollingUpdate": {"maxSurge": 1}}))["spec"]
    assert spec["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": "25%"}


def test_pod_template_gets_pod_spec_defaults_but_not_pod_only_ones() -> None:
    template_spec = defaulted(deployment())["spec"]["template"]["spec"]
    assert template_spec["restartPolicy"] == "Always"
    assert template_spec["dnsPolicy"] == "ClusterFirst"
    assert template_spec["schedulerName"] == "default-scheduler"
    assert template_spec["securityContext"] == {}
    assert template_spec["terminationGracePeriodSeconds"] == 30
    assert "enableServiceLinks" not in template_spec


def test_replicaset_defaults_replicas_and_its_template() -> None:
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "r"},
        "spec": {"template": {"spec": pod_spec()}},
    }
    spec = defaulted(rs)["spec"]
    assert spec["replicas"] == 1
    assert spec["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def pod(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": pod_spec(**spec)}


def test_containers_get_pull_policy_termination_message_and_port_protocol() -> None:
    obj = pod()
    obj["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    c = defaulted(obj)["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["resources"] == {}


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.local:5000/team/app", "Always"),
        ("registry.local:5000/team/app:v2", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("Nginx", "IfNotPresent"),  # not a valid reference: ParseImageName fails, tag is ""
    ],
)
def test_image_pull_policy_follows_the_image_tag(image: str, policy: str) -> None:
    obj = pod()
    obj["spec"]["containers"][0]["image"] = image
    assert defaulted(obj)["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_image_tag_parses_like_parse_image_name() -> None:
    assert image_tag("busybox") == "latest"
    assert image_tag("localhost:5000/busybox:1.36") == "1.36"


def test_probes_get_timing_defaults_and_http_get_gets_path_and_scheme() -> None:
    obj = pod()
    obj["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"port": 80}, "periodSeconds": 5}
    probe = defaulted(obj)["spec"]["containers"][0]["readinessProbe"]
    assert probe == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "periodSeconds": 5,
        "timeoutSeconds": 1,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def test_env_field_ref_gets_api_version_v1() -> None:
    obj = pod()
    obj["spec"]["containers"][0]["env"] = [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
    env = defaulted(obj)["spec"]["containers"][0]["env"][0]
    assert env["valueFrom"]["fieldRef"] == {"fieldPath": "metadata.name", "apiVersion": "v1"}


def test_pod_requests_default_to_limits_and_resource_lists_round_up_to_milli() -> None:
    obj = pod()
    obj["spec"]["containers"][0]["resources"] = {
        "limits": {"cpu": "0.1m", "memory": "128Mi"},
        "requests": {"memory": "64Mi"},
    }
    resources = defaulted(obj)["spec"]["containers"][0]["resources"]
    assert resources == {"limits": {"cpu": "1m", "memory": "128Mi"}, "requests": {"memory": "64Mi", "cpu": "1m"}}


def test_pod_only_defaults_enable_service_links_and_host_network_ports() -> None:
    obj = pod(hostNetwork=True)
    obj["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    spec = defaulted(obj)["spec"]
    assert spec["enableServiceLinks"] is True
    assert spec["containers"][0]["ports"][0]["hostPort"] == 8080


def test_volumes_default_to_empty_dir_and_get_default_modes() -> None:
    obj = pod(
        volumes=[
            {"name": "scratch"},
            {"name": "cfg", "configMap": {"name": "c"}},
            {"name": "s", "secret": {"secretName": "s"}},
        ]
    )
    volumes = defaulted(obj)["spec"]["volumes"]
    assert volumes[0] == {"name": "scratch", "emptyDir": {}}
    assert volumes[1]["configMap"]["defaultMode"] == 420
    assert volumes[2]["secret"]["defaultMode"] == 420


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, **spec},
    }


def test_service_gets_type_affinity_protocol_target_port_and_policies() -> None:
    spec = defaulted(service(ports=[{"port": 80}, {"port": 443, "targetPort": "https", "protocol": "TCP"}]))["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ports"] == [
        {"port": 80, "protocol": "TCP", "targetPort": 80},
        {"port": 443, "targetPort": "https", "protocol": "TCP"},
    ]
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["ipFamilies"] == ["IPv4"]
    assert "externalTrafficPolicy" not in spec
    assert "clusterIP" not in spec


def test_node_port_service_gets_external_traffic_policy_and_client_ip_affinity_timeout() -> None:
    spec = defaulted(service(type="NodePort", sessionAffinity="ClientIP", ports=[{"port": 80}]))["spec"]
    assert spec["externalTrafficPolicy"] == "Cluster"
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_headless_service_without_selector_requires_dual_stack() -> None:
    obj = service(clusterIP="None")
    del obj["spec"]["selector"]
    assert defaulted(obj)["spec"]["ipFamilyPolicy"] == "RequireDualStack"


def test_external_name_service_gets_no_ip_family_fields() -> None:
    spec = defaulted(service(type="ExternalName", externalName="example.com"))["spec"]
    assert "ipFamilyPolicy" not in spec
    assert "internalTrafficPolicy" not in spec


def job(**spec: Any) -> dict[str, Any]:
    template = {"metadata": {"labels": {"app": "batch"}}, "spec": pod_spec()}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"template": template, **spec}}


def test_job_gets_parallelism_completions_backoff_mode_suspend_and_replacement_policy() -> None:
    obj = defaulted(job())
    spec = obj["spec"]
    assert (spec["parallelism"], spec["completions"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed"
    assert spec["suspend"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert obj["metadata"]["labels"] == {"app": "batch"}


def test_job_template_restart_policy_defaults_to_always_so_validation_rejects_it() -> None:
    assert defaulted(job())["spec"]["template"]["spec"]["restartPolicy"] == "Always"


def test_job_with_parallelism_only_leaves_completions_unset() -> None:
    spec = defaulted(job(parallelism=3))["spec"]
    assert spec["parallelism"] == 3
    assert "completions" not in spec


def hpa(**spec: Any) -> dict[str, Any]:
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": target, "maxReplicas": 5, **spec},
    }


def test_hpa_gets_min_replicas_and_the_80_percent_cpu_metric_but_no_behavior() -> None:
    spec = defaulted(hpa())["spec"]
    assert spec["minReplicas"] == 1
    assert spec["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}
    ]
    assert "behavior" not in spec


def test_hpa_behavior_is_completed_from_upstreams_rules() -> None:
    spec = defaulted(hpa(behavior={"scaleDown": {"stabilizationWindowSeconds": 60}}))["spec"]
    assert spec["behavior"] == {
        "scaleDown": {
            "stabilizationWindowSeconds": 60,
            "selectPolicy": "Max",
            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
        },
        "scaleUp": {
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15},
            ],
        },
    }


def test_secret_type_defaults_to_opaque() -> None:
    assert defaulted({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})["type"] == "Opaque"


def test_persistent_volume_gets_retain_filesystem_and_rounded_capacity() -> None:
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {"capacity": {"storage": "1Gi"}},
    }
    obj = defaulted(pv)
    assert obj["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert obj["spec"]["volumeMode"] == "Filesystem"
    assert obj["status"] == {"phase": "Pending"}


def test_persistent_volume_claim_gets_filesystem_mode() -> None:
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"}, "spec": {}}
    assert defaulted(pvc)["spec"]["volumeMode"] == "Filesystem"


def test_namespace_gets_name_label_and_kubernetes_finalizer_on_create_only() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
    created = defaulted(ns)
    assert created["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    assert created["spec"] == {"finalizers": ["kubernetes"]}
    assert created["status"] == {"phase": "Active"}
    existing = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "uid": "u1"}, "spec": {}}
    assert defaulted(existing)["spec"] == {}


def test_node_allocatable_defaults_to_capacity() -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n1"},
        "status": {"capacity": {"cpu": "2", "pods": "110"}},
    }
    assert defaulted(node)["status"]["allocatable"] == {"cpu": "2", "pods": "110"}


def test_endpoints_ports_get_tcp() -> None:
    ep = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "e"}, "subsets": [{"ports": [{"port": 80}]}]}
    assert defaulted(ep)["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_kinds_without_defaults_are_left_alone() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}
    assert defaulted(cm) == cm
