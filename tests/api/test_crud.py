"""Create, read, update, patch and delete through the facade, with upstream's Status errors."""

from __future__ import annotations

from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import Api

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def configmap(name: str = "cfg", **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data or {"a": "b"}}


def test_create_answers_201_with_server_set_fields_and_get_returns_the_same(api: Api, make_deployment) -> None:
    created = api.post(DEPLOYMENTS, make_deployment())
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "Deployment"
    assert body["apiVersion"] == "apps/v1"
    meta = body["metadata"]
    assert meta["namespace"] == "default"
    assert meta["uid"]
    assert meta["resourceVersion"]
    assert meta["generation"] == 1
    fetched = api.get(f"{DEPLOYMENTS}/web").json()
    assert fetched["metadata"]["uid"] == meta["uid"]


def test_list_has_the_store_revision_and_items_without_kind(api: Api) -> None:
    api.post(CONFIGMAPS, configmap("one"))
    api.post(CONFIGMAPS, configmap("two"))
    body = api.get(CONFIGMAPS).json()
    assert body["kind"] == "ConfigMapList"
    assert body["apiVersion"] == "v1"
    assert int(body["metadata"]["resourceVersion"]) > 0
    assert [i["metadata"]["name"] for i in body["items"]] == ["one", "two"]
    assert "kind" not in body["items"][0]


def test_lists_filter_by_label_and_field_selectors(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment("web"))
    api.post(DEPLOYMENTS, make_deployment("db"))
    names = lambda q: [i["metadata"]["name"] for i in api.get(f"/api/v1/namespaces/default/pods?{q}").json()["items"]]  # noqa: E731
    assert names("labelSelector=app%3Dweb")
    assert all(n.startswith("web-") for n in names("labelSelector=app%3Dweb"))
    assert all(n.startswith("db-") for n in names("labelSelector=app+in+(db)"))
    one = names("labelSelector=app%3Dweb")[0]
    assert names(f"fieldSelector=metadata.name%3D{one}") == [one]


def test_an_unsupported_field_selector_is_400_as_upstream_words_it(api: Api) -> None:
    response = api.get("/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dx")
    assert response.status_code == 400
    assert response.json()["message"] == "field label not supported: spec.foo"


def test_lists_across_all_namespaces_and_of_cluster_scoped_kinds(api: Api) -> None:
    api.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    api.post("/api/v1/namespaces/team-a/configmaps", configmap("x"))
    api.post(CONFIGMAPS, configmap("y"))
    items = api.get("/api/v1/configmaps").json()["items"]
    assert {(i["metadata"]["namespace"], i["metadata"]["name"]) for i in items} >= {("team-a", "x"), ("default", "y")}
    nodes = api.get("/api/v1/nodes").json()["items"]
    assert len(nodes) == 3


def test_already_exists_is_a_409_status_with_details(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())
    response = api.post(CONFIGMAPS, configmap())
    assert response.status_code == 409
    assert response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "cfg" already exists',
        "reason": "AlreadyExists",
        "code": 409,
        "details": {"name": "cfg", "kind": "configmaps"},
    }


def test_not_found_names_the_resource_and_group(api: Api) -> None:
    response = api.get(f"{DEPLOYMENTS}/nope")
    assert response.status_code == 404
    assert response.json()["message"] == 'deployments.apps "nope" not found'


def test_an_invalid_object_is_422_with_details_causes(api: Api, make_deployment) -> None:
    """kubectl drops the message of a 422 without causes, so each field error is a cause."""
    bad = make_deployment()
    del bad["spec"]["template"]["spec"]["containers"][0]["image"]
    response = api.post(DEPLOYMENTS, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "Invalid"
    assert body["message"] == 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value'
    assert body["details"] == {
        "name": "web",
        "group": "apps",
        "kind": "Deployment",
        "causes": [
            {
                "reason": "FieldValueRequired",
                "message": "Required value",
                "field": "spec.template.spec.containers[0].image",
            }
        ],
    }


def test_strict_field_validation_refuses_unknown_fields(api: Api, make_deployment) -> None:
    bad = make_deployment()
    bad["spec"]["replica"] = 2
    response = api.post(f"{DEPLOYMENTS}?fieldValidation=Strict", bad)
    assert response.status_code == 400
    assert response.json()["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"'
    )


def test_warn_is_the_default_and_sends_warning_headers(api: Api, make_deployment) -> None:
    bad = make_deployment()
    bad["spec"]["replica"] = 2
    response = api.post(DEPLOYMENTS, bad)
    assert response.status_code == 201
    assert response["Warning"] == '299 - "unknown field \\"spec.replica\\""'


def test_ignore_accepts_unknown_fields_silently(api: Api, make_deployment) -> None:
    bad = make_deployment()
    bad["spec"]["replica"] = 2
    response = api.post(f"{DEPLOYMENTS}?fieldValidation=Ignore", bad)
    assert response.status_code == 201
    assert not response.has_header("Warning")
    assert "replica" not in response.json()["spec"]


def test_dry_run_all_validates_but_does_not_persist(api: Api, sandbox: LiveSandbox) -> None:
    revision = sandbox.cluster.store.revision
    response = api.post(f"{CONFIGMAPS}?dryRun=All", configmap())
    assert response.status_code == 201
    assert response.json()["metadata"]["name"] == "cfg"
    assert sandbox.cluster.store.revision == revision
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 404


def test_put_without_resource_version_replaces_and_a_stale_one_conflicts(api: Api) -> None:
    """``kubectl replace -f`` sends no resourceVersion; a stale one is a 409 Conflict."""
    created = api.post(CONFIGMAPS, configmap(a="1")).json()
    replaced = api.put(f"{CONFIGMAPS}/cfg", configmap(a="2"))
    assert replaced.status_code == 200
    assert replaced.json()["data"] == {"a": "2"}
    stale = configmap(a="3")
    stale["metadata"]["resourceVersion"] = created["metadata"]["resourceVersion"]
    conflict = api.put(f"{CONFIGMAPS}/cfg", stale)
    assert conflict.status_code == 409
    assert conflict.json()["reason"] == "Conflict"


def test_put_with_a_different_name_than_the_url_is_400(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())
    response = api.put(f"{CONFIGMAPS}/cfg", configmap("other"))
    assert response.status_code == 400
    assert "does not match the name on the URL" in response.json()["message"]


def test_merge_patch_adds_a_label(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment())
    response = api.patch(
        f"{DEPLOYMENTS}/web", {"metadata": {"labels": {"tier": "web"}}}, "application/merge-patch+json"
    )
    assert response.status_code == 200
    assert response.json()["metadata"]["labels"] == {"tier": "web"}


def test_json_patch_replaces_a_value(api: Api, make_deployment) -> None:
    api.post(DEPLOYMENTS, make_deployment())
    ops = [{"op": "replace", "path": "/spec/replicas", "value": 5}]
    response = api.patch(f"{DEPLOYMENTS}/web", ops, "application/json-patch+json")
    assert response.json()["spec"]["replicas"] == 5


def test_strategic_merge_patch_merges_containers_by_name(api: Api, make_deployment) -> None:
    """What ``kubectl set image`` sends."""
    api.post(DEPLOYMENTS, make_deployment())
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}],
                    "containers": [{"name": "web", "image": "nginx:1.28"}],
                }
            }
        }
    }
    body = api.patch(
        f"{DEPLOYMENTS}/web?fieldManager=kubectl-set", patch, "application/strategic-merge-patch+json"
    ).json()
    containers = body["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("web", "nginx:1.28")]
    assert body["metadata"]["generation"] == 2


def test_server_side_apply_creates_when_absent_then_merges(api: Api) -> None:
    applied = configmap(colour="blue")
    path = f"{CONFIGMAPS}/cfg?fieldManager=kubectl&fieldValidation=Strict&force=false"
    created = api.patch(path, applied, "application/apply-patch+yaml")
    assert created.status_code == 201
    assert created.json()["data"] == {"colour": "blue"}
    yaml_body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  colour: red\n"
    updated = api.patch(path, yaml_body, "application/apply-patch+yaml")
    assert updated.status_code == 200
    assert updated.json()["data"] == {"colour": "red"}


def test_server_side_apply_needs_a_field_manager(api: Api) -> None:
    response = api.patch(f"{CONFIGMAPS}/cfg", configmap(), "application/apply-patch+yaml")
    assert response.status_code == 422
    assert response.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
    )


def test_an_unknown_patch_type_is_415(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())
    response = api.patch(f"{CONFIGMAPS}/cfg", {"data": {}}, "application/json")
    assert response.status_code == 415
    assert response.json()["reason"] == "UnsupportedMediaType"


def test_deleting_a_deployment_answers_a_success_status(api: Api, make_deployment) -> None:
    uid = api.post(DEPLOYMENTS, make_deployment()).json()["metadata"]["uid"]
    response = api.delete(f"{DEPLOYMENTS}/web", {"propagationPolicy": "Background"})
    assert response.status_code == 200
    assert response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "web", "group": "apps", "kind": "deployments", "uid": uid},
    }
    assert api.get(f"{DEPLOYMENTS}/web").status_code == 404


def test_deleting_a_running_pod_is_graceful_and_returns_the_terminating_pod(api: Api, make_deployment, sandbox) -> None:
    api.post(DEPLOYMENTS, make_deployment(replicas=1))
    sandbox.cluster.step(30)
    pod = api.get("/api/v1/namespaces/default/pods").json()["items"][0]["metadata"]["name"]
    response = api.delete(f"/api/v1/namespaces/default/pods/{pod}")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "Pod"
    assert body["metadata"]["deletionTimestamp"]
    assert api.get(f"/api/v1/namespaces/default/pods/{pod}").status_code == 200


def test_delete_honours_grace_period_query_and_uid_preconditions(api: Api) -> None:
    api.post(CONFIGMAPS, configmap())
    wrong = api.delete(f"{CONFIGMAPS}/cfg", {"preconditions": {"uid": "not-the-uid"}})
    assert wrong.status_code == 409
    assert api.delete(f"{CONFIGMAPS}/cfg?gracePeriodSeconds=0").status_code == 200
    assert api.get(f"{CONFIGMAPS}/cfg").status_code == 404


def test_deletecollection_deletes_what_the_selector_matches(api: Api) -> None:
    keep, drop = configmap("keep"), configmap("drop")
    drop["metadata"]["labels"] = {"doomed": "yes"}
    api.post(CONFIGMAPS, keep)
    api.post(CONFIGMAPS, drop)
    response = api.delete(f"{CONFIGMAPS}?labelSelector=doomed%3Dyes")
    assert response.status_code == 200
    assert [i["metadata"]["name"] for i in response.json()["items"]] == ["drop"]
    assert [i["metadata"]["name"] for i in api.get(CONFIGMAPS).json()["items"]] == ["keep"]


def test_a_body_over_3_mib_is_413(api: Api) -> None:
    response = api.post(CONFIGMAPS, configmap(big="x" * (3 * 1024 * 1024 + 10)))
    assert response.status_code == 413
    assert response.json()["message"] == "Request entity too large: limit is 3145728"


def test_a_body_for_another_kind_is_400(api: Api) -> None:
    response = api.post(DEPLOYMENTS, configmap())
    assert response.status_code == 400


def test_malformed_json_is_400_not_500(api: Api) -> None:
    response = api.post(CONFIGMAPS, "{not json")
    assert response.status_code == 400
    assert response.json()["kind"] == "Status"


def test_a_namespace_that_does_not_exist_is_404(api: Api) -> None:
    response = api.post("/api/v1/namespaces/nope/configmaps", configmap())
    assert response.status_code == 404
    assert response.json()["message"] == 'namespaces "nope" not found'


def test_events_are_found_by_involved_object_field_selectors(api: Api, make_deployment) -> None:
    deployment = api.post(DEPLOYMENTS, make_deployment()).json()
    selector = (
        "involvedObject.name%3Dweb,involvedObject.namespace%3Ddefault,"
        f"involvedObject.kind%3DDeployment,involvedObject.uid%3D{deployment['metadata']['uid']}"
    )
    events = api.get(f"/api/v1/namespaces/default/events?fieldSelector={selector}&limit=500").json()
    assert events["kind"] == "EventList"
    assert events["items"]
    assert all(e["involvedObject"]["name"] == "web" for e in events["items"])
    assert {e["reason"] for e in events["items"]} == {"ScalingReplicaSet"}
