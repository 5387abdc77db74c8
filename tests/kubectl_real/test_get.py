"""``kubectl get`` in its many shapes: server-side Tables, -o wide/yaml/json, selectors, -A, --sort-by, -w.

A sandbox of its own (``kubectl-get``) holds exactly one Deployment ``shop`` (2 replicas),
its Service and a second namespace with one Deployment, so whole-cluster output is exact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
import yaml

from tests.kubectl_real.support import AGE, Kubectl, LineReader, match_lines

pytestmark = pytest.mark.kubectl

HASH = r"[a-z0-9]{8,10}"
SUFFIX = r"[a-z0-9]{5}"
IP = r"10\.\d+\.\d+\.\d+"


@pytest.fixture(scope="module")
def k(sandbox_kubectl: Callable[[str], Kubectl]) -> Kubectl:
    k = sandbox_kubectl("kubectl-get")
    k("create", "deployment", "shop", "--image=nginx:1.27", "--replicas=2", "--port=80")
    k("expose", "deployment", "shop", "--port=80")
    k("create", "namespace", "team-b")
    k("create", "deployment", "api", "--image=redis:7", "-n", "team-b")
    k("rollout", "status", "deployment/shop", "--timeout=60s")
    k("rollout", "status", "deployment/api", "-n", "team-b", "--timeout=60s")
    return k


def test_get_pods_prints_ready_status_restarts_and_age(k: Kubectl) -> None:
    match_lines(
        [r"NAME +READY +STATUS +RESTARTS +AGE"] + [rf"shop-{HASH}-{SUFFIX} +1/1 +Running +0 +{AGE}"] * 2,
        k.lines("get", "pods"),
    )


def test_get_deploy_and_svc_print_their_own_columns(k: Kubectl) -> None:
    match_lines([r"NAME +READY +UP-TO-DATE +AVAILABLE +AGE", rf"shop +2/2 +2 +2 +{AGE}"], k.lines("get", "deploy"))
    match_lines(
        [
            r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE",
            rf"kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443/TCP +{AGE}",
            rf"shop +ClusterIP +{IP} +<none> +80/TCP +{AGE}",
        ],
        k.lines("get", "svc"),
    )


def test_get_all_lists_pods_services_deployments_and_replicasets_with_kind_prefixes(k: Kubectl) -> None:
    match_lines(
        [
            r"NAME +READY +STATUS +RESTARTS +AGE",
            *[rf"pod/shop-{HASH}-{SUFFIX} +1/1 +Running +0 +{AGE}"] * 2,
            "",
            r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE",
            rf"service/kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443/TCP +{AGE}",
            rf"service/shop +ClusterIP +{IP} +<none> +80/TCP +{AGE}",
            "",
            r"NAME +READY +UP-TO-DATE +AVAILABLE +AGE",
            rf"deployment\.apps/shop +2/2 +2 +2 +{AGE}",
            "",
            r"NAME +DESIRED +CURRENT +READY +AGE",
            rf"replicaset\.apps/shop-{HASH} +2 +2 +2 +{AGE}",
        ],
        k.lines("get", "all"),
    )


def test_get_wide_adds_ip_node_containers_images_and_selector(k: Kubectl) -> None:
    match_lines(
        [r"NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES"]
        + [rf"shop-{HASH}-{SUFFIX} +1/1 +Running +0 +{AGE} +10\.244\.\d+\.\d+ +ship-[abc] +<none> +<none>"] * 2,
        k.lines("get", "pods", "-o", "wide"),
    )
    match_lines(
        [
            r"NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR",
            rf"deployment\.apps/shop +2/2 +2 +2 +{AGE} +nginx +nginx:1\.27 +app=shop",
            "",
            r"NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR",
            rf"service/shop +ClusterIP +{IP} +<none> +80/TCP +{AGE} +app=shop",
        ],
        k.lines("get", "deploy,svc", "shop", "-o", "wide"),
    )


def test_get_yaml_prints_the_whole_object(k: Kubectl) -> None:
    deploy = yaml.safe_load(k("get", "deployment", "shop", "-o", "yaml").stdout)
    assert (deploy["apiVersion"], deploy["kind"], deploy["metadata"]["name"]) == ("apps/v1", "Deployment", "shop")
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert deploy["status"]["readyReplicas"] == 2
    assert deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    listing = yaml.safe_load(k("get", "pods", "-o", "yaml").stdout)
    assert listing["kind"] == "List" and [p["kind"] for p in listing["items"]] == ["Pod", "Pod"]


def test_get_json_prints_a_list_and_jsonpath_picks_fields(k: Kubectl) -> None:
    listing = json.loads(k("get", "svc", "-o", "json").stdout)
    assert listing["kind"] == "List"
    assert sorted(s["metadata"]["name"] for s in listing["items"]) == ["kubernetes", "shop"]
    assert k("get", "svc", "shop", "-o", "jsonpath={.spec.ports[0].port}").stdout == "80"
    assert k("get", "pods", "-o", "name").stdout.count("pod/shop-") == 2


def test_label_selectors_filter_and_show_labels_prints_them(k: Kubectl) -> None:
    match_lines(
        [r"NAME +READY +STATUS +RESTARTS +AGE +LABELS"]
        + [rf"shop-{HASH}-{SUFFIX} +1/1 +Running +0 +{AGE} +app=shop,pod-template-hash={HASH}"] * 2,
        k.lines("get", "pods", "-l", "app=shop", "--show-labels"),
    )
    empty = k("get", "pods", "-l", "app in (nothing,none)")
    assert (empty.stdout, empty.stderr) == ("", "No resources found in default namespace.\n")
    assert k("get", "pods", "-l", "app!=shop", "-o", "name").stdout == ""


def test_all_namespaces_adds_the_namespace_column(k: Kubectl) -> None:
    lines = k.lines("get", "deployments", "-A")
    match_lines(
        [
            r"NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE",
            rf"default +shop +2/2 +2 +2 +{AGE}",
            rf"team-b +api +1/1 +1 +1 +{AGE}",
        ],
        lines,
    )
    pods = k.lines("get", "pods", "--all-namespaces")
    assert [line.split()[0] for line in pods] == ["NAMESPACE", "default", "default", "team-b"]


def test_sort_by_orders_rows_by_any_field(k: Kubectl) -> None:
    match_lines(
        [
            r"NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE",
            rf"team-b +api +1/1 +1 +1 +{AGE}",
            rf"default +shop +2/2 +2 +2 +{AGE}",
        ],
        k.lines("get", "deploy", "-A", "--sort-by=.metadata.name"),
    )
    by_replicas = k.lines("get", "deploy", "-A", "--sort-by=.spec.replicas", "-o", "custom-columns=NAME:.metadata.name")
    assert by_replicas == ["NAME", "api", "shop"]
    pods = k.lines("get", "pods", "-A", "--sort-by=.metadata.creationTimestamp")
    assert [line.split()[0] for line in pods] == ["NAMESPACE", "default", "default", "team-b"]


def test_get_pods_watch_prints_rows_as_a_change_arrives(kubectl: Kubectl) -> None:
    """``get pods -w`` prints the list, keeps the stream open, and prints the new pod of a scale-up."""
    kubectl("create", "deployment", "watched", "--image=nginx:1.27")
    kubectl("rollout", "status", "deployment/watched", "--timeout=60s")
    reader = LineReader(kubectl.popen("get", "pods", "-l", "app=watched", "-w"))
    try:
        reader.until(r"NAME +READY +STATUS +RESTARTS +AGE", timeout=20)
        first = reader.until(rf"watched-{HASH}-{SUFFIX} +1/1 +Running +0 +{AGE}", timeout=20).split()[0]
        kubectl("scale", "deployment", "watched", "--replicas=2")
        new = rf"(?!{first})watched-{HASH}-{SUFFIX}"
        reader.until(rf"{new} +0/1 +(Pending|ContainerCreating) +0 +{AGE}", timeout=20)
        reader.until(rf"{new} +1/1 +Running +0 +{AGE}", timeout=30)
    finally:
        stderr = reader.stop()
        kubectl("delete", "deployment", "watched")
    assert stderr == ""
    assert all(re.fullmatch(rf"watched-{HASH}-{SUFFIX} +[01]/1 +\S+ +0 +{AGE}", line) for line in reader.lines[1:])
