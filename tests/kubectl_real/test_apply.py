"""``kubectl apply``/``create -f``/``diff``: manifests, server-side apply and the real error wording."""

from __future__ import annotations

import pytest

from tests.kubectl_real.support import Kubectl

pytestmark = pytest.mark.kubectl

STORE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: store-config
data:
  color: {color}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: store
  labels: {{app: store}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: store}}
  template:
    metadata:
      labels: {{app: store}}
    spec:
      containers:
      - name: store
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: store
spec:
  selector: {{app: store}}
  ports:
  - port: 80
"""

UNKNOWN_FIELD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  foo: 1
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - name: typo
        image: nginx
"""

INVALID = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: other}
    spec:
      containers:
      - name: broken
        image: nginx
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
"""


def test_apply_of_a_multi_document_file_creates_then_configures_then_leaves_unchanged(kubectl: Kubectl) -> None:
    kubectl.write("store.yaml", STORE.format(color="blue", replicas=2))
    assert kubectl("apply", "-f", "store.yaml").stdout.splitlines() == [
        "configmap/store-config created",
        "deployment.apps/store created",
        "service/store created",
    ]
    kubectl.write("store.yaml", STORE.format(color="red", replicas=3))
    assert kubectl("apply", "-f", "store.yaml").stdout.splitlines() == [
        "configmap/store-config configured",
        "deployment.apps/store configured",
        "service/store unchanged",
    ]
    assert kubectl("apply", "-f", "store.yaml").stdout.splitlines() == [
        "configmap/store-config unchanged",
        "deployment.apps/store unchanged",
        "service/store unchanged",
    ]
    assert kubectl("get", "configmap", "store-config", "-o", "jsonpath={.data.color}").stdout == "red"
    assert kubectl("get", "deployment", "store", "-o", "jsonpath={.spec.replicas}").stdout == "3"


def test_apply_reads_a_manifest_from_stdin(kubectl: Kubectl) -> None:
    text = STORE.format(color="green", replicas=1).replace("store", "piped")
    assert kubectl("apply", "-f", "-", input=text).stdout.splitlines() == [
        "configmap/piped-config created",
        "deployment.apps/piped created",
        "service/piped created",
    ]


def test_server_side_apply_creates_and_then_updates(kubectl: Kubectl) -> None:
    kubectl.write("ssa.yaml", STORE.format(color="blue", replicas=1).replace("store", "ssa"))
    expected = ["configmap/ssa-config serverside-applied", "deployment.apps/ssa serverside-applied"]
    expected.append("service/ssa serverside-applied")
    assert kubectl("apply", "--server-side", "-f", "ssa.yaml").stdout.splitlines() == expected
    kubectl.write("ssa.yaml", STORE.format(color="gold", replicas=1).replace("store", "ssa"))
    assert kubectl("apply", "--server-side", "-f", "ssa.yaml").stdout.splitlines() == expected
    assert kubectl("get", "configmap", "ssa-config", "-o", "jsonpath={.data.color}").stdout == "gold"


def test_diff_is_silent_when_nothing_changes_and_shows_a_unified_diff_otherwise(kubectl: Kubectl) -> None:
    kubectl.write("diff.yaml", STORE.format(color="blue", replicas=2).replace("store", "diffed"))
    kubectl("apply", "-f", "diff.yaml")
    same = kubectl("diff", "-f", "diff.yaml")
    assert (same.returncode, same.stdout) == (0, "")
    kubectl.write("diff.yaml", STORE.format(color="blue", replicas=4).replace("store", "diffed"))
    changed = kubectl("diff", "-f", "diff.yaml", check=False)
    assert changed.returncode == 1, changed.stderr
    lines = changed.stdout.splitlines()
    assert lines[0].startswith("diff -u -N ") and lines[0].endswith("/apps.v1.Deployment.default.diffed")
    assert "-  replicas: 2" in lines and "+  replicas: 4" in lines
    assert "-  generation: 1" in lines and "+  generation: 2" in lines
    assert not any("ConfigMap" in line or "Service" in line for line in lines)
    # diff is a dry run: nothing was persisted.
    assert kubectl("get", "deployment", "diffed", "-o", "jsonpath={.spec.replicas}").stdout == "2"


def test_an_unknown_field_is_a_strict_decoding_error(kubectl: Kubectl) -> None:
    kubectl.write("x.yaml", UNKNOWN_FIELD)
    for verb in ("create", "apply"):
        result = kubectl(verb, "-f", "x.yaml", check=False)
        assert result.returncode == 1
        assert result.stderr == (
            'Error from server (BadRequest): error when creating "x.yaml": Deployment in version "v1" cannot be '
            'handled as a Deployment: strict decoding error: unknown field "spec.foo"\n'
        )


def test_validate_warn_prints_the_unknown_field_and_creates(kubectl: Kubectl) -> None:
    kubectl.write("warn.yaml", UNKNOWN_FIELD.replace("typo", "warned"))
    result = kubectl("apply", "--validate=warn", "-f", "warn.yaml")
    assert result.stdout == "deployment.apps/warned created\n"
    assert result.stderr == 'Warning: unknown field "spec.foo"\n'


def test_an_invalid_value_lists_every_cause(kubectl: Kubectl) -> None:
    kubectl.write("invalid.yaml", INVALID)
    result = kubectl("apply", "-f", "invalid.yaml", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'The Deployment "broken" is invalid: ',
        "* spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: '
        "`selector` does not match template `labels`",
    ]


def test_creating_twice_from_a_file_says_already_exists(kubectl: Kubectl) -> None:
    kubectl.write("twice.yaml", STORE.format(color="blue", replicas=1).replace("store", "twice"))
    kubectl("create", "-f", "twice.yaml")
    result = kubectl("create", "-f", "twice.yaml", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'Error from server (AlreadyExists): error when creating "twice.yaml": {what} already exists'
        for what in ('configmaps "twice-config"', 'deployments.apps "twice"', 'services "twice"')
    ]


def test_an_unserved_kind_needs_its_crds_installed(kubectl: Kubectl) -> None:
    kubectl.write("ing.yaml", INGRESS)
    result = kubectl("apply", "-f", "ing.yaml", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        'error: resource mapping not found for name: "web" namespace: "" from "ing.yaml": '
        'no matches for kind "Ingress" in version "networking.k8s.io/v1"',
        "ensure CRDs are installed first",
    ]
