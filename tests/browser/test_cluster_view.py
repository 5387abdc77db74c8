"""The live cluster picture draws what the sandbox WebSocket says, and moves with it.

These tests mount the real partial (``studio/_cluster_view.html``) on a page of the live
server and replace ``WebSocket`` with a scripted one, so each message is chosen by the test.
The messages are real: snapshots and deltas are read from a simulated ``Cluster``'s store,
exactly as the sandbox consumer sends them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from kubelearn.cluster import Cluster
from kubelearn.cluster import nodes as node_actions
from kubelearn.cluster.printers import pod_status

pytestmark = pytest.mark.browser

FAKE_WEBSOCKET = """
window.__sockets = [];
class FakeWebSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url; this.readyState = 0; this.sent = [];
    window.__sockets.push(this);
    setTimeout(() => { this.readyState = 1; this.dispatchEvent(new Event("open")); }, 0);
  }
  send(data) { this.sent.push(JSON.parse(data)); }
  close() { this.readyState = 3; this.dispatchEvent(new Event("close")); }
  serverSend(msg) { this.dispatchEvent(new MessageEvent("message", {data: JSON.stringify(msg)})); }
}
window.WebSocket = FakeWebSocket;
"""

WEB = """
apiVersion: v1
kind: ConfigMap
metadata: {name: web-settings}
data: {GREETING: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        envFrom: [{configMapRef: {name: web-settings}}]
        resources: {requests: {cpu: 250m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""

PICKY = """
apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: nginx:1.27}]
"""


def snapshot(cluster: Cluster) -> dict[str, Any]:
    objects = list(cluster.store.iter_kind_all())
    return {"type": "cluster.snapshot", "resourceVersion": cluster.store.revision, "objects": objects}


def delta(cluster: Cluster, since: int) -> dict[str, Any]:
    events = [event.to_wire() for event in cluster.store.events_since(since)]
    return {
        "type": "cluster.delta",
        "fromResourceVersion": since,
        "resourceVersion": cluster.store.revision,
        "events": events,
    }


def web_cluster() -> Cluster:
    cluster = Cluster(seed=7)
    cluster.apply_text(WEB)
    cluster.run_until_idle()
    return cluster


def mount(page: Page, live_server_url: str, lang: str = "en", ws_url: str = "/ws/sandbox/demo/?token=t") -> None:
    """Open a real page, put the partial in its <main> and load the module from /static/."""
    page.add_init_script(FAKE_WEBSOCKET)
    page.goto(f"{live_server_url}/")
    html = render_to_string("studio/_cluster_view.html", {"sandbox_id": "demo", "ws_url": ws_url, "lang": lang})
    page.evaluate(
        """async (html) => {
          const main = document.querySelector("main");
          main.replaceChildren();
          main.insertAdjacentHTML("beforeend", html);
          const link = main.querySelector("link");
          if (!link.sheet) await new Promise((ok) => link.addEventListener("load", ok));
          await import("/static/js/cluster-view.js");
          window.__selected = [];
          document.addEventListener("cluster:select", (e) => window.__selected.push(e.detail));
        }""",
        html,
    )
    page.wait_for_function("() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1")


def send(page: Page, message: dict[str, Any], socket: int = -1) -> None:
    page.evaluate("([m, i]) => window.__sockets.at(i).serverSend(m)", [message, socket])


def pod_uid(cluster: Cluster, name: str) -> str:
    pod = cluster.store.get("Pod", "default", name)
    assert pod is not None
    return str(pod["metadata"]["uid"])


def transform_of(page: Page, uid: str) -> str:
    return str(page.evaluate("(uid) => document.querySelector(`[data-id='${uid}']`).style.transform", uid))


def test_a_snapshot_puts_three_running_containers_on_ships(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    """Three web pods appear on ships, each a button named by its kubectl status, with the gate and envelope."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    pods = page.locator(".cv-pod.pod--running")
    expect(pods).to_have_count(3)
    expect(page.locator(".cv-ship")).to_have_count(3)
    first = pods.first
    expect(first).to_have_attribute("role", "button")
    expect(first).to_have_attribute("tabindex", "0")
    expect(first).to_have_attribute(
        "aria-label", _re(r"Container web-.*: Working \(Running\), 1/1 ready, 0 restarts, on Ship ship-")
    )
    expect(page.locator(".cv-link--ready")).to_have_count(3)
    expect(page.locator(".cv-link--envelope")).to_have_count(3)
    expect(page.locator(".cv-order")).to_contain_text("want 3 · ready 3 · rev 1")
    expect(page.locator(".cluster-view__status")).to_have_text("Live")
    expect(page.locator(".cluster-view__fallback")).to_be_hidden()
    page.wait_for_timeout(800)
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-running.png")


def test_a_delta_moves_the_same_container_from_the_yard_onto_a_ship(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    """An unschedulable pod waits in the yard with the scheduler's reason, then glides onto the ship that fits."""
    cluster = web_cluster()
    cluster.apply_text(PICKY)
    cluster.run_until_idle()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    uid = pod_uid(cluster, "picky")
    box = page.locator(f"[data-id='{uid}']")
    expect(box).to_have_class(_re("pod--pending"))
    expect(page.locator(".cv-yard")).to_contain_text("0/3 nodes are available")
    box.hover()
    expect(page.locator(".cluster-view__tip")).to_contain_text("node(s) didn't match Pod's node affinity/selector")
    page.wait_for_timeout(600)
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-yard.png")
    before = transform_of(page, uid)
    handle = box.element_handle()

    since = cluster.store.revision
    node = cluster.store.get("Node", "", "ship-b")
    assert node is not None
    cluster.api.patch(
        "Node", "", "ship-b", {"metadata": {"labels": {"disk": "ssd"}}}, patch_type="application/merge-patch+json"
    )
    cluster.step(30)
    cluster.run_until_idle()
    send(page, delta(cluster, since))

    expect(box).to_have_class(_re("pod--running"))
    after = transform_of(page, uid)
    assert after != before
    assert page.evaluate("([a, b]) => a === b", [handle, box.element_handle()])  # same element, moved
    expect(box).to_have_attribute("aria-label", _re("on Ship ship-b"))
    page.mouse.move(5, 5)
    page.wait_for_timeout(900)
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-docked.png")


def test_a_failed_ship_greys_tilts_and_its_containers_go_adrift(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    """A NotReady node's hull sinks and greys; a cordoned ship shows its closed sign."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    since = cluster.store.revision
    node_actions.fail_node(cluster.ctx, "ship-a")
    node_actions.cordon(cluster.ctx, "ship-c")
    cluster.step(45)
    send(page, delta(cluster, since))
    ship_a = page.locator(".cv-ship", has_text="ship-a")
    expect(ship_a).to_have_class(_re("cv-ship--down"))
    expect(ship_a).to_contain_text("lost contact")
    sink = ship_a.locator(".cv-ship__sink")
    page.wait_for_timeout(1400)
    assert "matrix" in sink.evaluate("(e) => getComputedStyle(e).transform")
    assert sink.evaluate("(e) => getComputedStyle(e).opacity") == "0.6"
    ship_c = page.locator(".cv-ship", has_text="ship-c")
    expect(ship_c.locator(".cv-ship__sign")).to_be_visible()
    expect(ship_c.locator(".cv-ship__sign")).to_have_text("Closed")
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-ship-down.png")
    since = cluster.store.revision
    cluster.step(400)
    cluster.run_until_idle()
    send(page, delta(cluster, since))
    page.wait_for_timeout(900)
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-ship-down-later.png")


def test_the_toggle_switches_every_label_between_metaphor_and_kubernetes_terms(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    """Metaphor → Kubernetes in English, and the Chinese labels when data-lang is zh-hans."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    view = page.locator(".cluster-view")
    expect(view.locator(".cv-yard")).to_contain_text("Waiting yard")
    expect(view.locator(".cv-dispatcher")).to_have_text("Dispatcher")
    page.get_by_role("button", name="Kubernetes terms").click()
    expect(page.get_by_role("button", name="Kubernetes terms")).to_have_attribute("aria-pressed", "true")
    expect(view).to_have_attribute("data-labels", "k8s")
    expect(view.locator(".cv-yard")).to_contain_text("Pending pods")
    expect(view.locator(".cv-dispatcher")).to_have_text("Scheduler")
    expect(view.locator(".cv-gate")).to_contain_text("Service · web")
    expect(view.locator(".cv-order")).to_contain_text("Deployment · web")
    expect(view.locator(".cv-pod").first.locator(".pod__status")).to_have_text("Running")
    expect(view.locator(".cv-ship").first).to_contain_text("Node · Ready · zone-a")
    page.wait_for_timeout(300)
    view.screenshot(path=screenshot_dir / "cluster-view-k8s-terms.png")


def test_chinese_labels_follow_data_lang(page: Page, live_server_url: str, screenshot_dir: Path) -> None:
    """data-lang="zh-hans" draws the Chinese metaphor and the Chinese toggle."""
    cluster = web_cluster()
    cluster.apply_text(PICKY)
    cluster.run_until_idle()
    mount(page, live_server_url, lang="zh-hans")
    send(page, snapshot(cluster))
    view = page.locator(".cluster-view")
    expect(view.locator(".cv-dispatcher")).to_have_text("调度员")
    expect(view.locator(".cv-yard")).to_contain_text("堆场")
    expect(view.locator(".cv-ship").first).to_contain_text("货轮 · 航行中")
    expect(page.get_by_role("button", name="物流隐喻")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(600)
    view.screenshot(path=screenshot_dir / "cluster-view-zh.png")
    page.get_by_role("button", name="Kubernetes 术语").click()
    expect(view.locator(".cv-dispatcher")).to_have_text("Scheduler")
    expect(view.locator(".cv-ship").first).to_contain_text("Node · Ready")


def test_clicking_or_pressing_enter_selects_an_object_and_dispatches_cluster_select(
    page: Page, live_server_url: str
) -> None:
    """The inspector's contract: {kind, namespace, name, uid} bubbles from the view; Enter and Space work too."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    pod = page.locator(".cv-pod").first
    pod.click()
    expect(pod).to_have_attribute("aria-pressed", "true")
    expect(pod).to_have_class(_re("is-selected"))
    selected = page.evaluate("() => window.__selected")
    assert selected[0]["kind"] == "Pod"
    assert selected[0]["namespace"] == "default"
    assert selected[0]["uid"] == pod_uid(cluster, selected[0]["name"])
    ship = page.locator(".cv-ship", has_text="ship-b")
    ship.focus()
    page.keyboard.press("Enter")
    gate = page.locator(".cv-gate")
    gate.focus()
    page.keyboard.press(" ")
    selected = page.evaluate("() => window.__selected")
    assert [(s["kind"], s["name"]) for s in selected[1:]] == [("Node", "ship-b"), ("Service", "web")]
    expect(pod).to_have_attribute("aria-pressed", "false")
    expect(gate).to_have_attribute("aria-pressed", "true")


def test_reduced_motion_turns_off_transitions_and_packets(page: Page, live_server_url: str) -> None:
    """With prefers-reduced-motion nothing glides, and traffic draws no packets."""
    page.emulate_media(reduced_motion="reduce")
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    pod = page.locator(".cv-pod").first
    expect(pod).to_be_visible()
    assert pod.evaluate("(e) => getComputedStyle(e).transitionDuration") == "0s"
    pod_name = pod.evaluate("(e) => e.getAttribute('aria-label')").split(":")[0].split(" ")[1]
    send(page, {"type": "cluster.traffic", "requests": [{"namespace": "default", "service": "web", "pod": pod_name}]})
    page.wait_for_timeout(50)
    expect(page.locator(".cv-packet")).to_have_count(0)


def test_traffic_sends_a_packet_from_the_gate_to_the_answering_pod(page: Page, live_server_url: str) -> None:
    """A cluster.traffic message flies one packet per request, then the packets land and vanish."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    expect(page.locator(".cv-pod")).to_have_count(3)  # boxes are drawn over several frames: wait for all
    names = page.evaluate(
        "() => [...document.querySelectorAll('.cv-pod')].map(e => e.getAttribute('aria-label').split(':')[0].split(' ')[1])"
    )
    requests = [{"namespace": "default", "service": "web", "pod": n, "ok": True, "status": 200} for n in names]
    send(page, {"type": "cluster.traffic", "requests": requests})
    expect(page.locator(".cv-packet")).to_have_count(3)
    expect(page.locator(".cv-packet")).to_have_count(0, timeout=3000)


def test_a_gap_asks_the_server_to_resume_and_a_lost_connection_reconnects_and_resumes(
    page: Page, live_server_url: str
) -> None:
    """A delta that skips versions sends one resume; after a close the view reconnects with backoff and resumes."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    rv = cluster.store.revision
    send(page, {"type": "cluster.delta", "fromResourceVersion": rv + 5, "resourceVersion": rv + 6, "events": []})
    send(page, {"type": "cluster.delta", "fromResourceVersion": rv + 6, "resourceVersion": rv + 7, "events": []})
    assert page.evaluate("() => window.__sockets[0].sent") == [{"type": "resume", "resourceVersion": rv}]
    # an old, already-applied delta changes nothing
    send(page, {"type": "cluster.delta", "fromResourceVersion": rv - 3, "resourceVersion": rv, "events": []})
    expect(page.locator(".cv-pod")).to_have_count(3)
    page.evaluate("() => window.__sockets[0].close()")
    expect(page.locator(".cluster-view__status")).to_contain_text("Connection lost")
    page.wait_for_function("() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1", timeout=5000)
    page.wait_for_function("() => window.__sockets[1].sent.length === 1")
    assert page.evaluate("() => window.__sockets[1].sent") == [{"type": "resume", "resourceVersion": rv}]
    assert page.evaluate("() => window.__sockets[1].url").startswith("ws://127.0.0.1:")
    expect(page.locator(".cluster-view__status")).to_have_text("Live")


POD_CASES: list[dict[str, Any]] = [
    {"spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Pending"}},
    {
        "spec": {"containers": [{"name": "a"}], "nodeName": "n"},
        "status": {"phase": "Pending", "containerStatuses": [{"state": {"waiting": {"reason": "ContainerCreating"}}}]},
    },
    {
        "spec": {"containers": [{"name": "a"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}],
        },
    },
    {
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {"ready": False, "state": {"running": {}}},
                {"ready": False, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            ],
        },
    },
    {
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Failed", "containerStatuses": [{"state": {"terminated": {"exitCode": 137, "signal": 9}}}]},
    },
    {
        "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}, {"name": "j"}]},
        "status": {
            "phase": "Pending",
            "initContainerStatuses": [{"state": {"terminated": {"exitCode": 0}}}, {"state": {"running": {}}}],
        },
    },
    {
        "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]},
        "status": {"initContainerStatuses": [{"restartCount": 2, "state": {"terminated": {"exitCode": 1}}}]},
    },
    {
        "metadata": {"deletionTimestamp": "2025-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "a"}]},
        "status": {
            "phase": "Running",
            "reason": "NodeLost",
            "containerStatuses": [{"ready": True, "state": {"running": {}}}],
        },
    },
    {
        "metadata": {"deletionTimestamp": "2025-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Running", "containerStatuses": [{"ready": True, "state": {"running": {}}}]},
    },
    {
        "spec": {"containers": [{"name": "a"}]},
        "status": {
            "phase": "Succeeded",
            "containerStatuses": [{"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
        },
    },
]


def test_pod_status_in_the_browser_matches_kubectl_for_every_case(page: Page, live_server_url: str) -> None:
    """protocol.js podStatus agrees with printers.pod_status (kubectl's printPod) on a table of pods."""
    page.goto(f"{live_server_url}/")
    pods = [{"metadata": {"name": f"p{i}"}, **case} for i, case in enumerate(POD_CASES)]
    got = page.evaluate(
        """async (pods) => {
          const {podStatus} = await import("/static/js/protocol.js");
          return pods.map((p) => { const s = podStatus(p); return [s.reason, s.ready, s.total, s.restarts]; });
        }""",
        pods,
    )
    assert got == [list(pod_status(p)[:4]) for p in pods]


def test_requests_quantities_and_references_are_read_like_the_scheduler(page: Page, live_server_url: str) -> None:
    """Absent requests count 100m/200Mi, quantities parse with suffixes, and env/volume references are found."""
    page.goto(f"{live_server_url}/")
    pod = {
        "spec": {
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}}},
                {"name": "b", "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "s1", "key": "k"}}}]},
            ],
            "volumes": [{"name": "v", "configMap": {"name": "c1"}}],
        }
    }
    got = page.evaluate(
        """async (pod) => {
          const p = await import("/static/js/protocol.js");
          return [p.podRequests(pod), p.parseQuantity("1.5"), p.parseQuantity("2Ki"), p.parseQuantity("1e3"),
                  p.podReferences(pod), p.selectorMatches({app: "web"}, {app: "web", x: "y"}),
                  p.selectorMatches({matchExpressions: [{key: "app", operator: "NotIn", values: ["web"]}]}, {app: "web"})];
        }""",
        pod,
    )
    assert got[0] == {"cpu": 350, "memory": 2**30 + 200 * 2**20}
    assert got[1:4] == [1.5, 2048, 1000]
    assert got[4] == [{"kind": "Secret", "name": "s1"}, {"kind": "ConfigMap", "name": "c1"}]
    assert got[5:] == [True, False]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def test_fake_socket_messages_are_json_serialisable() -> None:
    """The snapshot built from a Cluster is plain JSON, as the consumer sends it."""
    json.dumps(snapshot(web_cluster()))


def test_a_real_sandbox_draws_a_deployment_applied_through_the_rest_facade(
    page: Page, live_server_url: str, screenshot_dir: Path
) -> None:
    """End to end: the visitor's sandbox WebSocket feeds the picture; a Deployment POSTed like kubectl lands on ships."""
    page.goto(f"{live_server_url}/sandbox/")
    kubeconfig = page.request.get(f"{live_server_url}/sandbox/kubeconfig").text()
    server = next(line.split("server:", 1)[1].strip() for line in kubeconfig.splitlines() if "server:" in line)
    expect(page.locator(".cluster-view__status")).to_have_text("Live", timeout=10000)
    expect(page.locator(".cv-ship")).to_have_count(3)
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
        },
    }
    response = page.request.post(f"{server}/apis/apps/v1/namespaces/default/deployments", data=deployment)
    assert response.status == 201, response.text()
    expect(page.locator(".cv-pod")).to_have_count(3, timeout=15000)
    expect(page.locator(".cv-pod.pod--running")).to_have_count(3, timeout=30000)
    expect(page.locator(".cv-order")).to_contain_text("want 3 · ready 3", timeout=15000)
    page.wait_for_timeout(800)
    page.locator(".cluster-view").screenshot(path=screenshot_dir / "cluster-view-real-sandbox.png")
