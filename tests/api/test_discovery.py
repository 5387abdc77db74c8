"""Version, discovery, OpenAPI and access: what kubectl reads before it does anything."""

from __future__ import annotations

from django.test import Client

from kubelearn.sandboxes.runtime import LiveSandbox

from .conftest import Api

VERSION_FIELDS = {
    "major",
    "minor",
    "gitVersion",
    "gitCommit",
    "gitTreeState",
    "buildDate",
    "goVersion",
    "compiler",
    "platform",
}


def test_version_answers_with_and_without_trailing_slash(api: Api) -> None:
    """kubectl asks /version, the Python client /version/; both get all nine fields of 1.32."""
    for path in ("/version", "/version/"):
        body = api.get(path).json()
        assert set(body) == VERSION_FIELDS
        assert body["gitVersion"].startswith("v1.32.")
        assert (body["major"], body["minor"]) == ("1", "32")


def test_a_wrong_key_gets_401_unauthorized_and_never_another_sandbox(sandbox: LiveSandbox) -> None:
    """kubectl prints "You must be logged in to the server (Unauthorized)" for this Status."""
    response = Client().get("/k8s/not-the-key/api/v1/namespaces/default/pods")
    assert response.status_code == 401
    assert response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }


def test_the_facade_sets_no_cookies_and_needs_no_csrf_token(api: Api, make_deployment) -> None:
    """kubectl has no cookie jar: a POST without a CSRF token succeeds and nothing is set."""
    response = api.post("/apis/apps/v1/namespaces/default/deployments", make_deployment())
    assert response.status_code == 201
    assert not response.cookies


def test_core_and_group_discovery_are_plain_documents(api: Api) -> None:
    """/api and /apis answer APIVersions/APIGroupList, so kubectl falls back to per-group lists."""
    assert api.get("/api").json() == {"kind": "APIVersions", "versions": ["v1"]}
    groups = {g["name"]: g for g in api.get("/apis/").json()["groups"]}
    assert {"apps", "autoscaling", "batch", "policy"} <= set(groups)
    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    assert groups["autoscaling"]["versions"] == [{"groupVersion": "autoscaling/v2", "version": "v2"}]


def test_core_resource_list_has_verbs_short_names_and_the_all_category(api: Api) -> None:
    body = api.get("/api/v1").json()
    assert body["kind"] == "APIResourceList"
    assert body["groupVersion"] == "v1"
    resources = {r["name"]: r for r in body["resources"]}
    pods = resources["pods"]
    assert pods["shortNames"] == ["po"]
    assert pods["categories"] == ["all"]
    assert pods["namespaced"] is True
    assert pods["singularName"] == "pod"
    assert "watch" in pods["verbs"]
    assert "deletecollection" in pods["verbs"]
    assert resources["pods/log"]["verbs"] == ["get"]
    assert resources["pods/eviction"] | {} == {
        "name": "pods/eviction",
        "singularName": "",
        "namespaced": True,
        "group": "policy",
        "version": "v1",
        "kind": "Eviction",
        "verbs": ["create"],
    }
    assert resources["namespaces"]["namespaced"] is False
    assert "deletecollection" not in resources["namespaces"]["verbs"]
    assert "categories" not in resources["configmaps"]


def test_apps_resource_list_offers_the_scale_subresource_as_autoscaling_v1(api: Api) -> None:
    resources = {r["name"]: r for r in api.get("/apis/apps/v1").json()["resources"]}
    assert resources["deployments"]["shortNames"] == ["deploy"]
    assert resources["deployments/scale"]["group"] == "autoscaling"
    assert resources["deployments/scale"]["kind"] == "Scale"
    assert resources["deployments/status"]["verbs"] == ["get", "patch", "update"]
    assert resources["replicasets"]["categories"] == ["all"]


def test_an_unserved_group_version_is_404_with_the_servers_wording(api: Api) -> None:
    response = api.get("/apis/networking.k8s.io/v1")
    assert response.status_code == 404
    assert response.json()["message"] == "the server could not find the requested resource"


def test_an_unknown_path_is_404_not_a_django_page(api: Api) -> None:
    for path in ("/healthz/nope", "/api/v1/namespaces/default/widgets", "/apis/apps/v1/deployments/web"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["reason"] == "NotFound"


def test_openapi_v3_tells_kubectl_the_server_validates_fields(api: Api) -> None:
    """Each group-version document has a PATCH per kind that accepts fieldValidation."""
    index = api.get("/openapi/v3").json()["paths"]
    assert set(index) == {"api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/batch/v1"}
    url = index["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    document = api.get(url.removeprefix("/openapi/v3").join(["/openapi/v3", ""])).json()
    operation = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert operation["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert {"name": "fieldValidation", "in": "query"}.items() <= operation["parameters"][0].items()
    assert "requestBody" not in operation
    assert "/api/v1/nodes/{name}" in api.get("/openapi/v3/api/v1").json()["paths"]


def test_openapi_v2_is_an_empty_swagger_document_so_unserved_kinds_get_the_real_wording(api: Api) -> None:
    """kubectl reads v2 only for a kind v3 does not list; finding no schema it reports the CRD hint."""
    from kubelearn.api import openapi

    response = api.get("/openapi/v2")
    assert response.status_code == 200
    assert response["Content-Type"] == openapi.V2_CONTENT_TYPE
    assert response.content == openapi.V2_DOCUMENT
