"""The shortcuts on the ``kubectl apply`` path keep kubectl's answers and share nothing.

The three-way diff reads its inputs without copying them, patch metadata lookups and name
checks are memoised: these tests pin down that none of that is visible to callers.
"""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

import pytest

from kubelearn.cluster.apiserver import openapi
from kubelearn.cluster.apiserver.apply import LAST_APPLIED, plan_apply, with_last_applied
from kubelearn.cluster.apiserver.patch import create_three_way_patch
from kubelearn.cluster.apiserver.patch_strategic import _lookup, lookup
from kubelearn.cluster.apiserver.validation import names


def deployment(image: str = "nginx:1.27", env: list[dict[str, str]] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "web", "image": image, "ports": [{"containerPort": 80}]}
    if env is not None:
        container["env"] = env
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
        },
    }


def stored(manifest: dict[str, Any]) -> dict[str, Any]:
    """A live object as the server keeps it: annotated, defaulted, with status."""
    live = json.loads(json.dumps(with_last_applied(manifest)))
    live["metadata"].update({"uid": "u-1", "resourceVersion": "7"})
    live["spec"]["replicas"] = 1
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    live["status"] = {"replicas": 1}
    return live


def mutate_everything(value: Any) -> None:
    if isinstance(value, dict):
        for child in list(value.values()):
            mutate_everything(child)
        value["mutated"] = True
    elif isinstance(value, list):
        for child in list(value):
            mutate_everything(child)
        value.append("mutated")


def test_three_way_patch_leaves_its_inputs_alone_and_shares_nothing_with_them() -> None:
    live = stored(deployment())
    original = json.loads(live["metadata"]["annotations"][LAST_APPLIED])
    env = [{"name": "MODE", "value": "production"}]
    modified = with_last_applied(deployment(image="nginx:1.28", env=env))
    before = copy.deepcopy((original, modified, live))

    patch = create_three_way_patch(original, modified, live)

    assert (original, modified, live) == before
    container = patch["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.28"
    assert container["env"] == env
    mutate_everything(patch)  # the patch is the caller's own: writing to it changes no input
    assert (original, modified, live) == before


def test_a_merged_patch_list_holds_copies_of_the_manifest_items() -> None:
    """Dropping one container and adding another merges both passes' lists: no item is shared."""

    def with_containers(*names_: str) -> dict[str, Any]:
        manifest = deployment()
        manifest["spec"]["template"]["spec"]["containers"] = [{"name": n, "image": "busybox"} for n in names_]
        return manifest

    live = stored(with_containers("web", "sidecar"))
    original = json.loads(live["metadata"]["annotations"][LAST_APPLIED])
    modified = with_last_applied(with_containers("web", "extra"))
    before = copy.deepcopy((original, modified, live))

    patch = create_three_way_patch(original, modified, live)

    containers = patch["spec"]["template"]["spec"]["containers"]
    assert {"name": "extra", "image": "busybox"} in containers
    assert {"name": "sidecar", "$patch": "delete"} in containers
    mutate_everything(patch)
    assert (original, modified, live) == before


def test_an_unchanged_reapply_is_an_empty_patch_and_a_fresh_dict() -> None:
    manifest = deployment()
    live = stored(manifest)
    plan = plan_apply(manifest, live)
    assert (plan.action, plan.body) == ("unchanged", {})
    original = json.loads(live["metadata"]["annotations"][LAST_APPLIED])
    first = create_three_way_patch(original, with_last_applied(manifest), live)
    first["x"] = 1
    assert create_three_way_patch(original, with_last_applied(manifest), live) == {}


@pytest.mark.parametrize(
    ("live", "manifest", "expected"),
    [
        (1, 1.0, {}),  # both an int64 to Go, and equal
        (1.0, 1, {}),
        (2.0, 2.5, {"a": 2.5}),  # int64 then float64
        (1.5, 1.5, {}),
        (1, 1.5, {"a": 1.5}),
        (True, 1, {"a": 1}),  # bool and number are different kinds even though True == 1
        (1, True, {"a": True}),
        (False, False, {}),
        ("1", 1, {"a": 1}),
        ("x", "x", {}),
        ("x", "y", {"a": "y"}),
        (None, "x", {"a": "x"}),
        ({"b": 1}, {"b": 1}, {}),
        ({"b": 1}, {"b": 2}, {"a": {"b": 2}}),
        ([1, 2], [1, 2], {}),
        ([1, 2], [2, 1], {"a": [2, 1]}),
        ({"b": 1}, [1], {"a": [1]}),
    ],
)
def test_values_compare_with_go_kinds(live: Any, manifest: Any, expected: dict[str, Any]) -> None:
    assert create_three_way_patch({"a": live}, {"a": manifest}, {"a": live}) == expected


def test_patch_metadata_lookups_match_the_schema() -> None:
    definitions = openapi.definitions()
    for name in ("io.k8s.api.apps.v1.DeploymentSpec", "io.k8s.api.core.v1.PodSpec", "io.k8s.api.core.v1.Container"):
        schema = definitions[name]
        for key in [*schema["properties"], "unknownField"]:
            assert lookup(schema, key) == _lookup(schema, key)
            assert lookup(schema, key) is lookup(schema, key)
    assert lookup(definitions["io.k8s.api.core.v1.PodSpec"], "containers").merge_key == "name"


def test_patch_metadata_lookups_never_answer_for_another_schema() -> None:
    """Schemas built on the fly come and go: a memoised answer must belong to the very dict asked."""
    for i in range(50):
        strategy = "merge" if i % 2 else "replace"
        schema = {"properties": {"items": {"type": "array", "x-kubernetes-patch-strategy": strategy}}}
        assert lookup(schema, "items").strategy == strategy
        del schema
        gc.collect()


def test_memoised_name_checks_hand_out_lists_of_their_own() -> None:
    problems = names.is_qualified_name("not a/valid/key")
    assert problems
    problems.append("scribbled")
    assert names.is_qualified_name("not a/valid/key") == problems[:-1]
    value = names.is_valid_label_value("-bad-")
    value.clear()
    assert names.is_valid_label_value("-bad-")
    long_label = "a" * 300  # too long to remember, still checked
    assert names.is_valid_label_value(long_label) == ["must be no more than 63 characters"]
    assert names.is_dns1123_subdomain("Web") == names.is_dns1123_subdomain("Web")
    assert names.is_dns1123_label("a.b") == ["must not contain dots"]
