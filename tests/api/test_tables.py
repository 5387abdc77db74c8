"""Server-side Tables: the columns kubectl prints, with the object each row describes."""

from __future__ import annotations

from .conftest import TABLE_ACCEPT, Api

PODS = "/api/v1/namespaces/default/pods"


def test_a_list_asked_as_table_has_kubectl_columns_and_partial_object_rows(api: Api, make_deployment) -> None:
    api.post("/apis/apps/v1/namespaces/default/deployments", make_deployment(replicas=2))
    response = api.get(f"{PODS}?limit=500", accept=TABLE_ACCEPT)
    assert response["Content-Type"] == "application/json;as=Table;v=v1;g=meta.k8s.io"
    table = response.json()
    assert table["kind"] == "Table"
    assert table["apiVersion"] == "meta.k8s.io/v1"
    columns = [(c["name"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns[:5] == [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0)]
    assert ("IP", 1) in columns
    assert table["columnDefinitions"][0]["format"] == "name"
    assert len(table["rows"]) == 2
    row = table["rows"][0]
    assert row["cells"][0].startswith("web-")
    assert row["cells"][1] == "0/1"
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["apiVersion"] == "meta.k8s.io/v1"
    assert row["object"]["metadata"]["namespace"] == "default"
    assert row["object"]["metadata"]["labels"]["app"] == "web"
    assert "spec" not in row["object"]


def test_include_object_chooses_full_object_or_none(api: Api, make_deployment) -> None:
    """``--sort-by`` asks includeObject=Object and needs the whole object in each row."""
    api.post("/apis/apps/v1/namespaces/default/deployments", make_deployment(replicas=1))
    full = api.get(f"{PODS}?includeObject=Object", accept=TABLE_ACCEPT).json()["rows"][0]["object"]
    assert full["kind"] == "Pod"
    assert full["spec"]["containers"][0]["image"] == "nginx:1.27"
    bare = api.get(f"{PODS}?includeObject=None", accept=TABLE_ACCEPT).json()["rows"][0]
    assert "object" not in bare


def test_getting_one_object_as_table_gives_one_row(api: Api) -> None:
    table = api.get("/api/v1/namespaces/default", accept=TABLE_ACCEPT).json()
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Status", "Age"]
    assert table["rows"][0]["cells"][:2] == ["default", "Active"]


def test_deployment_and_service_tables_match_kubectl_get_wide(api: Api, make_deployment) -> None:
    api.post("/apis/apps/v1/namespaces/default/deployments", make_deployment())
    deploy = api.get("/apis/apps/v1/namespaces/default/deployments", accept=TABLE_ACCEPT).json()
    names = [c["name"] for c in deploy["columnDefinitions"]]
    assert names == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]
    assert deploy["rows"][0]["cells"][5:] == ["web", "nginx:1.27", "app=web"]
    svc = api.get("/api/v1/namespaces/default/services", accept=TABLE_ACCEPT).json()
    assert svc["rows"][0]["cells"][:5] == ["kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"]


def test_all_namespaces_table_rows_carry_their_namespace(api: Api) -> None:
    table = api.get("/api/v1/serviceaccounts", accept=TABLE_ACCEPT).json()
    namespaces = {row["object"]["metadata"]["namespace"] for row in table["rows"]}
    assert {"default", "kube-system"} <= namespaces


def test_plain_json_accept_gets_a_list_not_a_table(api: Api) -> None:
    assert api.get(PODS).json()["kind"] == "PodList"
    assert api.get(PODS, accept="application/vnd.kubernetes.protobuf,application/json").json()["kind"] == "PodList"
