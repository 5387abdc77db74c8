"""Validated applies per second, and the memory of a cluster holding 1,000 objects.

Run: ``.venv/bin/python bench/apply.py`` (``make bench`` runs every script here).
Each apply goes through the whole API pipeline: YAML parse, strict decoding against the
OpenAPI schema, defaulting, validation, admission and the store write — what a student's
"Apply" button costs the server.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from _common import figure, pin_to_one_core

from kubelearn.cluster import Cluster
from kubelearn.cluster.manifests import parse_manifests

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  labels: {{app: web-{i}, tier: frontend}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}, tier: frontend}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
        env:
        - {{name: MODE, value: production}}
"""


def bare() -> Cluster:
    """Only the API machinery (no scheduler/kubelet): this measures the apply path itself."""
    from kubelearn.cluster.controllers import garbage_collector, namespace, serviceaccount

    return Cluster(controllers=[namespace, serviceaccount, garbage_collector])


def main() -> None:
    pin_to_one_core()
    count = 3000
    texts = [TEMPLATE.format(i=i) for i in range(count)]
    cluster = bare()
    # Warm the schema caches, as a running server would have.
    cluster.apply_text(TEMPLATE.format(i="warm"))
    gc.collect()
    start = time.perf_counter()
    for text in texts:
        (result,) = cluster.apply_text(text, "bench.yaml")
        assert result.ok, result.kubectl_line()
    elapsed = time.perf_counter() - start
    figure("validated_applies_per_second", count / elapsed, "applies/s", 2000, "higher")

    # The same documents re-applied unchanged: the three-way merge path.
    start = time.perf_counter()
    for text in texts[:1000]:
        cluster.apply_text(text, "bench.yaml")
    figure("unchanged_reapplies_per_second", 1000 / (time.perf_counter() - start), "applies/s", 2000, "higher")

    docs = [parse_manifests(t)[0].obj for t in texts[:1000]]
    start = time.perf_counter()
    for doc in docs:
        cluster.api.create({**doc, "metadata": {**doc["metadata"], "name": doc["metadata"]["name"] + "-x"}})
    figure("api_creates_per_second_parsed", 1000 / (time.perf_counter() - start), "creates/s", 2000, "higher")

    gc.collect()
    tracemalloc.start()
    small = bare()
    for i in range(1000):
        kind = i % 2
        text = (
            TEMPLATE.format(i=i)
            if kind
            else f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}}}\ndata: {{key: value-{i}}}\n"
        )
        small.apply_text(text)
    gc.collect()
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figure("memory_cluster_with_1000_objects", current / 1024 / 1024, "MiB", 50, "lower")


if __name__ == "__main__":
    main()
