"""How fast the control plane schedules pods and starts them to Running (wall time, one core).

Run: ``.venv/bin/python bench/control_loops.py``. Two shapes from the issue: a 1,000-replica
Deployment on 20 ships, and 10,000 pods (100 Deployments of 100) on 1,000 ships. Ships get
real-cluster capacity here (110 pods, 64 CPU) so every pod fits; the time from the apply to
the moment every pod is Running is simulated, the wall time to compute it is what we measure.
Also: the memory of an idle sandbox cluster holding a 10-pod Deployment and a Service, and the
resident size of one process holding 1,000 of them (target: 1,000 x 250 KB plus the interpreter).
Each figure starts from a collected heap, so garbage from the one before is not charged to it.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
import tracemalloc

from _common import figure, pin_to_one_core

from kubelearn.cluster import Cluster

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80}}]
"""


def big_cluster(nodes: int) -> Cluster:
    cluster = Cluster(nodes=0)
    for index in range(nodes):
        cluster.add_node(index=index, cpu="64", memory="256Gi", pods=110)
    cluster.run_until_idle()
    return cluster


def running_pods(cluster: Cluster) -> int:
    return sum(1 for p in cluster.store.iter_kind("Pod") if (p.get("status") or {}).get("phase") == "Running")


def measure(nodes: int, deployments: int, replicas: int) -> float:
    cluster = big_cluster(nodes)
    total = deployments * replicas
    gc.collect()
    start = time.perf_counter()
    for index in range(deployments):
        (result,) = cluster.apply_text(DEPLOYMENT.format(name=f"app-{index}", replicas=replicas))
        assert result.ok, result.kubectl_line()
    cluster.run_until_idle()
    elapsed = time.perf_counter() - start
    assert running_pods(cluster) == total, (running_pods(cluster), total)
    return total / elapsed


def _idle_cluster() -> Cluster:
    cluster = Cluster()
    cluster.apply_text(DEPLOYMENT.format(name="web", replicas=10) + "---\n" + SERVICE.format(name="web"))
    cluster.run_until_idle()
    cluster.compact()  # what the runtime does to a sandbox nobody watches
    return cluster


def idle_sandbox_bytes(samples: int = 20) -> float:
    _idle_cluster()  # warm the schema and module caches a running server already has
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    clusters = []
    for _ in range(samples):
        clusters.append(_idle_cluster())
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / samples


def resident_mib() -> float:
    """This process's resident set size now (Linux ``/proc``; elsewhere the peak from rusage)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_of_idle_sandboxes(count: int = 1000) -> float:
    """RSS of one process holding ``count`` idle sandboxes (what a server with 1,000 students holds).

    Run in a fresh process (``--rss``): the allocator keeps the arenas of the big benchmark
    clusters above, which would hide the growth."""
    clusters = [_idle_cluster() for _ in range(count)]
    gc.collect()
    rss = resident_mib()
    del clusters
    return rss


def main() -> None:
    pin_to_one_core()
    if "--rss" in sys.argv:
        figure("rss_of_1000_idle_sandboxes", rss_of_idle_sandboxes(1000), "MiB", 300, "lower")
        return
    figure("pods_per_second_1000_replicas_20_nodes", measure(20, 1, 1000), "pods/s", 5000, "higher")
    figure("pods_per_second_10000_pods_1000_nodes", measure(1000, 100, 100), "pods/s", 1000, "higher")
    gc.collect()
    figure("memory_per_idle_sandbox", idle_sandbox_bytes() / 1024, "KB", 250, "lower")
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.abspath(__file__), "--rss"], check=True)


if __name__ == "__main__":
    main()
