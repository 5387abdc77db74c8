"""The OpenAPI definitions compiled into small decoder tables, one per Go struct.

Each definition becomes a ``Node``: its kind (struct, string, int, list, map, quantity, ...),
the Go type name Go's error messages print (``v1.DeploymentSpec``, ``[]v1.Container``,
``map[string]string``, ``int32``), and for structs the fields and which are required (no
``omitempty``). Built lazily and cached, so a decode never resolves a ``$ref``. Server
processes decode in several threads at once (one per request): a compile fills a private
table and publishes it only when every node in it is complete, so no thread ever walks a
half-built struct (which once decoded a Deployment without its ``kind``).
The OpenAPI document cannot name Go's string types (``v1.RestartPolicy``), so a small table
supplies the ones students are likely to meet.
"""

from __future__ import annotations

from typing import Any

from kubelearn.cluster.apiserver import openapi

STRUCT, STRING, INT, BOOL, FLOAT, BYTES, QUANTITY, INTORSTR, TIME, ANY, LIST, MAP = range(12)
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": (QUANTITY, "resource.Quantity"),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": (INTORSTR, "intstr.IntOrString"),
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": (TIME, "v1.Time"),
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": (TIME, "v1.MicroTime"),
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": (ANY, "v1.FieldsV1"),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": (ANY, "runtime.RawExtension"),
}
# Go named types the schema cannot tell us about: (struct, field) -> name of the leaf type.
_NAMED_LEAF = {
    ("Container", "imagePullPolicy"): "v1.PullPolicy",
    ("Container", "terminationMessagePolicy"): "v1.TerminationMessagePolicy",
    ("ContainerPort", "protocol"): "v1.Protocol",
    ("ServicePort", "protocol"): "v1.Protocol",
    ("EndpointPort", "protocol"): "v1.Protocol",
    ("PodSpec", "restartPolicy"): "v1.RestartPolicy",
    ("PodSpec", "dnsPolicy"): "v1.DNSPolicy",
    ("PodSpec", "preemptionPolicy"): "v1.PreemptionPolicy",
    ("ServiceSpec", "type"): "v1.ServiceType",
    ("ServiceSpec", "sessionAffinity"): "v1.ServiceAffinity",
    ("ServiceSpec", "externalTrafficPolicy"): "v1.ServiceExternalTrafficPolicy",
    ("ServiceSpec", "internalTrafficPolicy"): "v1.ServiceInternalTrafficPolicy",
    ("ServiceSpec", "ipFamilies"): "v1.IPFamily",
    ("ServiceSpec", "ipFamilyPolicy"): "v1.IPFamilyPolicy",
    ("PersistentVolumeClaimSpec", "accessModes"): "v1.PersistentVolumeAccessMode",
    ("PersistentVolumeClaimSpec", "volumeMode"): "v1.PersistentVolumeMode",
    ("PersistentVolumeSpec", "accessModes"): "v1.PersistentVolumeAccessMode",
    ("PersistentVolumeSpec", "volumeMode"): "v1.PersistentVolumeMode",
    ("PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): "v1.PersistentVolumeReclaimPolicy",
    ("NamespaceSpec", "finalizers"): "v1.FinalizerName",
    ("NamespaceStatus", "phase"): "v1.NamespacePhase",
    ("Secret", "type"): "v1.SecretType",
    ("Taint", "effect"): "v1.TaintEffect",
    ("Toleration", "effect"): "v1.TaintEffect",
    ("Toleration", "operator"): "v1.TolerationOperator",
    ("NodeSelectorRequirement", "operator"): "v1.NodeSelectorOperator",
    ("LabelSelectorRequirement", "operator"): "v1.LabelSelectorOperator",
    ("ObjectMeta", "uid"): "types.UID",
    ("OwnerReference", "uid"): "types.UID",
    ("ManagedFieldsEntry", "operation"): "v1.ManagedFieldsOperationType",
    ("DeploymentStrategy", "type"): "v1.DeploymentStrategyType",
    ("JobSpec", "completionMode"): "v1.CompletionMode",
    ("JobSpec", "podReplacementPolicy"): "v1.PodReplacementPolicy",
    ("MetricSpec", "type"): "v2.MetricSourceType",
    ("MetricTarget", "type"): "v2.MetricTargetType",
    ("HPAScalingRules", "selectPolicy"): "v2.ScalingPolicySelect",
    ("HPAScalingPolicy", "type"): "v2.HPAScalingPolicyType",
    ("ResourceMetricSource", "name"): "v1.ResourceName",
    ("PodStatus", "phase"): "v1.PodPhase",
    ("HTTPGetAction", "scheme"): "v1.URIScheme",
    ("Capabilities", "add"): "v1.Capability",
    ("Capabilities", "drop"): "v1.Capability",
}
_RESOURCE_LIST_FIELDS = {"limits", "requests", "capacity", "allocatable", "overhead", "hard", "used"}


class Node:
    __slots__ = ("elem", "fields", "go_type", "kind", "limits", "required", "struct")

    def __init__(self, kind: int, go_type: str) -> None:
        self.kind = kind
        self.go_type = go_type
        self.fields: dict[str, Node] = {}
        self.required: frozenset[str] = frozenset()
        self.elem: Node | None = None
        self.struct = ""
        self.limits = (0, 0)


_compiled: dict[str, Node] = {}  # complete tables only (see the module docstring)


def _struct_node(name: str, pending: dict[str, Node]) -> Node:
    node = _compiled.get(name) or pending.get(name)
    if node is not None:
        return node
    if name in _SPECIAL:
        kind, go_type = _SPECIAL[name]
        node = Node(kind, go_type)
        pending[name] = node
        return node
    schema = openapi.definitions()[name]
    pkg, short = name.rsplit(".", 2)[-2:]
    if "properties" not in schema:
        node = _schema_node(schema, short, "", pending)
        pending[name] = node
        return node
    node = Node(STRUCT, f"{pkg}.{short}")
    node.struct = short
    node.required = frozenset(schema.get("required", ()))
    pending[name] = node  # before the fields: definitions may be recursive
    node.fields = {field: _schema_node(sub, short, field, pending) for field, sub in schema["properties"].items()}
    return node


def _schema_node(schema: dict[str, Any], owner: str, field: str, pending: dict[str, Node]) -> Node:
    ref = schema.get("$ref")
    if ref is not None:
        return _struct_node(ref.removeprefix("#/$defs/"), pending)
    types = schema.get("type", "object")
    kind = next((t for t in types if t != "null"), "object") if isinstance(types, list) else types
    named = _NAMED_LEAF.get((owner, field))
    if kind == "array":
        node = Node(LIST, "")
        node.elem = _leaf_named(_schema_node(schema.get("items", {}), owner, "", pending), named)
        node.go_type = "[]" + node.elem.go_type
        return node
    if kind == "object":
        if "additionalProperties" not in schema:
            return Node(ANY, "map[string]interface {}")
        node = Node(MAP, "")
        node.elem = _schema_node(schema["additionalProperties"], owner, "", pending)
        is_resource_list = node.elem.kind == QUANTITY and field in _RESOURCE_LIST_FIELDS
        node.go_type = "v1.ResourceList" if is_resource_list else "map[string]" + node.elem.go_type
        return node
    return _leaf_named(_scalar_node(kind, schema.get("format", "")), named)


def _scalar_node(kind: str, fmt: str) -> Node:
    if kind == "string":
        if fmt == "byte":
            return Node(BYTES, "[]uint8")
        return Node(TIME, "v1.Time") if fmt == "date-time" else Node(STRING, "string")
    if kind == "integer":
        node = Node(INT, fmt or "int64")
        node.limits = _INT_RANGES.get(node.go_type, _INT_RANGES["int64"])
        return node
    if kind == "boolean":
        return Node(BOOL, "bool")
    if kind == "number":
        return Node(FLOAT, "float64")
    return Node(ANY, "interface {}")


def _leaf_named(node: Node, named: str | None) -> Node:
    if named is None or node.kind != STRING:
        return node
    renamed = Node(STRING, named)  # never rename a node another field may share
    return renamed


def definition_node(name: str) -> Node:
    """The compiled decoder table for one OpenAPI definition (cached; safe across threads)."""
    node = _compiled.get(name)
    if node is None:
        pending: dict[str, Node] = {}
        node = _struct_node(name, pending)
        _compiled.update(pending)  # publish finished tables only; a racing thread builds an equal copy
    return node
