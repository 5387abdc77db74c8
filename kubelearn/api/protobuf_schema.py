"""Field numbers of the k8s.io/api protobuf messages that kubectl and typed clients send us.

Transcribed from upstream's ``generated.proto`` files (k8s.io/api ``core/v1``, ``apps/v1``,
``batch/v1``, ``policy/v1``, ``authorization/v1``; k8s.io/apimachinery ``apis/meta/v1``,
``util/intstr``, ``api/resource``; Apache-2.0). Protobuf field numbers never change once
released, so one table serves every 1.32+ client. Only the messages reachable from the
bodies clients actually encode are listed, and in them only fields a person can set from a
kubectl command line or a typed client call; status messages are omitted (the API server
ignores status on create).

Notation, one message per line: ``Name: number name[:type][*][^]; ...``
``type`` is ``string`` (default), ``int``, ``bool``, ``bytes``, ``map`` (string->string),
``bmap`` (string->bytes), ``qmap`` (string->Quantity), ``Time``, ``Quantity``,
``IntOrString``, ``RawJSON`` or another message; ``[T]`` is a repeated field; ``*`` marks a
pointer field whose zero value is meaningful; ``^`` an embedded struct inlined into its parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_SCHEMA = """
ObjectMeta: 1 name; 2 generateName; 3 namespace; 5 uid; 6 resourceVersion; 7 generation:int; 8 creationTimestamp:Time; 9 deletionTimestamp:Time; 10 deletionGracePeriodSeconds:int*; 11 labels:map; 12 annotations:map; 13 ownerReferences:[OwnerReference]; 14 finalizers:[string]
OwnerReference: 1 kind; 3 name; 4 uid; 5 apiVersion; 6 controller:bool*; 7 blockOwnerDeletion:bool*
LabelSelector: 1 matchLabels:map; 2 matchExpressions:[LabelSelectorRequirement]
LabelSelectorRequirement: 1 key; 2 operator; 3 values:[string]
DeleteOptions: 1 gracePeriodSeconds:int*; 2 preconditions:Preconditions; 3 orphanDependents:bool*; 4 propagationPolicy:string*; 5 dryRun:[string]
Preconditions: 1 uid:string*; 2 resourceVersion:string*
Deployment: 1 metadata:ObjectMeta; 2 spec:DeploymentSpec
DeploymentSpec: 1 replicas:int*; 2 selector:LabelSelector; 3 template:PodTemplateSpec; 4 strategy:DeploymentStrategy; 5 minReadySeconds:int; 6 revisionHistoryLimit:int*; 7 paused:bool; 9 progressDeadlineSeconds:int*
DeploymentStrategy: 1 type; 2 rollingUpdate:RollingUpdateDeployment
RollingUpdateDeployment: 1 maxUnavailable:IntOrString; 2 maxSurge:IntOrString
ReplicaSet: 1 metadata:ObjectMeta; 2 spec:ReplicaSetSpec
ReplicaSetSpec: 1 replicas:int*; 2 selector:LabelSelector; 3 template:PodTemplateSpec; 4 minReadySeconds:int
Job: 1 metadata:ObjectMeta; 2 spec:JobSpec
JobSpec: 1 parallelism:int*; 2 completions:int*; 3 activeDeadlineSeconds:int*; 4 selector:LabelSelector; 5 manualSelector:bool*; 6 template:PodTemplateSpec; 7 backoffLimit:int*; 8 ttlSecondsAfterFinished:int*; 9 completionMode:string*; 10 suspend:bool*
Pod: 1 metadata:ObjectMeta; 2 spec:PodSpec
PodTemplateSpec: 1 metadata:ObjectMeta; 2 spec:PodSpec
PodSpec: 1 volumes:[Volume]; 2 containers:[Container]; 3 restartPolicy; 4 terminationGracePeriodSeconds:int*; 5 activeDeadlineSeconds:int*; 6 dnsPolicy; 7 nodeSelector:map; 8 serviceAccountName; 9 serviceAccount; 10 nodeName; 11 hostNetwork:bool; 15 imagePullSecrets:[LocalObjectReference]; 16 hostname; 17 subdomain; 19 schedulerName; 20 initContainers:[Container]; 21 automountServiceAccountToken:bool*; 22 tolerations:[Toleration]; 24 priorityClassName; 25 priority:int*; 30 enableServiceLinks:bool*
Container: 1 name; 2 image; 3 command:[string]; 4 args:[string]; 5 workingDir; 6 ports:[ContainerPort]; 7 env:[EnvVar]; 8 resources:ResourceRequirements; 9 volumeMounts:[VolumeMount]; 13 terminationMessagePath; 14 imagePullPolicy; 16 stdin:bool; 17 stdinOnce:bool; 18 tty:bool; 19 envFrom:[EnvFromSource]; 20 terminationMessagePolicy; 24 restartPolicy:string*
ContainerPort: 1 name; 2 hostPort:int; 3 containerPort:int; 4 protocol; 5 hostIP
EnvVar: 1 name; 2 value; 3 valueFrom:EnvVarSource
EnvVarSource: 3 configMapKeyRef:ConfigMapKeySelector; 4 secretKeyRef:SecretKeySelector
ConfigMapKeySelector: 1 localObjectReference:LocalObjectReference^; 2 key; 3 optional:bool*
SecretKeySelector: 1 localObjectReference:LocalObjectReference^; 2 key; 3 optional:bool*
EnvFromSource: 1 prefix; 2 configMapRef:ConfigMapEnvSource; 3 secretRef:SecretEnvSource
ConfigMapEnvSource: 1 localObjectReference:LocalObjectReference^; 2 optional:bool*
SecretEnvSource: 1 localObjectReference:LocalObjectReference^; 2 optional:bool*
LocalObjectReference: 1 name
ResourceRequirements: 1 limits:qmap; 2 requests:qmap
VolumeMount: 1 name; 2 readOnly:bool; 3 mountPath; 4 subPath
Volume: 1 name; 2 volumeSource:VolumeSource^
VolumeSource: 2 emptyDir:EmptyDirVolumeSource; 6 secret:SecretVolumeSource; 19 configMap:ConfigMapVolumeSource; 10 persistentVolumeClaim:PersistentVolumeClaimVolumeSource
EmptyDirVolumeSource: 1 medium; 2 sizeLimit:Quantity
SecretVolumeSource: 1 secretName; 3 defaultMode:int*; 4 optional:bool*
ConfigMapVolumeSource: 1 localObjectReference:LocalObjectReference^; 3 defaultMode:int*; 4 optional:bool*
PersistentVolumeClaimVolumeSource: 1 claimName; 2 readOnly:bool
Toleration: 1 key; 2 operator; 3 value; 4 effect; 5 tolerationSeconds:int*
ConfigMap: 1 metadata:ObjectMeta; 2 data:map; 3 binaryData:bmap; 4 immutable:bool*
Secret: 1 metadata:ObjectMeta; 2 data:bmap; 3 type; 4 stringData:map; 5 immutable:bool*
Namespace: 1 metadata:ObjectMeta; 2 spec:NamespaceSpec
NamespaceSpec: 1 finalizers:[string]
ServiceAccount: 1 metadata:ObjectMeta; 2 secrets:[ObjectReference]; 3 imagePullSecrets:[LocalObjectReference]; 4 automountServiceAccountToken:bool*
ObjectReference: 1 kind; 2 namespace; 3 name; 4 uid; 5 apiVersion; 6 resourceVersion; 7 fieldPath
Service: 1 metadata:ObjectMeta; 2 spec:ServiceSpec
ServiceSpec: 1 ports:[ServicePort]; 2 selector:map; 3 clusterIP; 4 type; 5 externalIPs:[string]; 7 sessionAffinity; 8 loadBalancerIP; 9 loadBalancerSourceRanges:[string]; 10 externalName; 11 externalTrafficPolicy; 12 healthCheckNodePort:int; 13 publishNotReadyAddresses:bool; 17 ipFamilyPolicy:string*; 18 clusterIPs:[string]; 19 ipFamilies:[string]; 20 allocateLoadBalancerNodePorts:bool*; 21 loadBalancerClass:string*; 22 internalTrafficPolicy:string*
ServicePort: 1 name; 2 protocol; 3 port:int; 4 targetPort:IntOrString; 5 nodePort:int; 6 appProtocol:string*
Eviction: 1 metadata:ObjectMeta; 2 deleteOptions:DeleteOptions
SelfSubjectAccessReview: 1 metadata:ObjectMeta; 2 spec:SelfSubjectAccessReviewSpec
SelfSubjectAccessReviewSpec: 1 resourceAttributes:ResourceAttributes; 2 nonResourceAttributes:NonResourceAttributes
ResourceAttributes: 1 namespace; 2 verb; 3 group; 4 version; 5 resource; 6 subresource; 7 name
NonResourceAttributes: 1 path; 2 verb
"""

# (apiVersion, kind) of a request body -> its message. DeleteOptions arrives under several apiVersions.
_TOP_LEVEL = {
    ("apps/v1", "Deployment"): "Deployment",
    ("apps/v1", "ReplicaSet"): "ReplicaSet",
    ("batch/v1", "Job"): "Job",
    ("v1", "Pod"): "Pod",
    ("v1", "ConfigMap"): "ConfigMap",
    ("v1", "Secret"): "Secret",
    ("v1", "Namespace"): "Namespace",
    ("v1", "ServiceAccount"): "ServiceAccount",
    ("v1", "Service"): "Service",
    ("policy/v1", "Eviction"): "Eviction",
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"): "SelfSubjectAccessReview",
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    repeated: bool = False
    pointer: bool = False
    inline: bool = False


def _parse_field(text: str) -> tuple[int, Field]:
    number, _, rest = text.strip().partition(" ")
    name, _, kind = rest.partition(":")
    pointer, inline = kind.endswith("*"), kind.endswith("^")
    kind = kind.rstrip("*^") or "string"
    repeated = kind.startswith("[")
    return int(number), Field(name, kind.strip("[]"), repeated, pointer, inline)


@cache
def _table() -> dict[str, dict[int, Field]]:
    table: dict[str, dict[int, Field]] = {}
    for line in _SCHEMA.strip().splitlines():
        name, _, fields = line.partition(":")
        table[name.strip()] = dict(_parse_field(f) for f in fields.split(";") if f.strip())
    return table


def message(name: str) -> dict[int, Field]:
    """The fields of one message by number (empty for a message we do not describe)."""
    return _table().get(name, {})


def top_level(api_version: str, kind: str) -> str | None:
    if kind == "DeleteOptions":
        return "DeleteOptions"
    return _TOP_LEVEL.get((api_version, kind))
