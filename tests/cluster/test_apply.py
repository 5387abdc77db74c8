from __future__ import annotations

import json
from typing import Any

from kubelearn.cluster.apiserver.apply import LAST_APPLIED, ApplyPlan, apply_patch_to, last_applied_of, plan_apply
from kubelearn.cluster.apiserver.patch import create_three_way_patch


def manifest(
    containers: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": containers or [{"name": "web", "image": "nginx:1.27"}]},
            },
            **spec,
        },
    }


def server_store(obj: dict[str, Any]) -> dict[str, Any]:
    """What the API server adds on create: identity, defaults and (later) status."""
    stored = json.loads(json.dumps(obj))
    stored["metadata"].update({"uid": "u-1", "resourceVersion": "7", "generation": 1})
    spec = stored["spec"]
    spec.setdefault("replicas", 1)
    spec.setdefault(
        "strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    )
    for container in spec["template"]["spec"]["containers"]:
        container.setdefault("imagePullPolicy", "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
    spec["template"]["spec"].setdefault("restartPolicy", "Always")
    stored["status"] = {"replicas": spec["replicas"], "readyReplicas": spec["replicas"]}
    return stored


def applied(m: dict[str, Any]) -> dict[str, Any]:
    """A live object created by ``kubectl apply`` of ``m``."""
    return server_store(plan_apply(m, None).body)


def containers_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return obj["spec"]["template"]["spec"]["containers"]  # type: ignore[no-any-return]


def test_last_applied_is_sorted_compact_json_with_empty_annotations_and_a_newline() -> None:
    text = last_applied_of(
        {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c"}, "data": {"b": "<&>", "a": "1"}}
    )
    assert text == (
        '{"apiVersion":"v1","data":{"a":"1","b":"\\u003c\\u0026\\u003e"},"kind":"ConfigMap",'
        '"metadata":{"annotations":{},"name":"c"}}\n'
    )


def test_last_applied_leaves_out_its_own_annotation_but_keeps_others() -> None:
    m = manifest()
    m["metadata"]["annotations"] = {"team": "a", LAST_APPLIED: "old"}
    assert json.loads(last_applied_of(m))["metadata"]["annotations"] == {"team": "a"}


def test_apply_of_a_missing_object_creates_it_with_the_annotation() -> None:
    m = manifest()
    plan = plan_apply(m, None)
    assert plan.action == "create"
    assert plan.body["metadata"]["annotations"] == {LAST_APPLIED: last_applied_of(m)}
    assert plan.body["spec"] == m["spec"]
    assert "annotations" not in m["metadata"]


def test_applying_the_same_manifest_again_is_unchanged() -> None:
    m = manifest()
    plan = plan_apply(m, applied(m))
    assert plan == ApplyPlan("unchanged", {})


def test_changing_the_image_configures_with_a_minimal_patch() -> None:
    live = applied(manifest())
    m2 = manifest([{"name": "web", "image": "nginx:1.28"}])
    plan = plan_apply(m2, live)
    assert plan.action == "patch"
    assert plan.body == {
        "metadata": {"annotations": {LAST_APPLIED: last_applied_of(m2)}},
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}],
                    "containers": [{"image": "nginx:1.28", "name": "web"}],
                }
            }
        },
    }
    after = apply_patch_to(live, plan)
    assert containers_of(after)[0]["image"] == "nginx:1.28"
    assert containers_of(after)[0]["imagePullPolicy"] == "IfNotPresent"
    assert plan_apply(m2, after).action == "unchanged"


def test_a_label_dropped_from_the_manifest_is_removed_from_the_live_object() -> None:
    live = applied(manifest(labels={"app": "web", "tier": "frontend"}))
    live["metadata"]["labels"]["added-by-someone"] = "x"
    plan = plan_apply(manifest(labels={"app": "web"}), live)
    assert plan.body["metadata"]["labels"] == {"tier": None}
    assert apply_patch_to(live, plan)["metadata"]["labels"] == {"app": "web", "added-by-someone": "x"}


def test_an_env_var_dropped_from_the_manifest_is_removed() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    live = applied(manifest([{"name": "web", "image": "nginx", "env": env}]))
    plan = plan_apply(manifest([{"name": "web", "image": "nginx", "env": env[:1]}]), live)
    container_patch = plan.body["spec"]["template"]["spec"]["containers"][0]
    assert container_patch["env"] == [{"$patch": "delete", "name": "B"}]
    assert container_patch["$setElementOrder/env"] == [{"name": "A"}]
    assert containers_of(apply_patch_to(live, plan))[0]["env"] == env[:1]


def test_a_dropped_container_port_and_container_and_a_strategy_switch_match_kubectl() -> None:
    """The capture in docs/kubectl-wire.md section 7, produced by the three-way merge."""
    first = manifest(
        [
            {"name": "a", "image": "x", "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "b", "image": "y"},
        ],
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
    )
    second = manifest([{"name": "a", "image": "x", "ports": [{"containerPort": 80}]}], strategy={"type": "Recreate"})
    live = applied(first)
    plan = plan_apply(second, live)
    assert plan.body["spec"] == {
        "strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"},
        "template": {
            "spec": {
                "$setElementOrder/containers": [{"name": "a"}],
                "containers": [
                    {
                        "$setElementOrder/ports": [{"containerPort": 80}],
                        "name": "a",
                        "ports": [{"$patch": "delete", "containerPort": 443}],
                    },
                    {"$patch": "delete", "name": "b"},
                ],
            }
        },
    }
    after = apply_patch_to(live, plan)
    assert after["spec"]["strategy"] == {"type": "Recreate"}
    assert [c["name"] for c in containers_of(after)] == ["a"]
    assert containers_of(after)[0]["ports"] == [{"containerPort": 80}]


def test_replicas_set_by_kubectl_scale_survive_when_the_manifest_omits_them() -> None:
    m = manifest()
    live = applied(m)
    live["spec"]["replicas"] = 5  # kubectl scale --replicas=5
    assert plan_apply(m, live).action == "unchanged"
    m2 = manifest([{"name": "web", "image": "nginx:1.28"}])
    after = apply_patch_to(live, plan_apply(m2, live))
    assert after["spec"]["replicas"] == 5


def test_replicas_in_the_manifest_win_over_a_scale() -> None:
    m = manifest(replicas=2)
    live = applied(m)
    live["spec"]["replicas"] = 5
    plan = plan_apply(m, live)
    assert plan.body == {"spec": {"replicas": 2}}
    assert apply_patch_to(live, plan)["spec"]["replicas"] == 2


def test_replicas_removed_from_the_manifest_are_deleted_for_the_server_to_default() -> None:
    live = applied(manifest(replicas=3))
    plan = plan_apply(manifest(), live)
    assert plan.body["spec"] == {"replicas": None}
    assert "replicas" not in apply_patch_to(live, plan)["spec"]


def test_server_defaults_and_status_are_preserved() -> None:
    live = applied(manifest())
    after = apply_patch_to(live, plan_apply(manifest(labels={"app": "web", "v": "2"}), live))
    assert after["status"] == live["status"]
    assert after["metadata"]["uid"] == "u-1"
    assert after["spec"]["strategy"] == live["spec"]["strategy"]
    assert after["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert containers_of(after)[0]["terminationMessagePath"] == "/dev/termination-log"


def test_a_container_added_by_someone_else_is_kept() -> None:
    m = manifest()
    live = applied(m)
    containers_of(live).append({"name": "sidecar", "image": "envoy"})
    after = apply_patch_to(live, plan_apply(manifest([{"name": "web", "image": "nginx:1.28"}]), live))
    assert [c["name"] for c in containers_of(after)] == ["web", "sidecar"]


def test_an_object_created_without_apply_gets_the_warning_and_the_annotation() -> None:
    m = manifest()
    live = server_store(m)
    plan = plan_apply(m, live)
    assert plan.action == "patch"
    assert plan.warning is not None
    assert plan.warning.startswith(f"resource deployments/web is missing the {LAST_APPLIED} annotation")
    assert plan.body == {"metadata": {"annotations": {LAST_APPLIED: last_applied_of(m)}}}


def test_without_last_applied_nothing_is_deleted() -> None:
    live = server_store(manifest(labels={"app": "web", "tier": "fe"}))
    after = apply_patch_to(live, plan_apply(manifest(labels={"app": "web"}), live))
    assert after["metadata"]["labels"] == {"app": "web", "tier": "fe"}


def test_three_way_patch_of_a_configmap_deletes_dropped_keys_and_keeps_foreign_ones() -> None:
    original = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}}
    modified = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "9"}}
    current = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "uid": "x"},
        "data": {"a": "1", "b": "2", "z": "3"},
    }
    assert create_three_way_patch(original, modified, current) == {"data": {"a": "9", "b": None}}


def test_a_finalizer_dropped_from_the_manifest_uses_the_primitive_deletion_list() -> None:
    def cm(finalizers: list[str]) -> dict[str, Any]:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": finalizers}}

    live = plan_apply(cm(["a/x", "b/y"]), None).body
    plan = plan_apply(cm(["a/x"]), live)
    assert plan.body["metadata"]["$deleteFromPrimitiveList/finalizers"] == ["b/y"]
    assert apply_patch_to(live, plan)["metadata"]["finalizers"] == ["a/x"]
