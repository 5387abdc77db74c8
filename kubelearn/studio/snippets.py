"""Starter manifests, one per kind the mini cluster serves, for the editor's "insert" menu.

Each is the smallest manifest that is valid against the 1.32 API server and shows the
kind's point (a Deployment of three nginx pods, a Service selecting them, ...). Names and
labels line up so the snippets work together: apply Deployment, then Service, then send
traffic. Images come from the kubelet's image catalogue (nginx, busybox, redis).
"""

from __future__ import annotations

SNIPPETS: dict[str, str] = {
    "Deployment": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
""",
    "Service": """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
""",
    "Pod": """\
apiVersion: v1
kind: Pod
metadata:
  name: hello
  labels:
    app: hello
spec:
  containers:
    - name: hello
      image: busybox:1.36
      command: ["sh", "-c", "echo hello from the ship; sleep 3600"]
""",
    "ConfigMap": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  GREETING: hello
  index.html: |
    <h1>Hello from the harbor</h1>
""",
    "Secret": """\
apiVersion: v1
kind: Secret
metadata:
  name: db-password
type: Opaque
stringData:
  password: s3cr3t-harbor
""",
    "Job": """\
apiVersion: batch/v1
kind: Job
metadata:
  name: count
spec:
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: count
          image: busybox:1.36
          command: ["sh", "-c", "for i in 1 2 3; do echo $i; sleep 1; done"]
""",
    "HorizontalPodAutoscaler": """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 50
""",
    "PersistentVolumeClaim": """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
""",
    "Namespace": """\
apiVersion: v1
kind: Namespace
metadata:
  name: harbor
""",
}

DEFAULT_SNIPPET = "Deployment"


def snippet(kind: str) -> str:
    """The starter manifest for ``kind`` ("" when there is none)."""
    return SNIPPETS.get(kind, "")
