"""The browser's frame budget while 200 containers change status in the live cluster picture.

Run: ``.venv/bin/python bench/frames.py`` (needs Debian's Chromium at /usr/bin/chromium).
A simulated cluster of 12 ships runs a 200-replica Deployment; its snapshot feeds
``static/js/cluster-view.js`` through a scripted WebSocket, then every 100 ms a delta
changes the status of all 200 containers (Running → CrashLoopBackOff → ContainerCreating →
not ready → Running) while traffic packets fly. Chromium reports long animation frames
(``PerformanceObserver('long-animation-frame')``, every frame over 50 ms) and the page
measures the longest gap between two animation frames. Target: no frame over 50 ms.
The page is served by a throwaway static server on 127.0.0.1, so no Django is involved.
"""

from __future__ import annotations

import copy
import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from _common import figure

from kubelearn.cluster import Cluster

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PODS, NODES, DELTAS, INTERVAL_MS = 200, 12, 40, 100

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/css/cluster.css"></head><body>
<div class="cluster-view" data-ws-url="ws://127.0.0.1:9/ws/sandbox/bench/" data-lang="en"></div>
<script type="module" src="/js/cluster-view.js"></script></body></html>"""

FAKE_WEBSOCKET = """
window.__sockets = [];
window.WebSocket = class extends EventTarget {
  constructor(url) { super(); this.readyState = 0; window.__sockets.push(this);
    setTimeout(() => { this.readyState = 1; this.dispatchEvent(new Event("open")); }, 0); }
  send() {}
  close() {}
  serverSend(text) { this.dispatchEvent(new MessageEvent("message", {data: text})); }
};
window.__loaf = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__loaf.push(e.duration); })
  .observe({type: "long-animation-frame", buffered: true});
"""

DRIVE = """async ([snapshot, deltas, traffic, interval]) => {
  const socket = window.__sockets[0];
  socket.serverSend(snapshot);
  await new Promise((ok) => setTimeout(ok, 1500));
  window.__loaf = [];
  let last = performance.now(), worst = 0, frames = 0, running = true;
  const tick = (now) => { worst = Math.max(worst, now - last); last = now; frames++; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  for (const d of deltas) {
    socket.serverSend(d);
    socket.serverSend(traffic);
    await new Promise((ok) => setTimeout(ok, interval));
  }
  await new Promise((ok) => setTimeout(ok, 1200));
  running = false;
  return {worst, frames, loaf: window.__loaf, pods: document.querySelectorAll(".cv-pod").length};
}"""

STATES: list[tuple[dict[str, Any], bool]] = [
    ({"waiting": {"reason": "CrashLoopBackOff"}}, False),
    ({"waiting": {"reason": "ContainerCreating"}}, False),
    ({"running": {"startedAt": "2025-01-01T00:00:00Z"}}, False),
    ({"running": {"startedAt": "2025-01-01T00:00:00Z"}}, True),
]


def build_messages() -> tuple[str, list[str], str]:
    cluster = Cluster(seed=3, nodes=NODES)
    cluster.apply_text(
        f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: fleet}}
spec:
  replicas: {PODS}
  selector: {{matchLabels: {{app: fleet}}}}
  template:
    metadata: {{labels: {{app: fleet}}}}
    spec:
      containers: [{{name: app, image: nginx:1.27, resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}}}]
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
    objects = list(cluster.store.iter_kind_all())
    rv = cluster.store.revision
    snapshot = json.dumps({"type": "cluster.snapshot", "resourceVersion": rv, "objects": objects})
    pods = [o for o in objects if o["kind"] == "Pod"]
    deltas = []
    for step in range(DELTAS):
        events = []
        for i, pod in enumerate(pods):
            state, ready = STATES[(step + i) % len(STATES)]
            changed = copy.deepcopy(pod)
            rv += 1
            changed["metadata"]["resourceVersion"] = str(rv)
            status = changed["status"]["containerStatuses"][0]
            status["state"], status["ready"] = state, ready
            status["restartCount"] = step // len(STATES)
            events.append({"type": "MODIFIED", "object": changed})
        start = rv - len(pods)
        deltas.append(
            json.dumps({"type": "cluster.delta", "fromResourceVersion": start, "resourceVersion": rv, "events": events})
        )
    names = [p["metadata"]["name"] for p in pods[:12]]
    traffic = json.dumps(
        {"type": "cluster.traffic", "requests": [{"namespace": "default", "service": "fleet", "pod": n} for n in names]}
    )
    return snapshot, deltas, traffic


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    from playwright.sync_api import sync_playwright

    snapshot, deltas, traffic = build_messages()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        shutil.copytree(ROOT / "static" / "js", site / "js")
        shutil.copytree(ROOT / "static" / "css", site / "css")
        extra = os.environ.get("BENCH_EXTRA_CSS", "")
        (site / "index.html").write_text(PAGE.replace("</head>", f"<style>{extra}</style></head>"))
        server, url = serve(site)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.add_init_script(FAKE_WEBSOCKET)
                page.goto(f"{url}/index.html")
                page.wait_for_function("() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1")
                result = page.evaluate(DRIVE, [snapshot, deltas, traffic, INTERVAL_MS])
                browser.close()
        finally:
            server.shutdown()
    assert result["pods"] == PODS, result["pods"]
    longest_loaf = max(result["loaf"], default=0.0)
    figure("browser: longest animation frame, 200 containers changing", longest_loaf, "ms", 50, "lower")
    figure("browser: longest gap between frames, 200 containers changing", result["worst"], "ms", 50, "lower")
    figure("browser: frames over 50 ms (long-animation-frame)", len(result["loaf"]), "frames", 0, "lower")


if __name__ == "__main__":
    main()
