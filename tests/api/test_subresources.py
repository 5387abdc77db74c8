"""The scale and status subresources, evictions, logs, can-i and the metrics API."""

from __future__ import annotations

from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import Api

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
PODS = "/api/v1/namespaces/default/pods"


def test_scale_reads_as_autoscaling_v1_scale(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=2))
    scale = api.get(f"{DEPLOYMENTS}/web/scale").json()
    assert scale["kind"] == "Scale"
    assert scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 2}
    assert scale["status"]["selector"] == "app=web"
    assert scale["metadata"]["name"] == "web"
    assert scale["metadata"]["namespace"] == "default"


def test_kubectl_scale_merge_patches_the_scale_subresource(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=2))
    response = api.patch(f"{DEPLOYMENTS}/web/scale", {"spec": {"replicas": 5}}, "application/merge-patch+json")
    assert response.status_code == 200
    assert response.json()["spec"]["replicas"] == 5
    assert api.get(f"{DEPLOYMENTS}/web").json()["spec"]["replicas"] == 5


def test_the_python_client_strategic_patches_and_puts_scale(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=2))
    api.patch(f"{DEPLOYMENTS}/web/scale", {"spec": {"replicas": 3}}, "application/strategic-merge-patch+json")
    assert api.get(f"{DEPLOYMENTS}/web").json()["spec"]["replicas"] == 3
    scale = api.get(f"{DEPLOYMENTS}/web/scale").json()
    scale["spec"]["replicas"] = 1
    assert api.put(f"{DEPLOYMENTS}/web/scale", scale).json()["spec"]["replicas"] == 1


def test_a_negative_scale_is_invalid(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment())
    response = api.patch(f"{DEPLOYMENTS}/web/scale", {"spec": {"replicas": -1}}, "application/merge-patch+json")
    assert response.status_code == 422


def test_status_subresource_reads_the_object_and_writes_only_status(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=2))
    assert api.get(f"{DEPLOYMENTS}/web/status").json()["kind"] == "Deployment"
    patch = {"spec": {"replicas": 9}, "status": {"observedGeneration": 42}}
    body = api.patch(f"{DEPLOYMENTS}/web/status", patch, "application/merge-patch+json").json()
    assert body["spec"]["replicas"] == 2
    assert body["status"]["observedGeneration"] == 42


def test_an_unknown_subresource_is_404(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment())
    assert api.get(f"{DEPLOYMENTS}/web/log").status_code == 404


def test_eviction_deletes_the_pod_gracefully(api: Api, make_deployment, sandbox: LiveSandbox) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=1))
    sandbox.cluster.step(30)
    pod = api.get(PODS).json()["items"][0]["metadata"]["name"]
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pod, "namespace": "default"}}
    response = api.post(f"{PODS}/{pod}/eviction", eviction)
    assert response.status_code == 201
    assert response.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    assert api.get(f"{PODS}/{pod}").json()["metadata"]["deletionTimestamp"]


def test_logs_are_plain_text_with_tail_lines(api: Api, make_deployment, sandbox: LiveSandbox) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=1, image="nginx"))
    sandbox.cluster.step(30)
    pod = api.get(PODS).json()["items"][0]["metadata"]["name"]
    full = api.get(f"{PODS}/{pod}/log?container=web")
    assert full.status_code == 200
    assert full["Content-Type"].startswith("text/plain")
    lines = full.content.decode().splitlines()
    assert len(lines) > 2
    tail = api.get(f"{PODS}/{pod}/log?tailLines=2").content.decode().splitlines()
    assert tail == lines[-2:]


def test_logs_of_a_missing_container_are_a_400_status(api: Api, make_deployment, sandbox: LiveSandbox) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=1))
    sandbox.cluster.step(30)
    pod = api.get(PODS).json()["items"][0]["metadata"]["name"]
    response = api.get(f"{PODS}/{pod}/log?container=nope")
    assert response.status_code == 400
    assert response.json()["kind"] == "Status"


def test_auth_can_i_is_always_yes_in_your_own_sandbox(api: Api) -> None:
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}},
    }
    response = api.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review)
    assert response.status_code == 201
    assert response.json()["status"]["allowed"] is True


def test_pod_disruption_budgets_list_empty(api: Api) -> None:
    body = api.get("/apis/policy/v1/namespaces/default/poddisruptionbudgets").json()
    assert body == {
        "kind": "PodDisruptionBudgetList",
        "apiVersion": "policy/v1",
        "metadata": body["metadata"],
        "items": [],
    }


def test_kubectl_top_reads_pod_and_node_metrics(api: Api, make_deployment, sandbox: LiveSandbox) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=1))
    sandbox.cluster.step(30)
    pods = api.get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods").json()
    assert pods["kind"] == "PodMetricsList"
    assert len(pods["items"]) == 1
    usage = pods["items"][0]["containers"][0]["usage"]
    assert usage["cpu"].endswith("n")
    assert usage["memory"].endswith("Ki")
    nodes = api.get("/apis/metrics.k8s.io/v1beta1/nodes").json()
    assert nodes["kind"] == "NodeMetricsList"
    assert len(nodes["items"]) == 3
