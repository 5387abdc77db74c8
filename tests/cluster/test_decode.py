"""Decoding request bodies like kube-apiserver: unknown fields, wrong JSON types, quantities, base64."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest

from kubelearn.cluster.apiserver.decode import decode
from kubelearn.cluster.errors import StatusError

PREFIX = 'Deployment in version "v1" cannot be handled as a Deployment: '


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 80}],
                            "env": [{"name": "MODE", "value": "prod"}],
                            "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}},
                        }
                    ]
                },
            },
        },
    }


def container(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


def decode_error(obj: dict[str, Any], field_validation: str = "Strict") -> StatusError:
    with pytest.raises(StatusError) as info:
        decode(obj, field_validation)
    assert info.value.code == 400
    assert info.value.reason == "BadRequest"
    return info.value


def test_a_valid_deployment_decodes_to_an_equal_new_dict() -> None:
    """Nothing is lost or invented, and the input is not shared with the result."""
    obj = deployment()
    decoded, warnings = decode(obj)
    assert decoded == obj
    assert warnings == []
    assert decoded is not obj
    assert decoded["spec"]["template"] is not obj["spec"]["template"]


def test_strict_unknown_field_is_a_bad_request_with_its_dotted_path() -> None:
    obj = deployment()
    obj["spec"]["matchLabels"] = {"app": "web"}
    err = decode_error(obj)
    assert err.message == PREFIX + 'strict decoding error: unknown field "spec.matchLabels"'


def test_several_unknown_fields_are_joined_in_document_order_with_list_indices() -> None:
    """As in the apiserver field-validation integration test: indices in brackets, ", " between."""
    obj = deployment()
    obj["metadata"]["unknownMeta"] = "x"
    obj["spec"] = {"replica": 3, **obj["spec"]}
    container(obj)["imagee"] = "nginx"
    err = decode_error(obj)
    assert err.message == PREFIX + (
        'strict decoding error: unknown field "metadata.unknownMeta", unknown field "spec.replica", '
        'unknown field "spec.template.spec.containers[0].imagee"'
    )


def test_unknown_fields_under_warn_are_dropped_and_returned_as_warnings() -> None:
    obj = deployment()
    obj["spec"] = {"foo": 1, **obj["spec"]}
    container(obj)["ports"][0]["hostPortt"] = 8080
    decoded, warnings = decode(obj, "Warn")
    assert warnings == [
        'unknown field "spec.foo"',
        'unknown field "spec.template.spec.containers[0].ports[0].hostPortt"',
    ]
    assert "foo" not in decoded["spec"]
    assert container(decoded)["ports"] == [{"containerPort": 80}]


def test_unknown_fields_under_ignore_are_dropped_silently() -> None:
    obj = deployment()
    obj["spec"]["foo"] = 1
    decoded, warnings = decode(obj, "Ignore")
    assert warnings == []
    assert "foo" not in decoded["spec"]


def test_field_names_are_case_sensitive() -> None:
    obj = deployment()
    obj["spec"]["Replicas"] = 3
    assert 'unknown field "spec.Replicas"' in decode_error(obj).message


@pytest.mark.parametrize(
    ("mutate", "detail"),
    [
        (
            lambda o: o["metadata"]["labels"].update(tier=True),
            "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
        ),
        (
            lambda o: o["spec"].update(replicas="3"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda o: o["spec"].update(replicas=99999999999),
            "json: cannot unmarshal number 99999999999 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda o: o["spec"].update(replicas=1.5),
            "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            lambda o: container(o)["env"][0].update(value=True),
            "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
        ),
        (
            lambda o: container(o).update(image=5),
            "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string",
        ),
        (
            lambda o: o["spec"].update(template="web"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec",
        ),
        (
            lambda o: o["spec"]["template"]["spec"].update(containers={"name": "x"}),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
        ),
        (
            lambda o: o["spec"]["template"]["spec"].update(restartPolicy=1),
            "json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy",
        ),
        (
            lambda o: o["spec"].update(paused="yes"),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
        ),
        (
            lambda o: o["metadata"].update(labels=["app"]),
            "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string",
        ),
        (
            lambda o: container(o)["resources"].update(requests="1"),
            "json: cannot unmarshal string into Go struct field ResourceRequirements.spec.template.spec.containers.resources.requests of type v1.ResourceList",
        ),
    ],
)
def test_wrong_json_types_print_gos_unmarshal_type_error(mutate: Any, detail: str) -> None:
    obj = deployment()
    mutate(obj)
    assert decode_error(obj).message == PREFIX + detail


def test_only_the_first_type_error_is_reported_and_it_beats_unknown_fields() -> None:
    obj = deployment()
    obj["spec"]["unknown"] = 1
    obj["spec"]["replicas"] = "two"
    obj["spec"]["paused"] = "yes"
    assert decode_error(obj).message == PREFIX + (
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
    )


def test_int_or_string_accepts_both_and_rejects_other_types() -> None:
    obj = deployment()
    obj["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "50%"}}
    decoded, _ = decode(obj)
    assert decoded["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": "50%"}
    obj["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = True
    assert decode_error(obj).message == PREFIX + (
        "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"
    )


def test_quantities_accept_strings_and_numbers_and_come_back_canonical() -> None:
    obj = deployment()
    container(obj)["resources"] = {"requests": {"cpu": 0.5, "memory": "1024Mi"}, "limits": {"cpu": "1000m"}}
    decoded, _ = decode(obj)
    assert container(decoded)["resources"] == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1"}}


@pytest.mark.parametrize(
    ("bad", "detail"),
    [
        ("1GB", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        ("1200mi", "unable to parse quantity's suffix"),
        (True, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ],
)
def test_a_bad_quantity_is_a_decoding_error_with_the_quantity_message(bad: Any, detail: str) -> None:
    obj = deployment()
    container(obj)["resources"]["limits"] = {"memory": bad}
    assert decode_error(obj).message == PREFIX + detail


def test_a_bad_quantity_aborts_even_with_unknown_fields_present() -> None:
    obj = deployment()
    obj["spec"]["foo"] = 1
    container(obj)["resources"]["limits"] = {"cpu": "lots"}
    assert "quantities must match" in decode_error(obj, "Warn").message


def test_null_values_are_treated_as_absent() -> None:
    obj = deployment()
    obj["spec"]["replicas"] = None
    obj["metadata"]["annotations"] = None
    decoded, _ = decode(obj)
    assert "replicas" not in decoded["spec"]
    assert "annotations" not in decoded["metadata"]


def test_empty_optional_lists_and_maps_disappear_but_required_ones_stay() -> None:
    """Go's ``omitempty`` drops empty collections; ``containers`` has no omitempty."""
    obj = deployment()
    container(obj)["args"] = []
    obj["metadata"]["annotations"] = {}
    obj["spec"]["template"]["spec"]["containers"] = []
    decoded, _ = decode(obj)
    assert "annotations" not in decoded["metadata"]
    assert decoded["spec"]["template"]["spec"]["containers"] == []


def test_object_meta_server_fields_pass_through() -> None:
    obj = deployment()
    obj["metadata"].update(
        uid="1c2d",
        resourceVersion="42",
        generation=3,
        creationTimestamp="2025-01-01T00:00:00Z",
        managedFields=[{"manager": "kubectl", "operation": "Apply", "fieldsV1": {"f:spec": {"f:replicas": {}}}}],
    )
    decoded, _ = decode(obj)
    assert decoded["metadata"] == obj["metadata"]


def secret(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"}, **fields}


def test_secret_data_must_be_base64_with_gos_byte_offset() -> None:
    err = decode_error(secret(data={"password": "hello!"}))
    assert err.message == 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 5'


def test_secret_data_without_padding_is_corrupt_at_the_last_quantum() -> None:
    err = decode_error(secret(data={"a": "aGk"}))
    assert err.message.endswith("illegal base64 data at input byte 0")


def test_secret_string_data_is_folded_into_data_and_removed() -> None:
    decoded, _ = decode(secret(data={"user": "YWRtaW4=", "pass": "b2xk"}, stringData={"pass": "s3cret"}))
    assert decoded["data"] == {"user": "YWRtaW4=", "pass": "czNjcmV0"}
    assert "stringData" not in decoded


def test_other_kinds_decode_through_the_same_walker() -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http", "protocoll": "TCP"}]},
    }
    err = decode_error(service)
    assert err.message == (
        'Service in version "v1" cannot be handled as a Service: strict decoding error: '
        'unknown field "spec.ports[0].protocoll"'
    )
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": "5"},
    }
    assert decode_error(hpa).message == (
        'HorizontalPodAutoscaler in version "v2" cannot be handled as a HorizontalPodAutoscaler: '
        "json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32"
    )


@pytest.mark.parametrize(
    "obj",
    [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}},
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "status": {"capacity": {"cpu": 2}}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"}, "spec": {"replicas": 1}},
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "e"}, "subsets": [{"ports": [{"port": 80}]}]},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}},
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}, "count": 1, "reason": "Started"},
        {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": "pv"},
            "spec": {"capacity": {"storage": "1Gi"}},
        },
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c"},
            "spec": {"accessModes": ["ReadWriteOnce"]},
        },
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"backoffLimit": 2}},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "sa"},
            "automountServiceAccountToken": False,
        },
    ],
)
def test_every_supported_kind_decodes(obj: dict[str, Any]) -> None:
    decoded, warnings = decode(copy.deepcopy(obj))
    assert warnings == []
    assert decoded["metadata"] == obj["metadata"]


def test_an_unregistered_kind_is_a_bad_request() -> None:
    err = decode_error({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}})
    assert err.message.startswith('no kind "Deploymnet" is registered for version "apps/v1"')


def test_times_are_reserialised_in_utc_whole_seconds_and_bad_times_fail() -> None:
    obj = deployment()
    obj["metadata"]["creationTimestamp"] = "2025-03-01T10:00:00.5+02:00"
    decoded, _ = decode(obj)
    assert decoded["metadata"]["creationTimestamp"] == "2025-03-01T08:00:00Z"
    obj["metadata"]["creationTimestamp"] = "yesterday"
    assert decode_error(obj).message == PREFIX + (
        'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'
    )


def test_null_list_items_become_go_zero_values() -> None:
    obj = deployment()
    container(obj)["args"] = ["a", None]
    decoded, _ = decode(obj)
    assert container(decoded)["args"] == ["a", ""]


def test_strict_errors_are_deduplicated_and_capped_at_one_hundred() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"] = [{"name": f"c{i}", "image": "x", "bogus": 1} for i in range(120)]
    _, warnings = decode(obj, "Warn")
    assert len(warnings) == 100
    assert warnings[0] == 'unknown field "spec.template.spec.containers[0].bogus"'


def test_a_decoder_table_being_compiled_is_invisible_to_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Server processes decode in one thread per request (found by ``bench/soak.py``): a table is
    published only once complete; a half-built Deployment table once decoded a body without its kind."""
    from kubelearn.cluster.apiserver.decode import schema

    monkeypatch.setattr(schema, "_compiled", {})
    inside, resume = threading.Event(), threading.Event()
    compile_field = schema._schema_node

    def paused(*args: Any) -> Any:
        if not inside.is_set():
            inside.set()
            resume.wait(10)
        return compile_field(*args)

    monkeypatch.setattr(schema, "_schema_node", paused)
    name = "io.k8s.api.apps.v1.Deployment"
    compiler = threading.Thread(target=schema.definition_node, args=(name,))
    compiler.start()
    try:
        assert inside.wait(10)
        assert name not in schema._compiled  # another request would walk a struct without fields
    finally:
        resume.set()
        compiler.join(10)
    assert {"apiVersion", "kind", "metadata", "spec"} <= set(schema._compiled[name].fields)
    decoded, _ = decode(deployment())
    assert decoded["kind"] == "Deployment"
