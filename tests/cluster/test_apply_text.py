"""``kubectl apply -f`` semantics on whole files: per-document outcomes, kubectl's wording."""

from __future__ import annotations

from kubelearn.cluster import Cluster

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: MODE, value: demo}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
"""


def lines(results):
    return [r.kubectl_line() for r in results]


def test_applying_twice_reports_created_then_unchanged():
    cluster = Cluster()
    assert lines(cluster.apply_text(WEB, "web.yaml")) == ["deployment.apps/web created", "service/web created"]
    assert lines(cluster.apply_text(WEB, "web.yaml")) == ["deployment.apps/web unchanged", "service/web unchanged"]


def test_a_changed_manifest_is_configured_and_dropped_fields_disappear():
    cluster = Cluster()
    cluster.apply_text(WEB, "web.yaml")
    changed = WEB.replace("  labels: {app: web, tier: front}\n", "  labels: {app: web}\n").replace(
        "        env:\n        - {name: MODE, value: demo}\n", ""
    )
    assert lines(cluster.apply_text(changed, "web.yaml")) == ["deployment.apps/web configured", "service/web unchanged"]
    deploy = cluster.store.get("Deployment", "default", "web")
    assert deploy["metadata"]["labels"] == {"app": "web"}
    assert "env" not in deploy["spec"]["template"]["spec"]["containers"][0]
    assert deploy["metadata"]["generation"] == 2


def test_fields_changed_by_others_survive_a_reapply_that_does_not_mention_them():
    cluster = Cluster()
    no_replicas = WEB.replace("  replicas: 2\n", "")
    cluster.apply_text(no_replicas, "web.yaml")
    cluster.api.set_scale("Deployment", "default", "web", 4)
    assert lines(cluster.apply_text(no_replicas, "web.yaml"))[0] == "deployment.apps/web unchanged"
    assert cluster.store.get("Deployment", "default", "web")["spec"]["replicas"] == 4


def test_one_bad_document_does_not_stop_the_others():
    cluster = Cluster()
    bad = WEB.replace("  selector:\n    matchLabels: {app: web}\n", "")
    out = lines(cluster.apply_text(bad, "web.yaml"))
    assert out[0] == (
        'Error from server (Invalid): error when creating "web.yaml": Deployment.apps "web" is invalid: '
        "[spec.selector: Required value, spec.template.metadata.labels: Invalid value: "
        'map[string]string{"app":"web"}: `selector` does not match template `labels`]'
    )
    assert out[1] == "service/web created"


def test_unknown_kinds_are_reported_like_kubectl_resource_mapping_errors():
    cluster = Cluster()
    out = lines(cluster.apply_text("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n", "x.yaml"))
    assert out == [
        'error: resource mapping not found for name: "web" namespace: "" from "x.yaml": '
        'no matches for kind "Deploymnet" in version "apps/v1"\nensure CRDs are installed first'
    ]


def test_unknown_fields_are_rejected_with_strict_decoding_wording():
    cluster = Cluster()
    text = WEB.split("---")[0].replace("  replicas: 2\n", "  replicas: 2\n  matchLabels: {app: web}\n")
    out = lines(cluster.apply_text(text, "web.yaml"))
    assert out == [
        'Error from server (BadRequest): error when creating "web.yaml": Deployment in version "v1" cannot be '
        'handled as a Deployment: strict decoding error: unknown field "spec.matchLabels"'
    ]


def test_the_same_seed_and_inputs_give_the_same_cluster():
    a, b = Cluster(seed=3), Cluster(seed=3)
    a.apply_text(WEB)
    b.apply_text(WEB)
    a.step(30)
    b.step(30)
    assert a.snapshot() == b.snapshot()


def test_a_snapshot_restores_to_an_equal_cluster():
    cluster = Cluster()
    cluster.apply_text(WEB)
    cluster.step(10)
    restored = Cluster.restore(cluster.snapshot())

    def identities(c: Cluster) -> list[tuple[str, str, str, str]]:
        return sorted(
            (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"], o["metadata"]["uid"])
            for o in c.store.dump()["objects"]
        )

    assert identities(restored) == identities(cluster)
    assert restored.clock.now == cluster.clock.now
    assert restored.store.revision >= cluster.store.revision


def test_a_list_item_without_its_merge_key_fails_client_side_as_kubectl_does():
    """Found by the fuzzer: re-applying a Deployment whose container lost ``name`` must not raise."""
    cluster = Cluster(seed=1)
    cluster.apply_text(WEB, "web.yaml")
    before = cluster.store.revision
    broken = WEB.replace("      - name: web\n        image", "      - image")
    results = cluster.apply_text(broken, "web.yaml")
    assert [r.ok for r in results] == [False, True]
    message = results[0].kubectl_line()
    assert message.startswith("error: error when creating patch with:\noriginal:\n{")
    assert "\nmodified:\n{" in message and "\ncurrent:\n{" in message
    assert message.endswith(
        'for: "web.yaml": map: map[env:[map[name:MODE value:demo]] image:nginx:1.27] '
        "does not contain declared merge key: name"
    )
    assert cluster.store.revision == before  # nothing was sent to the server for the Deployment
