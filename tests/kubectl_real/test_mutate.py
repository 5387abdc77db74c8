"""Changing objects in place: ``label``, ``annotate``, ``patch`` (three patch types) and ``delete``."""

from __future__ import annotations

import pytest

from tests.kubectl_real.support import Kubectl

pytestmark = pytest.mark.kubectl


@pytest.fixture(scope="module", autouse=True)
def _running(kubectl: Kubectl) -> None:
    """Start the pods the delete tests need up front, so they come up while the other tests run."""
    kubectl("run", "solo", "--image=nginx:1.27")
    kubectl("create", "deployment", "gone", "--image=nginx:1.27", "--replicas=2")


def test_label_adds_refuses_to_overwrite_overwrites_and_removes(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "labelled")
    assert kubectl("label", "configmap", "labelled", "tier=backend").stdout == "configmap/labelled labeled\n"
    refused = kubectl("label", "configmap", "labelled", "tier=frontend", check=False)
    assert refused.returncode == 1
    assert refused.stderr == "error: 'tier' already has a value (backend), and --overwrite is false\n"
    assert kubectl("label", "configmap", "labelled", "tier=frontend", "--overwrite").stdout == (
        "configmap/labelled labeled\n"
    )
    assert kubectl("get", "configmap", "-l", "tier=frontend", "-o", "name").stdout == "configmap/labelled\n"
    assert kubectl("label", "configmap", "labelled", "tier-").stdout == "configmap/labelled unlabeled\n"
    assert kubectl.json("get", "configmap", "labelled")["metadata"].get("labels", {}) == {}


def test_annotate_sets_and_removes_an_annotation(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "noted")
    assert kubectl("annotate", "configmap", "noted", "owner=team-a").stdout == "configmap/noted annotated\n"
    assert kubectl.json("get", "configmap", "noted")["metadata"]["annotations"] == {"owner": "team-a"}
    assert kubectl("annotate", "configmap", "noted", "owner-").stdout == "configmap/noted annotated\n"
    assert "owner" not in (kubectl.json("get", "configmap", "noted")["metadata"].get("annotations") or {})


def test_patch_with_strategic_merge_and_json_patch_types(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "patched", "--image=nginx:1.27", "--replicas=0")
    smp = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'
    assert kubectl("patch", "deployment", "patched", "-p", smp).stdout == "deployment.apps/patched patched\n"
    assert (
        kubectl("patch", "deployment", "patched", "-p", smp).stdout == "deployment.apps/patched patched (no change)\n"
    )
    containers = kubectl.json("get", "deployment", "patched")["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("nginx", "nginx:1.28")]  # merged by name
    merge = kubectl("patch", "deployment", "patched", "--type=merge", "-p", '{"metadata":{"labels":{"x":"1"}}}')
    assert merge.stdout == "deployment.apps/patched patched\n"
    ops = '[{"op":"replace","path":"/spec/replicas","value":1}]'
    assert kubectl("patch", "deployment", "patched", "--type=json", "-p", ops).stdout == (
        "deployment.apps/patched patched\n"
    )
    deploy = kubectl.json("get", "deployment", "patched")
    assert (deploy["spec"]["replicas"], deploy["metadata"]["labels"]["x"]) == (1, "1")


def test_a_patch_that_breaks_validation_is_invalid(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "guarded")
    result = kubectl("patch", "deployment", "nope", "-p", '{"spec":{"replicas":1}}', check=False)
    assert result.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'
    kubectl("create", "deployment", "guarded", "--image=nginx", "--replicas=0")
    result = kubectl("patch", "deployment", "guarded", "--type=merge", "-p", '{"spec":{"replicas":-2}}', check=False)
    assert result.returncode == 1
    assert result.stderr == (
        'The Deployment "guarded" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0\n'
    )


def test_delete_removes_objects_and_a_second_delete_is_not_found(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "doomed")
    kubectl("create", "secret", "generic", "doomed")
    result = kubectl("delete", "configmap,secret", "doomed")
    assert result.stdout.splitlines() == ['configmap "doomed" deleted', 'secret "doomed" deleted']
    again = kubectl("delete", "configmap", "doomed", check=False)
    assert (again.returncode, again.stderr) == (1, 'Error from server (NotFound): configmaps "doomed" not found\n')
    assert kubectl("delete", "configmap", "doomed", "--ignore-not-found").stdout == ""


def test_deleting_a_running_pod_waits_until_it_is_gone(kubectl: Kubectl) -> None:
    """Graceful deletion: kubectl watches for DELETED before it prints and returns."""
    kubectl("wait", "--for=condition=Ready", "pod/solo", "--timeout=60s")
    assert kubectl("delete", "pod", "solo", timeout=30).stdout == 'pod "solo" deleted\n'
    gone = kubectl("get", "pod", "solo", check=False)
    assert gone.stderr == 'Error from server (NotFound): pods "solo" not found\n'


def test_deleting_a_deployment_takes_its_replicasets_and_pods_along(kubectl: Kubectl) -> None:
    kubectl("rollout", "status", "deployment/gone", "--timeout=60s")
    assert kubectl("delete", "deployment", "gone").stdout == 'deployment.apps "gone" deleted\n'
    kubectl.poll(
        lambda: kubectl("get", "rs,pods", "-l", "app=gone", "-o", "name").stdout == "",
        what="the garbage collector to remove the ReplicaSet and its pods",
    )
