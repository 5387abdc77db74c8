"""The live picture updates only what a delta touches, and catches up with a storm of deltas.

The drawing writes to the DOM in requestAnimationFrame, a budget of changed pods per frame
(cluster-view.js). These tests pin the behaviour that budget relies on: a delta about one pod
mutates that pod's element and nothing else, and deltas that rewrite every pod faster than
they are drawn still end with every pod showing its latest state. Timing is measured by
``bench/frames.py``, not here.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kubelearn.cluster import Cluster
from tests.browser.test_cluster_view import mount, pod_uid, send, snapshot, web_cluster

pytestmark = pytest.mark.browser

WATCH_MUTATIONS = """() => {
  window.__touched = new Set();
  const stage = document.querySelector(".cluster-view__stage");
  new MutationObserver((records) => {
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const owner = node && node.closest("[data-id]");
      window.__touched.add(owner ? owner.getAttribute("data-id") : node.tagName);
    }
  }).observe(stage, {subtree: true, attributes: true, childList: true, characterData: true});
}"""

STATES: list[tuple[dict[str, Any], bool, str]] = [
    ({"waiting": {"reason": "CrashLoopBackOff"}}, False, "crashloop"),
    ({"waiting": {"reason": "ContainerCreating"}}, False, "creating"),
    ({"running": {"startedAt": "2025-01-01T00:00:00Z"}}, False, "notready"),
    ({"running": {"startedAt": "2025-01-01T00:00:00Z"}}, True, "running"),
]


def status_delta(pods: list[dict[str, Any]], rv: int, pick: Any) -> tuple[dict[str, Any], int]:
    """A delta that sets each pod's container state to ``STATES[pick(i)]`` (as the bench does)."""
    events = []
    start = rv
    for i, pod in enumerate(pods):
        state, ready, _ = STATES[pick(i)]
        changed = copy.deepcopy(pod)
        rv += 1
        changed["metadata"]["resourceVersion"] = str(rv)
        status = changed["status"]["containerStatuses"][0]
        status["state"], status["ready"] = state, ready
        events.append({"type": "MODIFIED", "object": changed})
    return {"type": "cluster.delta", "fromResourceVersion": start, "resourceVersion": rv, "events": events}, rv


def test_a_delta_about_one_pod_rewrites_only_that_pods_element(page: Page, live_server_url: str) -> None:
    """No other pod, ship, gate or link is written when one container starts crash-looping."""
    cluster = web_cluster()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    expect(page.locator(".cv-pod.pod--running")).to_have_count(3)
    page.wait_for_timeout(900)  # the appear animation has played and its class is gone
    page.evaluate(WATCH_MUTATIONS)
    pod = next(p for p in cluster.store.iter_kind_all() if p["kind"] == "Pod")
    uid = pod_uid(cluster, pod["metadata"]["name"])
    delta, _ = status_delta([pod], cluster.store.revision, lambda i: 0)
    send(page, delta)
    expect(page.locator(f"[data-id='{uid}']")).to_have_class(_contains("pod--crashloop"))
    expect(page.locator(f"[data-id='{uid}']")).to_have_attribute(
        "aria-label", _contains("Crash loop (CrashLoopBackOff)")
    )
    page.wait_for_timeout(300)
    touched = page.evaluate("() => [...window.__touched]")
    assert touched == [uid]


def test_deltas_faster_than_frames_end_with_every_pod_in_its_latest_state(page: Page, live_server_url: str) -> None:
    """Four deltas rewriting 80 pods, sent at once, leave each pod drawn as the last one says."""
    cluster = Cluster(seed=3, nodes=4)
    cluster.apply_text(
        """apiVersion: apps/v1
kind: Deployment
metadata: {name: fleet}
spec:
  replicas: 80
  selector: {matchLabels: {app: fleet}}
  template:
    metadata: {labels: {app: fleet}}
    spec:
      containers: [{name: app, image: nginx:1.27, resources: {requests: {cpu: 10m, memory: 16Mi}}}]
"""
    )
    cluster.run_until_idle()
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    expect(page.locator(".cv-pod.pod--running")).to_have_count(80)
    pods = sorted((p for p in cluster.store.iter_kind_all() if p["kind"] == "Pod"), key=lambda p: p["metadata"]["name"])
    rv = cluster.store.revision
    deltas = []
    for step in range(4):
        delta, rv = status_delta(pods, rv, lambda i, step=step: (step + i) % len(STATES))
        deltas.append(json.dumps(delta))
    page.evaluate("(ds) => { for (const d of ds) window.__sockets[0].serverSend(JSON.parse(d)); }", deltas)
    for i, pod in enumerate(pods):
        category = STATES[(3 + i) % len(STATES)][2]
        box = page.locator(f"[data-id='{pod['metadata']['uid']}']")
        expect(box).to_have_class(_contains(f"pod--{category}"))
    for _, _, category in STATES:
        expect(page.locator(f".cv-pod.pod--{category}")).to_have_count(20)
    overlays = page.evaluate(
        "() => [...document.querySelectorAll('.cluster-view__layer .cv-pods')].map(g => g.children.length)"
    )
    assert sum(overlays) == 80
    assert max(overlays) <= 32  # pods are spread over overlay SVGs, each its own paint layer


def _contains(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))
