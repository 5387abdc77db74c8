"""``kubectl describe`` text, aligned as kubectl's tabwriter aligns it."""

from __future__ import annotations

from kubelearn.kubectl import CommandResult, describe

POD = """\
Name:             web-56cd776789-2bzt9
Namespace:        default
Priority:         0
Service Account:  default
Node:             ship-b/192.168.49.3
Start Time:       Thu, 01 Jan 2026 09:00:00 +0000
Labels:           app=web
                  pod-template-hash=56cd776789
Annotations:      <none>
Status:           Running
IP:               10.244.1.2
IPs:
  IP:           10.244.1.2
Controlled By:  ReplicaSet/web-56cd776789
Containers:
  web:
    Container ID:   containerd://09e469e6ec62b2c8148b2758d7ab7928b306d1a8e5eeac76d450fe4aec4f217b
    Image:          nginx:1.27
    Image ID:       docker.io/library/nginx@sha256:6965a10c15290ad0b29ca7fd1866de1850408b3cb15fb11a3bbbbc2fddb158bd
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 09:00:03 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
  PodReadyToStartContainers   True |
  Initialized                 True |
  Ready                       True |
  ContainersReady             True |
  PodScheduled                True |
Volumes:                      <none>
QoS Class:                    BestEffort
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  30s   default-scheduler  Successfully assigned default/web-56cd776789-2bzt9 to ship-b
  Normal  Pulling    30s   kubelet            Pulling image "nginx:1.27"
  Normal  Pulled     28s   kubelet            Successfully pulled image "nginx:1.27" in 2s (2s including waiting). Image size: 72099410 bytes.
  Normal  Created    28s   kubelet            Created container: web
  Normal  Started    27s   kubelet            Started container web
""".replace(" |\n", " \n")  # kubectl ends condition rows with a space

DEPLOYMENT = """\
Name:                   web
Namespace:              default
CreationTimestamp:      Thu, 01 Jan 2026 09:00:00 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   web:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   web-56cd776789 (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  30s   deployment-controller  Scaled up replica set web-56cd776789 from 0 to 2
"""


def test_describe_pod_matches_kubectl(kubectl):
    assert kubectl("describe pod web-56cd776789-2bzt9") == CommandResult(0, POD, "")


def test_describe_deployment_matches_kubectl(kubectl):
    assert kubectl("describe deployment/web") == CommandResult(0, DEPLOYMENT, "")


def test_describe_function_serves_the_inspector(cluster):
    assert describe(cluster, "Deployment", "default", "web") == DEPLOYMENT
    assert describe(cluster, "Deployment", "default", "gone") == ""


def test_describe_name_prefix_matches_like_kubectl(kubectl):
    result = kubectl("describe pods web-56cd776789")
    assert result.stdout.count("Name:             web-56cd776789-") == 2
    assert "\n\n\nName:             web-56cd776789-vlc8w\n" in result.stdout


def test_describe_missing_object(kubectl):
    assert kubectl("describe deploy nope") == CommandResult(
        1, "", 'Error from server (NotFound): deployments.apps "nope" not found\n'
    )


def test_describe_service_shows_its_endpoints(kubectl):
    kubectl("expose deployment web --port=80")
    assert kubectl("describe svc web").stdout.split("\n")[10:14] == [
        "Port:                     <unset>  80/TCP",
        "TargetPort:               80/TCP",
        "Endpoints:                10.244.0.2:80,10.244.1.2:80",
        "Session Affinity:         None",
    ]


def test_describe_configmap_and_secret_hide_secret_values(kubectl):
    kubectl("create configmap cfg --from-literal=color=blue")
    assert kubectl("describe cm cfg").stdout == (
        "Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Data\n====\ncolor:\n----\nblue\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    )
    kubectl("create secret generic pw --from-literal=password=s3cret")
    assert kubectl("describe secret pw").stdout == (
        "Name:         pw\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Type:  Opaque\n\nData\n====\npassword:  6 bytes\n"
    )


def test_describe_namespace(kubectl):
    assert kubectl("describe ns default").stdout == (
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\n"
        "Status:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    )


def test_describe_node_lists_its_pods_and_allocations(kubectl):
    text = kubectl("describe node ship-a").stdout
    assert text.startswith("Name:               ship-a\nRoles:              worker\n")
    assert "Non-terminated Pods:          (1 in total)\n" in text
    assert "  default                     web-56cd776789-vlc8w    0 (0%)        0 (0%)" in text
    assert text.endswith("  ephemeral-storage  0 (0%)    0 (0%)\nEvents:              <none>\n")


def test_describe_replicaset_counts_pod_phases(kubectl):
    text = kubectl("describe rs").stdout
    assert "Controlled By:  Deployment/web\n" in text
    assert "Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in text


def test_describe_job_hpa_pvc_and_endpoints(kubectl, cluster):
    kubectl(
        "apply -f -",
        stdin=(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n"
            "      restartPolicy: Never\n      containers: [{name: pi, image: busybox, command: [sh, -c, echo hi]}]\n"
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"
            "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
            "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n"
            "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n"
            "  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]\n"
        ),
    )
    kubectl("expose deploy web --port=80")
    cluster.step(30)
    assert "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed\n" in kubectl("describe job pi").stdout
    assert (
        "Reference:                                             Deployment/web\n" in kubectl("describe hpa web").stdout
    )
    assert "Access Modes:  RWO\n" in kubectl("describe pvc data").stdout
    assert "  Addresses:          10.244.0.2,10.244.1.2\n" in kubectl("describe endpoints web").stdout
