"""What keeps the live picture's frames cheap under software compositing (``bench/frames.py``).

Two mechanisms pinned here, timing-free: no container ever becomes a compositing layer of its
own (an opacity or transform animation on a box would make one of it and of every box painted
after it, and ``--disable-gpu`` Chromium pays for each in Layerize, raster and compositing),
and a frame that draws part of a delta draws boxes side by side in reading order, so it dirties
few raster tiles.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kubelearn.cluster import Cluster
from tests.browser.test_cluster_view import mount, send, snapshot
from tests.browser.test_cluster_view_updates import status_delta

pytestmark = pytest.mark.browser

CREATING = 1  # index of ContainerCreating in STATES: every box plays its crane lowering
CRASHLOOP = 0

DRAWN_PER_FRAME = """([delta, category]) => new Promise((done) => {
  window.__sockets[0].serverSend(JSON.parse(delta));  // the view asks for its frame first
  const frames = [];
  const look = () => {
    const pods = [...document.querySelectorAll(".cv-pod")].map((g) => {
      const [x, y] = g.style.transform.match(/-?[\\d.]+/g).map(Number);
      return {x, y, drawn: g.classList.contains(`pod--${category}`)};
    });
    frames.push(pods);
    if (pods.every((p) => p.drawn) || frames.length > 60) done(frames);
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def fleet(replicas: int) -> Cluster:
    cluster = Cluster(seed=3, nodes=4)
    cluster.apply_text(
        f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: fleet}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: fleet}}}}
  template:
    metadata: {{labels: {{app: fleet}}}}
    spec:
      containers: [{{name: app, image: nginx:1.27}}]
---
apiVersion: v1
kind: Service
metadata: {{name: fleet}}
spec:
  selector: {{app: fleet}}
  ports: [{{port: 80}}]
"""
    )
    cluster.run_until_idle()
    return cluster


def pods_of(cluster: Cluster) -> list[dict[str, Any]]:
    return sorted((p for p in cluster.store.iter_kind_all() if p["kind"] == "Pod"), key=lambda p: p["metadata"]["name"])


def test_no_container_gets_a_compositing_layer_while_boxes_appear_and_lower(page: Page, live_server_url: str) -> None:
    """80 boxes fading in, then lowering on their cranes while packets fly: no layer inside a box."""
    cluster = fleet(80)
    mount(page, live_server_url)
    cdp = page.context.new_cdp_session(page)
    layers: list[dict[str, Any]] = []
    cdp.on("LayerTree.layerTreeDidChange", lambda event: layers.extend(event.get("layers") or []))
    cdp.send("DOM.getDocument", {"depth": -1})
    cdp.send("LayerTree.enable")
    send(page, snapshot(cluster))
    expect(page.locator(".cv-pod")).to_have_count(80)
    page.wait_for_timeout(300)  # the boxes are still fading in
    pods = pods_of(cluster)
    delta, _ = status_delta(pods, cluster.store.revision, lambda i: CREATING)
    send(page, delta)
    names = [p["metadata"]["name"] for p in pods[:12]]
    send(
        page,
        {
            "type": "cluster.traffic",
            "requests": [{"namespace": "default", "service": "fleet", "pod": n} for n in names],
        },
    )
    expect(page.locator(".cv-pod.pod--lift").first).to_be_attached()
    page.wait_for_timeout(400)
    inside = set()
    for node in {layer["backendNodeId"] for layer in layers if layer.get("backendNodeId")}:
        try:
            remote = cdp.send("DOM.resolveNode", {"backendNodeId": node})["object"]
        except Exception:  # the node is gone: a packet landed
            continue
        found = cdp.send(
            "Runtime.callFunctionOn",
            {
                "objectId": remote["objectId"],
                "functionDeclaration": "function () { return !!this.closest?.('.cv-pod'); }",
            },
        )
        if found["result"].get("value"):
            inside.add(node)
    assert layers, "the LayerTree domain reported no layers"
    assert not inside, f"{len(inside)} compositing layers inside containers"


def test_a_frame_that_draws_part_of_a_delta_draws_neighbouring_boxes(page: Page, live_server_url: str) -> None:
    """Each partial frame's boxes are one run in reading order (wrapping around), not scattered."""
    cluster = fleet(80)
    mount(page, live_server_url)
    send(page, snapshot(cluster))
    expect(page.locator(".cv-pod.pod--running")).to_have_count(80)
    delta, _ = status_delta(pods_of(cluster), cluster.store.revision, lambda i: CRASHLOOP)
    frames = page.evaluate(DRAWN_PER_FRAME, [json.dumps(delta), "crashloop"])
    partial = [f for f in frames if 0 < sum(p["drawn"] for p in f) < len(f)]
    assert partial, "every box was drawn in one frame: the budget did not split the delta"
    for boxes in partial:
        marks = [p["drawn"] for p in sorted(boxes, key=lambda p: (p["y"], p["x"]))]
        runs = sum(1 for i, m in enumerate(marks) if m and not marks[i - 1])  # starts of drawn runs, cyclic
        assert runs == 1, "".join("#" if m else "." for m in marks)
