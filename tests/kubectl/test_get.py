"""``kubectl get``: tables, formats and the empty/error cases."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult

PODS = """\
NAME                   READY   STATUS    RESTARTS   AGE
web-56cd776789-2bzt9   1/1     Running   0          30s
web-56cd776789-vlc8w   1/1     Running   0          30s
"""


def test_get_pods_prints_kubectls_table(kubectl):
    assert kubectl("get pods") == CommandResult(0, PODS, "")


def test_get_pods_wide_adds_the_priority_columns(kubectl):
    assert kubectl("get po -o wide").stdout == (
        "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "web-56cd776789-2bzt9   1/1     Running   0          30s   10.244.1.2   ship-b   <none>           <none>\n"
        "web-56cd776789-vlc8w   1/1     Running   0          30s   10.244.0.2   ship-a   <none>           <none>\n"
    )


def test_get_all_prints_one_table_per_kind_with_prefixed_names(kubectl):
    assert kubectl("get all").stdout == (
        "NAME                       READY   STATUS    RESTARTS   AGE\n"
        "pod/web-56cd776789-2bzt9   1/1     Running   0          30s\n"
        "pod/web-56cd776789-vlc8w   1/1     Running   0          30s\n"
        "\n"
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   30s\n"
        "\n"
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web   2/2     2            2           30s\n"
        "\n"
        "NAME                             DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-56cd776789   2         2         2       30s\n"
    )


def test_all_namespaces_and_label_columns(kubectl):
    assert kubectl("get deploy -A --show-labels -L app").stdout == (
        "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE   APP   LABELS\n"
        "default     web    2/2     2            2           30s         <none>\n"
    )


def test_label_selector_and_empty_result_wording(kubectl):
    assert kubectl("get pods -l app=db") == CommandResult(0, "", "No resources found in default namespace.\n")
    assert kubectl("get pods -n dev") == CommandResult(0, "", "No resources found in dev namespace.\n")
    assert kubectl("get pods -l app=web -o name").stdout == "pod/web-56cd776789-2bzt9\npod/web-56cd776789-vlc8w\n"


def test_jsonpath_output_has_no_trailing_newline(kubectl):
    assert kubectl("get pods -o jsonpath={.items[*].spec.nodeName}").stdout == "ship-b ship-a"
    template = '{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'
    assert kubectl(f"get pods -o jsonpath='{template}'").stdout == (
        "web-56cd776789-2bzt9\t10.244.1.2\nweb-56cd776789-vlc8w\t10.244.0.2\n"
    )
    ready = '{.status.conditions[?(@.type=="Available")].status}'
    assert kubectl(f"get deploy web -o jsonpath='{ready}'").stdout == "True"


def test_yaml_of_one_object_is_the_object_and_of_a_listing_is_a_list(kubectl):
    one = kubectl("get deploy web -o yaml").stdout
    assert one.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n")
    assert '    deployment.kubernetes.io/revision: "1"\n' in one
    assert "    kubectl.kubernetes.io/last-applied-configuration: |\n      {" in one
    listing = kubectl("get deploy -o yaml").stdout
    assert listing.startswith("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n")
    assert listing.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')


def test_json_uses_four_spaces_and_go_field_order(kubectl):
    text = kubectl("get deploy web -o json").stdout
    assert text.startswith(
        '{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",\n    "metadata": {\n        "name": "web",'
    )


def test_sort_by_a_jsonpath(kubectl):
    lines = kubectl("get pods --sort-by=.spec.nodeName -o name").stdout.splitlines()
    assert lines == ["pod/web-56cd776789-vlc8w", "pod/web-56cd776789-2bzt9"]


def test_missing_objects_are_reported_but_found_ones_printed(kubectl):
    result = kubectl("get deploy web nope")
    assert result.exit_code == 1
    assert result.stdout.startswith("NAME   READY")
    assert result.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'


def test_watch_is_refused_kindly(kubectl):
    result = kubectl("get pods -w")
    assert result.exit_code == 1
    assert "--watch (-w) is not supported" in result.stderr


def test_get_without_a_type_explains_itself(kubectl):
    result = kubectl("get")
    assert result.exit_code == 1
    assert "error: Required resource not specified." in result.stderr


def test_nodes_are_cluster_scoped(kubectl):
    assert kubectl("get nodes -n kube-system").stdout == (
        "NAME     STATUS   ROLES    AGE   VERSION\n"
        "ship-a   Ready    worker   30s   v1.32.0\n"
        "ship-b   Ready    worker   30s   v1.32.0\n"
        "ship-c   Ready    worker   30s   v1.32.0\n"
    )
