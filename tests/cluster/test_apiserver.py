"""The API server's verbs over the store, as a real cluster answers them."""

from __future__ import annotations

import pytest

from kubelearn.cluster import Cluster
from kubelearn.cluster.apiserver.server import FOREGROUND, ORPHAN
from kubelearn.cluster.errors import StatusError

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
        },
    },
}


def bare_cluster() -> Cluster:
    """A cluster with only the namespace/serviceaccount/GC loops, so tests see the API alone."""
    from kubelearn.cluster.controllers import garbage_collector, namespace, serviceaccount

    return Cluster(controllers=[namespace, serviceaccount, garbage_collector])


def test_create_fills_server_side_fields_and_defaults():
    cluster = bare_cluster()
    obj, warnings = cluster.api.create(DEPLOYMENT)
    meta = obj["metadata"]
    assert warnings == []
    assert meta["namespace"] == "default"
    assert meta["generation"] == 1
    assert meta["creationTimestamp"] == "2026-01-01T09:00:00Z"
    assert len(meta["uid"]) == 36
    assert obj["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    assert obj["spec"]["revisionHistoryLimit"] == 10
    assert obj["spec"]["progressDeadlineSeconds"] == 600


def test_every_namespace_gets_a_default_service_account():
    cluster = bare_cluster()
    cluster.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    cluster.run_until_idle()
    assert cluster.store.get("ServiceAccount", "shop", "default") is not None
    assert cluster.store.get("ServiceAccount", "kube-system", "default") is not None


def test_creating_into_a_missing_namespace_is_404():
    cluster = bare_cluster()
    with pytest.raises(StatusError) as err:
        cluster.api.create({**DEPLOYMENT, "metadata": {**DEPLOYMENT["metadata"], "namespace": "nope"}})
    assert err.value.code == 404
    assert err.value.message == 'namespaces "nope" not found'


def test_invalid_objects_get_422_with_causes():
    cluster = bare_cluster()
    bad = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"]}}
    del bad["spec"]["selector"]
    with pytest.raises(StatusError) as err:
        cluster.api.create(bad)
    assert err.value.code == 422
    assert err.value.message.startswith('Deployment.apps "web" is invalid: ')
    assert "spec.selector: Required value" in err.value.message
    assert err.value.status()["details"]["causes"][0]["field"] == "spec.selector"


def test_spec_changes_bump_generation_and_status_is_kept_on_spec_writes():
    cluster = bare_cluster()
    obj, _ = cluster.api.create(DEPLOYMENT)
    status_write = {**obj, "status": {"replicas": 2, "observedGeneration": 1}}
    cluster.api.update(status_write, subresource="status")
    changed = cluster.api.get("Deployment", "default", "web")
    changed["spec"]["replicas"] = 5
    changed["status"] = {"replicas": 99}
    updated, _ = cluster.api.update(changed)
    assert updated["metadata"]["generation"] == 2
    assert updated["status"] == {"replicas": 2, "observedGeneration": 1}


def test_an_update_that_changes_nothing_writes_nothing():
    cluster = bare_cluster()
    obj, _ = cluster.api.create(DEPLOYMENT)
    again, _ = cluster.api.update(obj)
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]


def test_stale_resource_version_on_update_is_a_conflict():
    cluster = bare_cluster()
    obj, _ = cluster.api.create(DEPLOYMENT)
    first = {**obj, "spec": {**obj["spec"], "replicas": 3}}
    cluster.api.update(first)
    with pytest.raises(StatusError) as err:
        cluster.api.update({**obj, "spec": {**obj["spec"], "replicas": 4}})
    assert err.value.code == 409


def test_dry_run_validates_but_stores_nothing():
    cluster = bare_cluster()
    revision = cluster.store.revision
    obj, _ = cluster.api.create(DEPLOYMENT, dry_run=True)
    assert obj["metadata"]["name"] == "web"
    assert cluster.store.revision == revision
    assert cluster.store.peek("Deployment", "default", "web") is None


def test_generate_name_gets_a_seeded_suffix():
    cluster = bare_cluster()
    obj, _ = cluster.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-"}})
    assert obj["metadata"]["name"].startswith("cfg-")
    assert len(obj["metadata"]["name"]) == len("cfg-") + 5


def test_services_get_a_cluster_ip_and_node_ports_from_the_allocators():
    cluster = bare_cluster()
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    obj, _ = cluster.api.create(svc)
    assert obj["spec"]["clusterIP"].startswith("10.96.")
    assert 30000 <= obj["spec"]["ports"][0]["nodePort"] <= 32767
    clash = {**svc, "metadata": {"name": "web2"}}
    clash["spec"] = {**svc["spec"], "ports": [{"port": 80, "nodePort": obj["spec"]["ports"][0]["nodePort"]}]}
    with pytest.raises(StatusError) as err:
        cluster.api.create(clash)
    assert "provided port is already allocated" in err.value.message


def _rs_with_pod(cluster: Cluster) -> tuple[dict, dict]:
    deploy, _ = cluster.api.create(DEPLOYMENT)
    owner = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "web",
        "uid": deploy["metadata"]["uid"],
        "controller": True,
    }
    rs_body = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web-abc", "namespace": "default", "ownerReferences": [owner]},
        "spec": {**DEPLOYMENT["spec"]},
    }
    rs, _ = cluster.api.create(rs_body)
    rs_owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "web-abc",
        "uid": rs["metadata"]["uid"],
        "controller": True,
    }
    pod_body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-abc-x",
            "namespace": "default",
            "labels": {"app": "web"},
            "ownerReferences": [rs_owner],
        },
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }
    pod, _ = cluster.api.create(pod_body)
    return rs, pod


def test_background_deletion_cascades_through_owner_references():
    cluster = bare_cluster()
    _rs_with_pod(cluster)
    cluster.api.delete("Deployment", "default", "web")
    assert cluster.store.peek("Deployment", "default", "web") is None
    cluster.run_until_idle()
    assert cluster.store.peek("ReplicaSet", "default", "web-abc") is None
    assert cluster.store.peek("Pod", "default", "web-abc-x") is None


def test_orphan_deletion_keeps_dependents_and_strips_their_owner_reference():
    cluster = bare_cluster()
    _rs_with_pod(cluster)
    terminating = cluster.api.delete("Deployment", "default", "web", propagation=ORPHAN)
    assert terminating["metadata"]["finalizers"] == ["orphan"]
    cluster.run_until_idle()
    assert cluster.store.peek("Deployment", "default", "web") is None
    rs = cluster.store.get("ReplicaSet", "default", "web-abc")
    assert "ownerReferences" not in rs["metadata"]
    assert cluster.store.peek("Pod", "default", "web-abc-x") is not None


def test_foreground_deletion_waits_for_dependents_before_the_owner_goes():
    cluster = bare_cluster()
    _rs_with_pod(cluster)
    terminating = cluster.api.delete("Deployment", "default", "web", propagation=FOREGROUND)
    assert terminating["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert terminating["metadata"]["deletionTimestamp"]
    assert cluster.store.peek("Deployment", "default", "web") is not None
    cluster.run_until_idle()
    assert cluster.store.peek("Pod", "default", "web-abc-x") is None
    assert cluster.store.peek("ReplicaSet", "default", "web-abc") is None
    assert cluster.store.peek("Deployment", "default", "web") is None


def test_deleting_a_namespace_empties_it_then_removes_it():
    cluster = bare_cluster()
    cluster.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    cluster.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}})
    ns = cluster.api.delete("Namespace", "", "shop")
    assert ns["status"]["phase"] == "Terminating"
    with pytest.raises(StatusError) as err:
        cluster.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d", "namespace": "shop"}})
    assert err.value.code == 403
    assert "because it is being terminated" in err.value.message
    cluster.run_until_idle()
    assert cluster.store.peek("Namespace", "", "shop") is None
    assert cluster.store.peek("ConfigMap", "shop", "c") is None


def test_scale_subresource_reads_and_writes_replicas():
    cluster = bare_cluster()
    cluster.api.create(DEPLOYMENT)
    scale = cluster.api.set_scale("Deployment", "default", "web", 5)
    assert scale["spec"]["replicas"] == 5
    assert scale["status"]["selector"] == "app=web"
    assert cluster.api.get("Deployment", "default", "web")["spec"]["replicas"] == 5


def test_unknown_kinds_are_404_no_matches_for_kind():
    cluster = bare_cluster()
    with pytest.raises(StatusError) as err:
        cluster.api.create({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}})
    assert err.value.message == 'no matches for kind "Deploymnet" in version "apps/v1"'
