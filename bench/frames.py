"""The browser's frame budget while 200 containers change status in the live cluster picture.

Run: ``.venv/bin/python bench/frames.py`` (needs Debian's Chromium at /usr/bin/chromium);
``--static DIR`` measures another copy of ``static/`` (say, the previous commit's) for a before/after,
``--trace FILE`` keeps the Chromium trace for DevTools' Performance panel.
A simulated cluster of 12 ships runs a 200-replica Deployment; its snapshot feeds
``static/js/cluster-view.js`` through a scripted WebSocket, then every 100 ms a delta
changes the status of all 200 containers (Running → CrashLoopBackOff → ContainerCreating →
not ready → Running) while traffic packets fly. Chromium reports long animation frames
(``PerformanceObserver('long-animation-frame')``, every frame over 50 ms) and the page
measures the longest gap between two animation frames and their 95th percentile. Target: no
frame over 50 ms. The page is served by a throwaway static server on 127.0.0.1, so no Django
is involved.

Wall-clock frames on a loaded 2-core machine mostly measure how long the renderer waited for
a core, so the script also traces the renderer's main thread (Chromium's ``devtools.timeline``
category, as the DevTools Performance panel records it) and reports each frame's *CPU* time:
the thread time of the rendering task plus the tasks before it since the previous frame
(message handling, timers). It prints where the longest such frame spent its time.
"""

from __future__ import annotations

import argparse
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
  performance.mark("bench-start");
  let last = performance.now(), running = true;
  const gaps = [];
  const tick = (now) => { gaps.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  for (const d of deltas) {
    socket.serverSend(d);
    socket.serverSend(traffic);
    await new Promise((ok) => setTimeout(ok, interval));
  }
  await new Promise((ok) => setTimeout(ok, 1200));
  running = false;
  performance.mark("bench-end");
  return {gaps, loaf: window.__loaf, pods: document.querySelectorAll(".cv-pod").length};
}"""

TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "blink.user_timing"]
PHASES = ["FunctionCall", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "MinorGC", "MajorGC"]
TASKS = {"RunTask", "ThreadControllerImpl::RunTask"}
RENDERING = {"UpdateLayoutTree", "Paint", "PrePaint", "Layerize"}

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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def frame_cpu(trace: dict[str, Any]) -> list[tuple[float, dict[str, float]]]:
    """Main-thread CPU time (ms) of each frame between the bench marks, with its phases.

    A frame is a task that ran a rendering update plus every task that ran since the previous
    one; events carry ``tdur``, the thread time, which excludes time spent waiting for a core.
    """
    events = trace["traceEvents"]
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    marks = {e["name"]: e["ts"] for e in events if e.get("name") in ("bench-start", "bench-end")}
    start, end = marks.get("bench-start", 0), marks.get("bench-end", float("inf"))
    on_main = sorted(
        (e for e in events if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X" and start <= e["ts"] <= end),
        key=lambda e: (e["ts"], -e.get("dur", 0)),
    )
    frames: list[tuple[float, dict[str, float]]] = []
    cpu, phases, task_end, renders = 0.0, dict.fromkeys(PHASES, 0.0), -1.0, False
    outer: dict[str, float] = {}
    for e in on_main:
        if e["name"] in TASKS and e["ts"] >= task_end:
            if renders:
                frames.append((cpu, phases))
                cpu, phases, renders = 0.0, dict.fromkeys(PHASES, 0.0), False
            cpu += e.get("tdur", 0) / 1000
            task_end = e["ts"] + e.get("dur", 0)
        elif e["name"] in phases and e["ts"] >= outer.get(e["name"], -1.0):  # nested ones are inside it
            phases[e["name"]] += e.get("tdur", 0) / 1000
            outer[e["name"]] = e["ts"] + e.get("dur", 0)
            renders = renders or e["name"] in RENDERING
    return frames


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--static", type=Path, default=ROOT / "static", help="static/ folder to measure (js/ and css/)")
    parser.add_argument("--trace", type=Path, help="also save the Chromium trace here (DevTools can open it)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    snapshot, deltas, traffic = build_messages()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        shutil.copytree(args.static / "js", site / "js")
        shutil.copytree(args.static / "css", site / "css")
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
                browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
                result = page.evaluate(DRIVE, [snapshot, deltas, traffic, INTERVAL_MS])
                trace = json.loads(browser.stop_tracing())
                if args.trace:
                    args.trace.write_text(json.dumps(trace))
                browser.close()
        finally:
            server.shutdown()
    assert result["pods"] == PODS, result["pods"]
    longest_loaf = max(result["loaf"], default=0.0)
    figure("browser: longest animation frame, 200 containers changing", longest_loaf, "ms", 50, "lower")
    figure("browser: longest gap between frames, 200 containers changing", max(result["gaps"]), "ms", 50, "lower")
    figure(
        "browser: p95 gap between frames, 200 containers changing", percentile(result["gaps"], 0.95), "ms", 50, "lower"
    )
    figure("browser: frames over 50 ms (long-animation-frame)", len(result["loaf"]), "frames", 0, "lower")
    frames = frame_cpu(trace)
    cpu = [c for c, _ in frames]
    figure("browser: longest frame, main-thread CPU time", max(cpu, default=0.0), "ms", 50, "lower")
    figure("browser: p95 frame, main-thread CPU time", percentile(cpu, 0.95), "ms", 50, "lower")
    if frames:
        worst, phases = max(frames, key=lambda f: f[0])
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in sorted(phases.items(), key=lambda kv: -kv[1]) if ms >= 0.5)
        print(f"# {len(frames)} frames; the longest by CPU ({worst:.1f} ms) spent: {parts}")


if __name__ == "__main__":
    main()
