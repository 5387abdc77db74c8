"""Writing commands: apply, create, delete, scale, set image, label/annotate, expose."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: %s}\n"


def test_apply_reports_created_configured_unchanged(kubectl):
    assert kubectl("apply -f -", stdin=CM % "b") == CommandResult(0, "configmap/cfg created\n", "")
    assert kubectl("apply -f -", stdin=CM % "c").stdout == "configmap/cfg configured\n"
    assert kubectl("apply -f -", stdin=CM % "c").stdout == "configmap/cfg unchanged\n"
    assert (
        kubectl("apply -f - --dry-run=server", stdin=CM % "d").stdout == "configmap/cfg configured (server dry run)\n"
    )


def test_apply_needs_stdin_here(kubectl):
    assert kubectl("apply -f web.yaml").stderr.startswith('error: the path "web.yaml" does not exist')
    assert (
        kubectl("apply").stderr
        == "error: must specify one of -f and -k\n\nSee 'kubectl apply -h' for help and examples\n"
    )


def test_create_from_stdin_refuses_duplicates(kubectl):
    assert kubectl("create -f -", stdin=CM % "b").stdout == "configmap/cfg created\n"
    assert kubectl("create -f -", stdin=CM % "b") == CommandResult(
        1, "", 'Error from server (AlreadyExists): error when creating "STDIN": configmaps "cfg" already exists\n'
    )


def test_create_deployment_and_its_client_dry_run(kubectl):
    assert kubectl("create deployment api --image=nginx:1.27 --replicas=2 --port=80").stdout == (
        "deployment.apps/api created\n"
    )
    assert kubectl("get deploy api -o jsonpath={.spec.template.spec.containers[0].name}").stdout == "nginx"
    assert kubectl("create deploy x --image=busybox --dry-run=client -o yaml").stdout == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: x\n"
        "  name: x\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: x\n  strategy: {}\n"
        "  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: x\n    spec:\n"
        "      containers:\n      - image: busybox\n        name: busybox\n        resources: {}\nstatus: {}\n"
    )
    assert kubectl("create deployment y").stderr == 'error: required flag(s) "image" not set\n'


def test_create_generators(kubectl):
    assert kubectl("create configmap c --from-literal=k=v").stdout == "configmap/c created\n"
    assert kubectl("create secret generic s --from-literal=k=v").stdout == "secret/s created\n"
    assert kubectl("create namespace dev").stdout == "namespace/dev created\n"
    assert kubectl("create service clusterip api --tcp=80:8080").stdout == "service/api created\n"
    assert kubectl("get svc api -o jsonpath={.spec.ports[0].targetPort}").stdout == "8080"
    assert kubectl("create configmap d --from-literal=oops").stderr == (
        "error: invalid literal source oops, expected key=value\n"
    )


def test_validation_errors_come_from_the_api_server(kubectl):
    result = kubectl("create deployment Bad_Name --image=nginx")
    assert result.exit_code == 1
    assert result.stderr.startswith('Error from server (Invalid): Deployment.apps "Bad_Name" is invalid: ')


def test_delete_prints_kubectls_lines(kubectl):
    kubectl("create configmap c --from-literal=k=v")
    assert kubectl("delete cm/c deploy/web") == CommandResult(
        0, 'configmap "c" deleted\ndeployment.apps "web" deleted\n', ""
    )
    assert kubectl("delete pod nope") == CommandResult(1, "", 'Error from server (NotFound): pods "nope" not found\n')
    assert kubectl("delete pods").stderr == "error: resource(s) were provided, but no name was specified\n"


def test_force_delete_warns(kubectl):
    result = kubectl("delete pod web-56cd776789-2bzt9 --force --grace-period=0")
    assert result.stdout == 'pod "web-56cd776789-2bzt9" force deleted\n'
    assert result.stderr.startswith("Warning: Immediate deletion does not wait for confirmation")


def test_scale_and_its_required_flag(kubectl):
    assert kubectl("scale deployment web --replicas=3") == CommandResult(0, "deployment.apps/web scaled\n", "")
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "3"
    assert kubectl("scale deploy/web").stderr == 'error: required flag(s) "replicas" not set\n'


def test_set_image_patches_the_named_container(kubectl):
    assert kubectl("set image deployment/web web=nginx:1.28").stdout == "deployment.apps/web image updated\n"
    assert (
        kubectl("set image deployment/web nginx=nginx:1.28").stderr == 'error: unable to find container named "nginx"\n'
    )


def test_label_needs_overwrite_to_change_a_value(kubectl):
    assert kubectl("label deploy web tier=front").stdout == "deployment.apps/web labeled\n"
    assert kubectl("label deploy web tier=back") == CommandResult(
        1, "", "error: 'tier' already has a value (front), and --overwrite is false\n"
    )
    assert kubectl("label deploy web tier=back --overwrite").stdout == "deployment.apps/web labeled\n"
    assert kubectl("label deploy web tier-").stdout == "deployment.apps/web labeled\n"
    assert kubectl("annotate deploy web note=hi").stdout == "deployment.apps/web annotated\n"
    assert kubectl("get deploy web -o jsonpath={.metadata.annotations.note}").stdout == "hi"


def test_expose_creates_a_service_for_the_pods(kubectl):
    assert (
        kubectl("expose deployment web --port=8080 --target-port=80 --name=front").stdout == "service/front exposed\n"
    )
    assert kubectl("get svc front -o jsonpath={.spec.selector.app}").stdout == "web"
