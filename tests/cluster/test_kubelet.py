"""The kubelet as seen through the API: statuses, events and their timing in simulated time."""

from __future__ import annotations

from typing import Any

import pytest

from kubelearn.cluster import kubelet
from kubelearn.cluster.cluster import Cluster, default_controllers
from kubelearn.cluster.controllers import volume_binding


def make_cluster(**kwargs: Any) -> Cluster:
    controllers = default_controllers()
    for extra in (kubelet, volume_binding):
        if not any(c is extra or getattr(c, "NAME", None) == extra.NAME for c in controllers):
            controllers.insert(-1, extra)
    return Cluster(controllers=controllers, **kwargs)


def pod_yaml(name: str, image: str, extra: str = "", restart: str = "Always", node: str = "") -> str:
    node_line = f"  nodeName: {node}\n" if node else ""
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{node_line}  restartPolicy: {restart}\n"
        f"  containers:\n  - name: {name.split('-')[0]}\n    image: {image}\n{extra}"
    )


def apply(cluster: Cluster, text: str) -> None:
    results = cluster.apply_text(text)
    assert all(r.ok for r in results), [r.error for r in results]


def pod(cluster: Cluster, name: str) -> dict[str, Any]:
    obj = cluster.store.peek("Pod", "default", name)
    assert obj is not None
    return obj


def state(cluster: Cluster, name: str, index: int = 0) -> dict[str, Any]:
    return pod(cluster, name)["status"]["containerStatuses"][index]


def events(cluster: Cluster, name: str) -> list[tuple[float, str, str, int]]:
    found = [
        (cluster.clock.parse(e["firstTimestamp"]), e["reason"], e["message"], e["count"])
        for e in cluster.store.iter_kind("Event")
        if e["involvedObject"]["name"] == name and e["source"]["component"] == "kubelet"
    ]
    return sorted(found)


def test_a_new_pod_pulls_creates_starts_and_becomes_ready_on_the_timings_clock() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "nginx:1.27"))
    assert state(cluster, "web")["state"] == {"waiting": {"reason": "ContainerCreating"}}
    status = pod(cluster, "web")["status"]
    assert status["phase"] == "Pending"
    assert status["podIP"] == "10.244.0.2"
    assert status["hostIP"] == "192.168.49.2"
    cluster.step(3)
    running = state(cluster, "web")
    assert running["state"] == {"running": {"startedAt": "2026-01-01T09:00:03Z"}}
    assert running["ready"] is False
    assert running["started"] is True
    assert running["image"] == "docker.io/library/nginx:1.27"
    assert running["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert running["containerID"].startswith("containerd://")
    assert pod(cluster, "web")["status"]["phase"] == "Running"
    cluster.step(1)
    status = pod(cluster, "web")["status"]
    assert state(cluster, "web")["ready"] is True
    conditions = {c["type"]: c["status"] for c in status["conditions"]}
    assert conditions == {
        "PodReadyToStartContainers": "True",
        "Initialized": "True",
        "Ready": "True",
        "ContainersReady": "True",
        "PodScheduled": "True",
    }
    assert [c["type"] for c in status["conditions"]][:4] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
    ]
    assert events(cluster, "web") == [
        (0.0, "Pulling", 'Pulling image "nginx:1.27"', 1),
        (
            2.0,
            "Created",
            "Created container: web",
            1,
        ),
        (
            2.0,
            "Pulled",
            'Successfully pulled image "nginx:1.27" in 2s (2s including waiting). Image size: 72099410 bytes.',
            1,
        ),
        (3.0, "Started", "Started container web", 1),
    ]
    assert cluster.run_until_idle() == 0.0


def test_a_second_pod_on_the_same_node_finds_the_image_already_present() -> None:
    cluster = make_cluster(nodes=1)
    apply(cluster, pod_yaml("one", "nginx:1.27"))
    cluster.step(5)
    apply(cluster, pod_yaml("two", "nginx:1.27"))
    cluster.step(5)
    assert ("Pulled", 'Container image "nginx:1.27" already present on machine') in [
        (r, m) for _, r, m, _ in events(cluster, "two")
    ]
    assert pod(cluster, "two")["status"]["podIP"] == "10.244.0.3"


def test_an_unknown_image_fails_to_pull_then_backs_off_with_doubling_delays() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "ngnix:1.27"))
    cluster.step(1)
    waiting = state(cluster, "web")["state"]["waiting"]
    assert waiting["reason"] == "ErrImagePull"
    assert "pull access denied" in waiting["message"]
    cluster.step(1)
    waiting = state(cluster, "web")["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    assert waiting["message"].startswith('Back-off pulling image "ngnix:1.27": ErrImagePull: rpc error')
    reasons = [(t, r, m) for t, r, m, _ in events(cluster, "web")]
    assert (1.0, "Failed", "Error: ErrImagePull") in reasons
    assert (2.0, "BackOff", 'Back-off pulling image "ngnix:1.27"') in reasons
    assert any(m.startswith('Failed to pull image "ngnix:1.27": rpc error: code = Unknown') for _, _, m in reasons)
    cluster.step(60)
    pulling = next(e for e in events(cluster, "web") if e[1] == "Pulling")
    # pulls at 0, 11 (1 + 10s back-off), 32 (12 + 20s)
    assert pulling[3] == 3
    assert pod(cluster, "web")["status"]["phase"] == "Pending"


def test_a_crashing_image_goes_into_crashloopbackoff_with_doubling_back_off() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("crashy", "kubelearn/crashy"))
    cluster.step(6)  # started at 3, exits at 6
    terminated = state(cluster, "crashy")["state"]["terminated"]
    assert terminated["exitCode"] == 1
    assert terminated["reason"] == "Error"
    cluster.step(2.5)  # restarted at once: pod sync 1s, image present 0.2s, start 1s -> running at 8.2
    status = state(cluster, "crashy")
    assert status["restartCount"] == 1
    assert "running" in status["state"]
    assert status["lastState"]["terminated"]["reason"] == "Error"
    cluster.step(4)  # exits at 11.2; the next start waits 10s
    status = state(cluster, "crashy")
    waiting = status["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    uid = pod(cluster, "crashy")["metadata"]["uid"]
    assert waiting["message"] == f"back-off 10s restarting failed container=crashy pod=crashy_default({uid})"
    assert pod(cluster, "crashy")["status"]["phase"] == "Running"
    back_off = [e for e in events(cluster, "crashy") if e[1] == "BackOff"]
    assert back_off[0][2] == f"Back-off restarting failed container crashy in pod crashy_default({uid})"
    delays = []
    for _ in range(900):
        cluster.step(1)
        message = state(cluster, "crashy")["state"].get("waiting", {}).get("message", "")
        if message and (not delays or delays[-1] != message.split()[1]):
            delays.append(message.split()[1])
    assert delays[:6] == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]
    assert state(cluster, "crashy")["restartCount"] >= 7


def test_a_memory_hog_over_its_limit_is_oomkilled_with_exit_code_137() -> None:
    cluster = make_cluster()
    extra = "    resources:\n      limits:\n        memory: 128Mi\n"
    apply(cluster, pod_yaml("hog", "kubelearn/memhog", extra, restart="Never"))
    cluster.step(10)
    terminated = state(cluster, "hog")["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (137, "OOMKilled")
    assert pod(cluster, "hog")["status"]["phase"] == "Failed"


def test_busybox_echo_with_restart_policy_never_succeeds_and_logs_the_line() -> None:
    cluster = make_cluster()
    extra = '    command: ["sh", "-c", "echo hello $WHO; sleep 5"]\n    env:\n    - name: WHO\n      value: world\n'
    apply(cluster, pod_yaml("job", "busybox", extra, restart="Never"))
    cluster.step(4)
    assert pod(cluster, "job")["status"]["phase"] == "Running"
    cluster.step(5)
    status = pod(cluster, "job")["status"]
    assert status["phase"] == "Succeeded"
    assert status["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "PodCompleted")
    assert kubelet.logs(cluster.ctx, "default", "job") == ["hello world"]
    assert cluster.run_until_idle() == 0.0


def test_busybox_without_a_command_exits_at_once_and_crashloops_under_restart_always() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("bb", "busybox"))
    cluster.step(30)
    status = state(cluster, "bb")
    assert status["restartCount"] >= 1
    assert status["lastState"]["terminated"]["reason"] == "Completed"


def test_a_missing_configmap_blocks_the_container_until_it_is_created() -> None:
    cluster = make_cluster()
    extra = (
        '    command: ["sh", "-c", "echo level=$LOG_LEVEL; sleep 3600"]\n'
        "    env:\n    - name: LOG_LEVEL\n      valueFrom:\n        configMapKeyRef:\n"
        "          name: app-config\n          key: LOG_LEVEL\n"
    )
    apply(cluster, pod_yaml("app", "busybox:1.36", extra))
    cluster.step(5)
    waiting = state(cluster, "app")["state"]["waiting"]
    assert waiting == {"reason": "CreateContainerConfigError", "message": 'configmap "app-config" not found'}
    assert ("Failed", 'Error: configmap "app-config" not found') in [(r, m) for _, r, m, _ in events(cluster, "app")]
    apply(cluster, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  OTHER: x\n")
    cluster.step(1)
    waiting = state(cluster, "app")["state"]["waiting"]
    assert waiting["message"] == "couldn't find key LOG_LEVEL in ConfigMap default/app-config"
    apply(cluster, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: debug\n")
    cluster.step(3)
    assert "running" in state(cluster, "app")["state"]
    assert kubelet.logs(cluster.ctx, "default", "app") == ["level=debug"]


def test_env_from_secrets_and_field_refs_are_visible_to_the_env_command() -> None:
    cluster = make_cluster()
    apply(
        cluster,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cret\n",
    )
    extra = (
        '    command: ["sh", "-c", "env"]\n    envFrom:\n    - secretRef:\n        name: db\n'
        "    env:\n    - name: POD_NAME\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n"
        "    - name: GREETING\n      value: hi-$(POD_NAME)\n"
    )
    apply(cluster, pod_yaml("env-pod", "busybox", extra, restart="Never"))
    cluster.step(5)
    lines = kubelet.logs(cluster.ctx, "default", "env-pod")
    assert "password=s3cret" in lines
    assert "POD_NAME=env-pod" in lines
    assert "GREETING=hi-env-pod" in lines
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in lines


def test_a_failing_liveness_probe_kills_and_restarts_the_container() -> None:
    cluster = make_cluster()
    extra = "    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n      periodSeconds: 5\n"
    apply(cluster, pod_yaml("web", "nginx", extra))
    cluster.step(20)  # started at 3; probes at 8, 13, 18 fail -> killed, stopped at 20
    found = [(t, r, m) for t, r, m, _ in events(cluster, "web")]
    assert (8.0, "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404") in found
    assert (18.0, "Killing", "Container web failed liveness probe, will be restarted") in found
    cluster.step(3)
    status = state(cluster, "web")
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["exitCode"] == 0


def test_the_docs_exec_liveness_example_restarts_after_the_file_is_removed() -> None:
    cluster = make_cluster()
    extra = (
        '    args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]\n'
        "    livenessProbe:\n      exec:\n        command: [cat, /tmp/healthy]\n"
        "      initialDelaySeconds: 5\n      periodSeconds: 5\n"
    )
    apply(cluster, pod_yaml("liveness-exec", "busybox", extra))
    cluster.step(60)
    found = [(t, r, m) for t, r, m, _ in events(cluster, "liveness-exec")]
    unhealthy = [f for f in found if f[1] == "Unhealthy"]
    assert unhealthy[0] == (
        33.0,
        "Unhealthy",
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
    )
    assert any(r == "Killing" for _, r, _ in found)
    assert state(cluster, "liveness-exec")["restartCount"] == 1


def test_a_readiness_probe_on_a_closed_port_keeps_the_pod_unready() -> None:
    cluster = make_cluster()
    extra = "    readinessProbe:\n      tcpSocket:\n        port: 8080\n      initialDelaySeconds: 2\n"
    apply(cluster, pod_yaml("web", "nginx:1.27", extra))
    cluster.step(30)
    status = pod(cluster, "web")["status"]
    assert status["phase"] == "Running"
    assert state(cluster, "web")["ready"] is False
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert ready["message"] == "containers with unready status: [web]"
    message = next(m for _, r, m, _ in events(cluster, "web") if r == "Unhealthy")
    assert message == "Readiness probe failed: dial tcp 10.244.0.2:8080: connect: connection refused"
    assert cluster.run_until_idle() < 60


def test_a_readiness_probe_waits_for_its_initial_delay() -> None:
    cluster = make_cluster()
    extra = "    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      initialDelaySeconds: 7\n"
    apply(cluster, pod_yaml("web", "nginx:1.27", extra))
    cluster.step(9)
    assert state(cluster, "web")["ready"] is False
    cluster.step(1)
    assert state(cluster, "web")["ready"] is True


def test_deleting_a_pod_stops_its_containers_and_removes_it() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "nginx:1.27"))
    cluster.step(5)
    cluster.api.delete("Pod", "default", "web")
    cluster.engine.drain()
    assert cluster.store.peek("Pod", "default", "web") is not None
    assert ("Killing", "Stopping container web") in [(r, m) for _, r, m, _ in events(cluster, "web")]
    cluster.step(2)
    assert cluster.store.peek("Pod", "default", "web") is None
    apply(cluster, pod_yaml("next", "nginx:1.27"))
    assert pod(cluster, "next")["status"]["podIP"] == "10.244.0.3"


def test_pods_on_a_failed_node_are_left_alone() -> None:
    cluster = make_cluster(nodes=1)
    node = cluster.api.get("Node", "", "ship-a")
    node["metadata"].setdefault("annotations", {})["kubelearn.dev/failure"] = "true"
    cluster.api.update(node, trusted=True)
    apply(cluster, pod_yaml("web", "nginx:1.27"))
    cluster.step(10)
    assert pod(cluster, "web")["status"].get("containerStatuses") is None
    node = cluster.api.get("Node", "", "ship-a")
    del node["metadata"]["annotations"]["kubelearn.dev/failure"]
    cluster.api.update(node, trusted=True)
    cluster.step(5)
    assert "running" in state(cluster, "web")["state"]


def test_a_pod_with_an_unbound_claim_waits_until_the_claim_is_bound() -> None:
    cluster = make_cluster()
    extra = "    volumeMounts:\n    - name: data\n      mountPath: /data\n"
    text = pod_yaml("db", "redis:7", extra, node="ship-b") + (
        "  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data\n"
    )
    apply(cluster, text)
    cluster.step(10)
    assert state(cluster, "db")["state"]["waiting"]["reason"] == "ContainerCreating"
    mount = next(m for _, r, m, _ in events(cluster, "db") if r == "FailedMount")
    assert mount.endswith('persistentvolumeclaims "data" not found')
    apply(
        cluster,
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n"
        "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    )
    claim = cluster.store.peek("PersistentVolumeClaim", "default", "data")
    assert claim["status"]["phase"] == "Bound"
    assert claim["spec"]["volumeName"] == f"pvc-{claim['metadata']['uid']}"
    cluster.step(5)
    assert "running" in state(cluster, "db")["state"]


def test_a_missing_configmap_volume_keeps_the_pod_creating_with_failedmount() -> None:
    cluster = make_cluster()
    text = pod_yaml("web", "nginx:1.27") + "  volumes:\n  - name: config\n    configMap:\n      name: app-config\n"
    apply(cluster, text)
    cluster.step(5)
    assert ("FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found') in [
        (r, m) for _, r, m, _ in events(cluster, "web")
    ]
    assert not any(r == "Pulling" for _, r, _, _ in events(cluster, "web"))
    apply(cluster, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  a: b\n")
    cluster.step(5)
    assert "running" in state(cluster, "web")["state"]


def test_init_containers_run_first_in_order() -> None:
    cluster = make_cluster()
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  initContainers:\n"
        '  - name: wait\n    image: busybox\n    command: ["sleep", "5"]\n'
        "  containers:\n  - name: app\n    image: nginx:1.27\n"
    )
    apply(cluster, text)
    cluster.step(4)
    status = pod(cluster, "app")["status"]
    assert "running" in status["initContainerStatuses"][0]["state"]
    assert status["containerStatuses"][0]["state"]["waiting"]["reason"] == "PodInitializing"
    initialized = next(c for c in status["conditions"] if c["type"] == "Initialized")
    assert initialized["message"] == "containers with incomplete status: [wait]"
    cluster.step(10)
    status = pod(cluster, "app")["status"]
    assert status["initContainerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert status["initContainerStatuses"][0]["ready"] is True
    assert "running" in status["containerStatuses"][0]["state"]


def test_postgres_without_a_password_exits_with_its_real_error() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("pg", "postgres:17", restart="Never"))
    cluster.step(10)
    assert state(cluster, "pg")["state"]["terminated"]["exitCode"] == 1
    lines = kubelet.logs(cluster.ctx, "default", "pg")
    assert lines[0] == "Error: Database is uninitialized and superuser password is not specified."


def test_logs_show_nginx_start_up_and_access_lines_and_previous_runs() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "nginx:1.27"))
    cluster.step(5)
    assert kubelet.record_request(cluster.ctx, ("default", "web"), "/") == (200, "Welcome to nginx!")
    assert kubelet.record_request(cluster.ctx, "default/web", "/nope")[0] == 404
    lines = kubelet.logs(cluster.ctx, "default", "web")
    assert lines[0].startswith("/docker-entrypoint.sh:")
    assert lines[-2] == '10.244.0.1 - - [01/Jan/2026:09:00:05 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"'
    assert len(kubelet.logs(cluster.ctx, "default", "web", tail=1)) == 1
    with pytest.raises(Exception, match='previous terminated container "web" in pod "web" not found'):
        kubelet.logs(cluster.ctx, "default", "web", previous=True)
    assert kubelet.crash_container(cluster.ctx, "default", "web")
    cluster.step(5)
    assert state(cluster, "web")["restartCount"] == 1
    previous = kubelet.logs(cluster.ctx, "default", "web", previous=True)
    assert previous[-1].endswith('"-"')


def test_load_raises_the_cpu_usage_the_metrics_report() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "kubelearn/web:1.0"))
    cluster.step(5)
    uid = pod(cluster, "web")["metadata"]["uid"]
    idle = cluster.ctx.extras["metrics"][uid]["cpu_m"]
    kubelet.set_load(cluster.ctx, ("default", "web"), 100)
    assert cluster.ctx.extras["metrics"][uid]["cpu_m"] == idle + 200
    cluster.api.delete("Pod", "default", "web", grace_period=0)
    cluster.engine.drain()
    assert uid not in cluster.ctx.extras["metrics"]


def test_a_broken_web_release_crashes_after_starting() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "kubelearn/web:3.0-broken"))
    cluster.step(7)
    status = state(cluster, "web")
    assert status["state"]["terminated"]["exitCode"] == 2
    assert "panic" in kubelet.logs(cluster.ctx, "default", "web")[-2]


def test_a_restored_cluster_adopts_running_containers_without_restarting_them() -> None:
    cluster = make_cluster()
    apply(cluster, pod_yaml("web", "nginx:1.27"))
    cluster.step(5)
    before = state(cluster, "web")
    restored = Cluster.restore(cluster.snapshot(), controllers=make_cluster(boot=False).engine.controllers)
    restored.step(10)
    after = restored.store.peek("Pod", "default", "web")["status"]["containerStatuses"][0]
    assert after["containerID"] == before["containerID"]
    assert after["restartCount"] == 0
    assert after["state"] == before["state"]
    apply(restored, pod_yaml("two", "nginx:1.27"))
    restored.step(5)
    assert restored.store.peek("Pod", "default", "two")["status"]["podIP"] != "10.244.0.2"


def test_pods_still_creating_in_a_snapshot_start_after_the_restore():
    """A kubelet restart takes over running containers and starts the ones that had not started."""
    from kubelearn.cluster import Cluster

    before = Cluster()
    before.apply_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: midway}\nspec:\n  replicas: 2\n"
        "  selector: {matchLabels: {app: midway}}\n  template:\n    metadata: {labels: {app: midway}}\n"
        "    spec: {containers: [{name: web, image: 'nginx:1.27'}]}\n"
    )
    before.step(0.5)  # scheduled, image still pulling
    phases = {p["status"].get("phase") for p in before.store.list("Pod", "default")[0]}
    assert phases == {"Pending"}
    after = Cluster.restore(before.snapshot())
    after.step(10)
    pods = after.store.list("Pod", "default")[0]
    assert [p["status"]["phase"] for p in pods] == ["Running", "Running"]
