"""Looking inside: ``describe`` (with Events), ``logs`` (and ``-f``) and ``get events``.

One Deployment ``shown`` (one nginx pod) and its Service serve the whole module.
"""

from __future__ import annotations

import re

import pytest

from tests.kubectl_real.support import AGE, Kubectl, LineReader

pytestmark = pytest.mark.kubectl

NGINX_LAST_LINE = r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: start worker process \d+"


@pytest.fixture(scope="module")
def pod(kubectl: Kubectl) -> str:
    """The name of ``shown``'s one running pod."""
    kubectl("create", "deployment", "shown", "--image=nginx:1.27.1", "--port=80")  # a tag no other test pulls
    kubectl("expose", "deployment", "shown", "--port=80")
    kubectl("rollout", "status", "deployment/shown", "--timeout=60s")
    (name,) = kubectl.lines("get", "pods", "-l", "app=shown", "-o", "name")
    return name.removeprefix("pod/")


def _field(text: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)}:\s+(.*)$", text, re.MULTILINE)
    assert match, f"{name}: missing from\n{text}"
    return match.group(1).strip()


def _events(text: str) -> list[list[str]]:
    section = text.split("\nEvents:", 1)[1].splitlines()[1:]
    assert re.fullmatch(r" +Type +Reason +Age +From +Message", section[0]), section
    return [re.split(r" {2,}", line.strip(), maxsplit=4) for line in section[2:] if line.strip()]


def test_describe_pod_shows_node_controller_container_state_and_events(kubectl: Kubectl, pod: str) -> None:
    text = kubectl("describe", "pod", pod).stdout
    assert _field(text, "Name") == pod
    assert _field(text, "Namespace") == "default"
    assert re.fullmatch(r"ship-[abc]/192\.168\.49\.\d+", _field(text, "Node"))
    assert _field(text, "Status") == "Running"
    assert re.fullmatch(r"ReplicaSet/shown-[a-z0-9]+", _field(text, "Controlled By"))
    assert re.search(r"^    State:          Running$", text, re.MULTILINE)
    assert re.search(r"^    Ready:          True$", text, re.MULTILINE)
    assert re.search(r"^    Image:          nginx:1\.27\.1$", text, re.MULTILINE)
    events = {e[1]: e for e in _events(text)}
    assert set(events) == {"Scheduled", "Pulling", "Pulled", "Created", "Started"}, text
    scheduled = events["Scheduled"]
    assert scheduled[0] == "Normal" and re.fullmatch(AGE, scheduled[2]) and scheduled[3] == "default-scheduler"
    assert re.fullmatch(rf"Successfully assigned default/{pod} to ship-[abc]", scheduled[4])
    assert events["Pulling"][3:] == ["kubelet", 'Pulling image "nginx:1.27.1"']
    assert events["Started"][3:] == ["kubelet", "Started container nginx"]


def test_describe_deployment_shows_replicas_conditions_replicasets_and_events(kubectl: Kubectl, pod: str) -> None:
    text = kubectl("describe", "deployment", "shown").stdout
    assert _field(text, "Selector") == "app=shown"
    assert _field(text, "Replicas") == "1 desired | 1 updated | 1 total | 1 available | 0 unavailable"
    assert _field(text, "StrategyType") == "RollingUpdate"
    assert _field(text, "RollingUpdateStrategy") == "25% max unavailable, 25% max surge"
    assert re.search(r"^  Available +True +MinimumReplicasAvailable$", text, re.MULTILINE)
    assert re.search(r"^  Progressing +True +NewReplicaSetAvailable$", text, re.MULTILINE)
    assert _field(text, "OldReplicaSets") == "<none>"
    rs = pod.rsplit("-", 1)[0]
    assert _field(text, "NewReplicaSet") == f"{rs} (1/1 replicas created)"
    (event,) = _events(text)
    assert event[:2] == ["Normal", "ScalingReplicaSet"] and event[3] == "deployment-controller"
    assert event[4] == f"Scaled up replica set {rs} from 0 to 1"


def test_describe_service_shows_its_selector_ports_and_events(kubectl: Kubectl, pod: str) -> None:
    text = kubectl("describe", "service", "shown").stdout
    assert _field(text, "Name") == "shown"
    assert _field(text, "Selector") == "app=shown"
    assert _field(text, "Type") == "ClusterIP"
    assert re.fullmatch(r"10\.96\.\d+\.\d+", _field(text, "IP"))
    assert _field(text, "Port") == "<unset>  80/TCP"
    assert _field(text, "TargetPort") == "80/TCP"
    assert _field(text, "Events") == "<none>"


def test_describe_a_missing_object_is_not_found(kubectl: Kubectl) -> None:
    result = kubectl("describe", "deployment", "nope", check=False)
    assert (result.returncode, result.stderr) == (
        1,
        'Error from server (NotFound): deployments.apps "nope" not found\n',
    )


def test_logs_print_the_container_output_and_tail_limits_it(kubectl: Kubectl, pod: str) -> None:
    lines = kubectl.lines("logs", pod)
    assert (
        lines[0] == "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    )
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in lines
    assert re.fullmatch(NGINX_LAST_LINE, lines[-1])
    assert kubectl.lines("logs", pod, "--tail=2") == lines[-2:]
    by_deployment = kubectl("logs", "deployment/shown", "--tail=1")
    assert by_deployment.stdout.splitlines() == lines[-1:]


def test_logs_follow_keeps_streaming_until_stopped(kubectl: Kubectl, pod: str) -> None:
    reader = LineReader(kubectl.popen("logs", "-f", pod, "--tail=1"))
    try:
        reader.until(NGINX_LAST_LINE, timeout=20)
        # Still streaming: kubectl has not exited after the last line.
        kubectl.poll(lambda: reader.process.poll() is None, timeout=1, what="logs -f to keep running")
        assert reader.process.poll() is None
    finally:
        assert reader.stop() == ""


def test_logs_of_a_missing_container_is_refused(kubectl: Kubectl, pod: str) -> None:
    result = kubectl("logs", pod, "-c", "sidecar", check=False)
    assert result.returncode == 1
    assert result.stderr == f"error: container sidecar is not valid for pod {pod}\n"  # kubectl checks the spec


def test_get_events_lists_what_happened_to_the_pod(kubectl: Kubectl, pod: str) -> None:
    lines = kubectl.lines("get", "events", "--field-selector", f"involvedObject.name={pod}")
    assert re.fullmatch(r"LAST SEEN +TYPE +REASON +OBJECT +MESSAGE", lines[0])
    rows = [re.split(r" {2,}", line, maxsplit=4) for line in lines[1:]]
    assert {r[2] for r in rows} == {"Scheduled", "Pulling", "Pulled", "Created", "Started"}
    for last_seen, kind, _reason, obj, _message in rows:
        assert re.fullmatch(AGE, last_seen) and kind == "Normal" and obj == f"pod/{pod}"
    everything = kubectl.lines("get", "events")
    assert any(re.search(r"ScalingReplicaSet +deployment/shown +Scaled up replica set shown-", x) for x in everything)
