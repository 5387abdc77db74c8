from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelearn.cluster.apiserver.patch import (
    PatchError,
    apply_patch,
    create_two_way_patch,
    json_merge_patch,
    json_patch,
    strategic_merge_patch,
)


def deployment(containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}},
            **spec,
        },
    }


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def template_patch(spec: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": spec}}}


# --- JSON merge patch ---------------------------------------------------------------


def test_merge_patch_merges_maps_and_null_deletes() -> None:
    target = {"metadata": {"labels": {"app": "web", "tier": "fe"}}, "spec": {"replicas": 1}}
    patched = json_merge_patch(target, {"metadata": {"labels": {"tier": None, "env": "prod"}}, "spec": {"replicas": 5}})
    assert patched == {"metadata": {"labels": {"app": "web", "env": "prod"}}, "spec": {"replicas": 5}}


def test_merge_patch_replaces_lists_and_does_not_touch_its_input() -> None:
    target = {"spec": {"ports": [{"port": 80}, {"port": 443}]}}
    before = copy.deepcopy(target)
    assert json_merge_patch(target, {"spec": {"ports": [{"port": 8080}]}}) == {"spec": {"ports": [{"port": 8080}]}}
    assert target == before


def test_merge_patch_drops_nulls_inside_new_values() -> None:
    assert json_merge_patch({}, {"a": {"b": None, "c": 1}}) == {"a": {"c": 1}}


def test_merge_patch_rejects_a_body_that_is_not_an_object() -> None:
    with pytest.raises(PatchError) as err:
        json_merge_patch({}, [1])  # type: ignore[arg-type]
    assert err.value.code == 400


# --- JSON patch -----------------------------------------------------------------------


def test_json_patch_add_remove_replace_move_copy_and_test() -> None:
    doc = {"spec": {"replicas": 1, "list": ["a", "b"]}, "metadata": {"labels": {"app": "web"}}}
    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 1},
        {"op": "replace", "path": "/spec/replicas", "value": 3},
        {"op": "add", "path": "/spec/list/1", "value": "x"},
        {"op": "add", "path": "/spec/list/-", "value": "z"},
        {"op": "remove", "path": "/spec/list/0"},
        {"op": "copy", "from": "/metadata/labels/app", "path": "/metadata/labels/copy"},
        {"op": "move", "from": "/metadata/labels/app", "path": "/metadata/labels/moved"},
    ]
    assert json_patch(doc, ops) == {
        "spec": {"replicas": 3, "list": ["x", "b", "z"]},
        "metadata": {"labels": {"copy": "web", "moved": "web"}},
    }
    assert doc["spec"]["replicas"] == 1


def test_json_pointer_unescapes_tilde_one_then_tilde_zero() -> None:
    doc = {"metadata": {"annotations": {"example.com/a~b": "1"}}}
    patched = json_patch(doc, [{"op": "replace", "path": "/metadata/annotations/example.com~1a~0b", "value": "2"}])
    assert patched == {"metadata": {"annotations": {"example.com/a~b": "2"}}}


def test_json_patch_negative_index_counts_from_the_end() -> None:
    assert json_patch({"a": [1, 2, 3]}, [{"op": "remove", "path": "/a/-1"}]) == {"a": [1, 2]}


def test_json_patch_replace_of_missing_object_key_adds_it_like_json_patch_v4() -> None:
    assert json_patch({"spec": {}}, [{"op": "replace", "path": "/spec/foo", "value": 1}]) == {"spec": {"foo": 1}}


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ({"op": "test", "path": "/spec/replicas", "value": 2}, "testing value /spec/replicas failed: test failed"),
        ({"op": "test", "path": "/spec/replicas", "value": True}, "testing value /spec/replicas failed: test failed"),
        (
            {"op": "replace", "path": "/spec/foo/bar", "value": 1},
            "replace operation does not apply: doc is missing path: /spec/foo/bar: missing value",
        ),
        (
            {"op": "replace", "path": "/spec/list/5", "value": 1},
            "replace operation does not apply: doc is missing key: /spec/list/5: missing value",
        ),
        (
            {"op": "add", "path": "/nope/x", "value": 1},
            'add operation does not apply: doc is missing path: "/nope/x": missing value',
        ),
        (
            {"op": "add", "path": "/spec/list/9", "value": 1},
            "error in add for path: '/spec/list/9': Unable to access invalid index: 9: invalid index referenced",
        ),
        (
            {"op": "remove", "path": "/spec/missing"},
            "error in remove for path: '/spec/missing': Unable to remove nonexistent key: missing: missing value",
        ),
        (
            {"op": "move", "from": "/nope/a", "path": "/spec/a"},
            "move operation does not apply: doc is missing from path: /nope/a: missing value",
        ),
        ({"op": "frobnicate", "path": "/spec"}, "Unexpected kind: frobnicate"),
    ],
)
def test_json_patch_failures_carry_the_json_patch_library_wording(op: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError) as err:
        json_patch({"spec": {"replicas": 1, "list": [1]}}, [op])
    assert str(err.value) == message


def test_a_failed_json_patch_becomes_the_servers_422_with_the_detail_as_cause() -> None:
    with pytest.raises(PatchError) as err:
        json_patch({"spec": {"replicas": 1}}, [{"op": "test", "path": "/spec/replicas", "value": 2}])
    status = err.value.status_error().status()
    assert status["code"] == 422
    assert status["reason"] == "Invalid"
    assert status["message"] == "the server rejected our request due to an error in our request"
    assert status["details"]["causes"] == [{"message": "testing value /spec/replicas failed: test failed"}]


def test_a_failed_operation_leaves_the_input_untouched() -> None:
    doc = {"spec": {"replicas": 1}}
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "replace", "path": "/spec/replicas", "value": 9}, {"op": "remove", "path": "/x"}])
    assert doc == {"spec": {"replicas": 1}}


# --- strategic merge patch: lists -------------------------------------------------------


def test_containers_merge_by_name_and_new_ones_come_first_as_in_the_kubectl_patch_docs() -> None:
    live = deployment([{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "redis"}])
    patched = strategic_merge_patch(
        live, template_patch({"containers": [{"name": "c", "image": "x"}, {"name": "a", "image": "nginx:2"}]})
    )
    # Patch items keep the patch's order and go before live-only items (normalizeElementOrder).
    assert pod_spec(patched)["containers"] == [
        {"name": "c", "image": "x"},
        {"name": "a", "image": "nginx:2"},
        {"name": "b", "image": "redis"},
    ]


def test_container_ports_merge_by_container_port() -> None:
    live = deployment([{"name": "a", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}]}])
    patched = strategic_merge_patch(
        live, template_patch({"containers": [{"name": "a", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]})
    )
    assert pod_spec(patched)["containers"][0]["ports"] == [
        {"containerPort": 80, "name": "http", "protocol": "TCP"},
        {"containerPort": 443},
    ]


def test_env_merges_by_name_and_volume_mounts_by_mount_path() -> None:
    live = deployment(
        [{"name": "a", "env": [{"name": "A", "value": "1"}], "volumeMounts": [{"name": "v", "mountPath": "/data"}]}],
    )
    patch = template_patch(
        {
            "containers": [
                {
                    "name": "a",
                    "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}],
                    "volumeMounts": [{"name": "w", "mountPath": "/data", "readOnly": True}],
                }
            ]
        }
    )
    container = pod_spec(strategic_merge_patch(live, patch))["containers"][0]
    assert container["env"] == [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}]
    assert container["volumeMounts"] == [{"name": "w", "mountPath": "/data", "readOnly": True}]


def test_volumes_merge_by_name() -> None:
    live = deployment([{"name": "a"}], replicas=1)
    pod_spec(live)["volumes"] = [{"name": "cfg", "configMap": {"name": "c1"}}]
    patched = strategic_merge_patch(live, template_patch({"volumes": [{"name": "tmp", "emptyDir": {}}]}))
    assert pod_spec(patched)["volumes"] == [
        {"name": "tmp", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "c1"}},
    ]


def test_lists_without_a_merge_strategy_are_replaced() -> None:
    live = deployment([{"name": "a", "args": ["--x", "--y"], "command": ["sh"]}])
    patched = strategic_merge_patch(live, template_patch({"containers": [{"name": "a", "args": ["--z"]}]}))
    assert pod_spec(patched)["containers"][0] == {"name": "a", "args": ["--z"], "command": ["sh"]}


def test_merged_primitive_lists_are_unioned() -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b"]}}
    patched = strategic_merge_patch(live, {"metadata": {"finalizers": ["c", "a"]}})
    assert patched["metadata"]["finalizers"] == ["c", "a", "b"]


def test_service_ports_merge_by_port() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]},
    }
    patched = strategic_merge_patch(live, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}})
    assert patched["spec"]["ports"] == [{"port": 80, "targetPort": 9090}, {"port": 443}]


def test_a_list_item_without_its_merge_key_is_an_error() -> None:
    live = deployment([{"name": "a"}])
    with pytest.raises(PatchError, match="does not contain declared merge key: name"):
        strategic_merge_patch(live, template_patch({"containers": [{"image": "x"}]}))


# --- strategic merge patch: maps, nulls and directives ----------------------------------------


def test_maps_merge_recursively_and_null_deletes() -> None:
    live = deployment([{"name": "a"}], replicas=2)
    live["metadata"]["labels"]["tier"] = "fe"
    patched = strategic_merge_patch(
        live, {"metadata": {"labels": {"tier": None, "env": "dev"}}, "spec": {"replicas": None}}
    )
    assert patched["metadata"]["labels"] == {"app": "web", "env": "dev"}
    assert "replicas" not in patched["spec"]


def test_patch_delete_directive_removes_a_list_item() -> None:
    live = deployment([{"name": "a"}, {"name": "b"}])
    patched = strategic_merge_patch(live, template_patch({"containers": [{"$patch": "delete", "name": "b"}]}))
    assert pod_spec(patched)["containers"] == [{"name": "a"}]


def test_patch_replace_directive_in_a_list_replaces_the_whole_list() -> None:
    live = deployment([{"name": "a", "image": "1"}, {"name": "b"}])
    patched = strategic_merge_patch(live, template_patch({"containers": [{"name": "c"}, {"$patch": "replace"}]}))
    assert pod_spec(patched)["containers"] == [{"name": "c"}]


def test_patch_replace_directive_in_a_map_replaces_the_map() -> None:
    live = deployment([{"name": "a"}])
    patched = strategic_merge_patch(live, {"metadata": {"labels": {"$patch": "replace", "only": "this"}}})
    assert patched["metadata"]["labels"] == {"only": "this"}


def test_patch_delete_directive_in_a_map_empties_it() -> None:
    live = deployment([{"name": "a"}])
    patched = strategic_merge_patch(live, {"metadata": {"labels": {"$patch": "delete"}}})
    assert patched["metadata"]["labels"] == {}


def test_delete_from_primitive_list_directive() -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b", "c"]}}
    patched = strategic_merge_patch(live, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}})
    assert patched["metadata"]["finalizers"] == ["a", "c"]


def test_set_element_order_directive_reorders_the_merged_list() -> None:
    live = deployment([{"name": "a", "image": "1"}, {"name": "b", "image": "2"}])
    patch = template_patch(
        {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}], "containers": [{"name": "a", "image": "3"}]}
    )
    assert pod_spec(strategic_merge_patch(live, patch))["containers"] == [
        {"name": "b", "image": "2"},
        {"name": "a", "image": "3"},
    ]


def test_set_image_patch_from_kubectl_updates_only_the_image() -> None:
    live = deployment([{"name": "web", "image": "nginx:1.26", "ports": [{"containerPort": 80}]}])
    patch = template_patch(
        {"$setElementOrder/containers": [{"name": "web"}], "containers": [{"image": "nginx:1.27", "name": "web"}]}
    )
    patched = strategic_merge_patch(live, patch)
    assert pod_spec(patched)["containers"] == [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]
    assert "$setElementOrder/containers" not in pod_spec(patched)


def test_retain_keys_drops_fields_not_listed() -> None:
    live = deployment([{"name": "a"}], strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}})
    patched = strategic_merge_patch(live, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
    assert patched["spec"]["strategy"] == {"type": "Recreate"}


def test_retain_keys_must_list_every_field_the_patch_sets() -> None:
    live = deployment([{"name": "a"}], strategy={"type": "RollingUpdate"})
    with pytest.raises(PatchError, match="patch content doesn't match retainKeys list"):
        strategic_merge_patch(live, {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}})


def test_directives_in_brand_new_values_do_not_leak_into_the_object() -> None:
    live = deployment([{"name": "a"}])
    patched = strategic_merge_patch(live, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
    assert patched["spec"]["strategy"] == {"type": "Recreate"}


def test_the_real_kubectl_apply_patch_from_the_wire_capture() -> None:
    live = deployment(
        [
            {"name": "a", "image": "x", "ports": [{"containerPort": 80}, {"containerPort": 443}]},
            {"name": "b", "image": "y"},
        ],
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    )
    patch = {
        "spec": {
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
    }
    patched = strategic_merge_patch(live, patch)
    assert patched["spec"]["strategy"] == {"type": "Recreate"}
    assert pod_spec(patched)["containers"] == [{"name": "a", "image": "x", "ports": [{"containerPort": 80}]}]


def test_unknown_kinds_fall_back_to_plain_json_merge_rules() -> None:
    live = {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"items": [1, 2], "m": {"a": 1}}}
    patched = strategic_merge_patch(live, {"spec": {"items": [3], "m": {"b": 2}}})
    assert patched["spec"] == {"items": [3], "m": {"a": 1, "b": 2}}


# --- dispatch and two-way diff ------------------------------------------------------------


def test_apply_patch_dispatches_on_content_type() -> None:
    live = deployment([{"name": "a"}], replicas=1)
    assert apply_patch("application/merge-patch+json", live, {"spec": {"replicas": 4}})["spec"]["replicas"] == 4
    ops = [{"op": "replace", "path": "/spec/replicas", "value": 2}]
    assert apply_patch("application/json-patch+json; charset=utf-8", live, ops)["spec"]["replicas"] == 2
    smp = apply_patch("application/strategic-merge-patch+json", live, template_patch({"containers": [{"name": "b"}]}))
    assert [c["name"] for c in pod_spec(smp)["containers"]] == ["b", "a"]


def test_two_way_patch_matches_what_kubectl_set_image_sends() -> None:
    before = deployment([{"name": "web", "image": "nginx:1.26"}])
    after = deployment([{"name": "web", "image": "nginx:1.27"}])
    assert create_two_way_patch(before, after) == template_patch(
        {"$setElementOrder/containers": [{"name": "web"}], "containers": [{"image": "nginx:1.27", "name": "web"}]}
    )


def test_an_unknown_patch_content_type_is_415() -> None:
    with pytest.raises(PatchError) as err:
        apply_patch("text/plain", {}, {})
    assert err.value.status_error().status()["reason"] == "UnsupportedMediaType"


def test_set_element_order_also_orders_primitive_lists() -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b"]}}
    patch = {"metadata": {"$setElementOrder/finalizers": ["c", "b", "a"], "finalizers": ["c"]}}
    assert strategic_merge_patch(live, patch)["metadata"]["finalizers"] == ["c", "b", "a"]
