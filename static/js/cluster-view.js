// @ts-check
/**
 * The live logistics center: an SVG drawing of one sandbox cluster (Nodes are ships, Pods
 * containers, Services gates...), fed by its WebSocket, configured by data-* attributes.
 * For 50 ms frames with 200 changing pods, messages only mark the view dirty; one animation
 * frame rebuilds model and plan (cluster-view/model.js), writes only what changed and draws
 * a budget of changed pods (cluster-view/draw.js); the rest wait for the next frame.
 */
import { ClusterState, Connection } from "./protocol.js";
import {
  CATEGORIES, ICONS, LABELS, PAD, drawDispatcher, drawEnvelope, drawGate, drawLink, drawOrder, drawPod, drawShip, drawYard,
  el, flyPackets, isCurrent, mark, put, removePod, statusWord,
} from "./cluster-view/draw.js";
import { Slots, buildModel, plan } from "./cluster-view/model.js";

/** Changed pods per frame: MIN_PODS to POD_BUDGET, fewer once the frame's script (reading
 * messages included) has run TIME_BUDGET_MS. */
const MIN_PODS = 8, POD_BUDGET = 32, TIME_BUDGET_MS = 8;

export class ClusterView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    const lang = (root.dataset.lang || document.documentElement.lang || "en").toLowerCase();
    this.lang = lang.startsWith("zh") ? "zh" : "en";
    this.vocab = root.dataset.labels === "k8s" ? "k8s" : "metaphor";
    this.state = new ClusterState();
    this.slots = new Slots();
    this.specs = new Map(); // pod uid -> spec readings (model.js)
    this.recs = new Map(); // id -> record {el, v, kind, parts, gen}
    this.info = new Map(); // id -> {kind, namespace, name, uid, tip}
    this.lifts = new Set(); // pods whose crane lowering plays
    this.podLayers = []; // overlay SVGs holding pods
    this.v = {}; // last written values of the view-level attributes
    this.gen = this.epoch = this.frame = this.cursor = this.debt = this.width = this.packets = 0;
    this.dirty = false;
    this.selected = this.group = "";
    this.model = null;
    this.motion = window.matchMedia("(prefers-reduced-motion: reduce)");
    root.classList.add("is-mounted");
    this.build();
    this.resizer = new ResizeObserver((entries) => {
      const width = Math.round(entries[entries.length - 1].contentRect.width);
      if (width && width !== this.width) {
        this.width = width;
        this.invalidate();
      }
    });
    this.resizer.observe(this.stage);
    const url = root.dataset.wsUrl || "";
    this.connection = url ? new Connection(url, this.state, {
      onChange: (msg, ms) => {
        this.debt += ms; // the frame's script budget pays for reading messages too
        if (msg.type === "cluster.traffic") flyPackets(this, msg);
        else this.invalidate();
      },
      onStatus: (s, ms) => this.status(s, ms),
    }) : null;
    if (this.connection) this.connection.open();
    else this.status("none");
  }

  get L() { return LABELS[this.lang][this.vocab]; }
  get UI() { return LABELS[this.lang].ui; }

  build() {
    const div = (cls) => Object.assign(document.createElement("div"), { className: cls });
    const bar = div("cluster-view__bar");
    const group = div("cluster-view__vocab");
    group.setAttribute("role", "group");
    this.vocabButtons = ["metaphor", "k8s"].map((mode) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.vocab = mode;
      b.addEventListener("click", () => this.setVocabulary(mode));
      return group.appendChild(b);
    });
    this.statusLine = document.createElement("span");
    this.statusLine.className = "cluster-view__status";
    this.statusLine.setAttribute("aria-live", "polite");
    bar.append(group, this.statusLine);
    this.stage = div("cluster-view__stage");
    this.stage.setAttribute("role", "group");
    // ground, places and links in one SVG; pods and packets in overlays (cluster.css)
    this.svg = this.overlay(false);
    this.layers = {};
    for (const name of ["ground", "places", "links"]) this.layers[name] = el("g", { class: `cv-${name}` }, this.svg);
    this.podStage = this.stage.appendChild(div("cluster-view__pods"));
    this.layers.packets = el("g", { class: "cv-packets" }, this.overlay(true));
    this.sea = el("rect", { class: "cv-sea", x: 0 }, this.layers.ground);
    this.quay = el("rect", { class: "cv-quay", x: 0, height: 10 }, this.layers.ground);
    this.tip = div("cluster-view__tip");
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    this.stage.append(this.tip);
    this.legend = document.createElement("ul");
    this.legend.className = "cluster-view__legend";
    this.legendItems = CATEGORIES.map((cat) => {
      const li = document.createElement("li");
      li.className = `cv-legend pod--${cat}`;
      const icon = el("svg", { class: "cv-legend__icon", viewBox: "0 0 20 16", "aria-hidden": "true" });
      el("rect", { class: "pod__box", x: 0.5, y: 0.5, width: 19, height: 15, rx: 2 }, icon);
      el("path", { class: "pod__icon", d: ICONS[cat], transform: "translate(3 1) scale(1.077) translate(-3 -4)" }, icon);
      const label = document.createElement("span");
      li.append(icon, label);
      this.legend.appendChild(li);
      return { cat, label };
    });
    this.root.append(bar, this.stage, this.legend);
    const on = (type, fn) => this.stage.addEventListener(type, fn);
    on("click", (e) => this.activate(e.target));
    on("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      this.activate(e.target);
    });
    on("pointerover", (e) => this.hover(e.target, e));
    on("pointerleave", () => this.hover(null));
    on("focusin", (e) => this.hover(e.target));
    on("focusout", () => this.hover(null));
    on("animationend", (e) => {
      const pod = e.target.closest(".cv-pod");
      if (!pod) return;
      if (e.animationName === "cv-appear") pod.classList.remove("pod--new");
      if (e.animationName === "cv-lower" && this.lifts.delete(pod.dataset.id)) pod.classList.remove("pod--lift");
    });
    this.applyVocabulary();
  }

  /** A full-size SVG: the base one (in the flow) or an overlay. */
  overlay(over, parent = this.stage) {
    const svg = el("svg", { class: `cluster-view__svg${over ? " cluster-view__layer" : ""}`, role: "none", ...this.v.size });
    return parent.appendChild(svg);
  }

  /** @param {string} mode "metaphor" | "k8s" */
  setVocabulary(mode) {
    this.vocab = mode === "k8s" ? "k8s" : "metaphor";
    this.root.dataset.labels = this.vocab;
    this.applyVocabulary();
    this.epoch += 1; // every pod's words are stale
    this.invalidate();
  }

  applyVocabulary() {
    const ui = this.UI;
    for (const b of this.vocabButtons) {
      b.textContent = ui[b.dataset.vocab || ""];
      b.setAttribute("aria-pressed", String(b.dataset.vocab === this.vocab));
    }
    this.vocabButtons[0].parentElement.setAttribute("aria-label", ui.vocab);
    this.stage.setAttribute("aria-label", ui.picture);
    this.legend.setAttribute("aria-label", ui.legend);
    for (const { cat, label } of this.legendItems) label.textContent = statusWord(this, cat, "");
  }

  status(s, ms) {
    const ui = this.UI;
    const words = { none: ui.noSandbox, connecting: ui.connecting, reconnecting: ui.reconnecting, live: ui.live,
      offline: ui.offline.replace("{s}", String(Math.round((ms || 0) / 1000))) };
    this.statusLine.textContent = words[s] || s;
    this.root.dataset.connection = s;
  }

  invalidate() {
    this.dirty = true;
    this.schedule();
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  rec(id, kind, make, layer = "places") {
    let r = this.recs.get(id);
    if (!r) {
      const g = el("g", { class: `cv-${kind}`, "data-id": id }, typeof layer === "string" ? this.layers[layer] : layer);
      this.recs.set(id, (r = { el: g, v: {}, kind, parts: make(g) }));
    }
    r.gen = this.gen;
    return r;
  }

  render() {
    this.frame = 0;
    const start = performance.now();
    const budgetMs = TIME_BUDGET_MS - this.debt;
    // a frame that spent long reading a message draws in the next one
    const wait = this.dirty && !this.waited && budgetMs < TIME_BUDGET_MS / 2;
    this.waited = wait;
    this.debt = 0;
    if (wait) return this.schedule();
    if (this.dirty) this.rebuild();
    if (!this.model) return;
    // [pod, slot, adrift, order]: new pods, then by place from the cursor (a frame dirties few tiles)
    const todo = [];
    for (const p of this.model.pods.values()) {
      const at = this.plan.placed.get(p.uid) || [PAD, PAD];
      const adrift = this.down.has(p.node);
      if (isCurrent(this, p, at, adrift)) continue;
      const spot = at[1] * 65536 + at[0];
      todo.push([p, at, adrift, this.recs.has(p.uid) ? spot + (spot < this.cursor ? 2 : 1) * 2 ** 32 : spot]);
    }
    todo.sort((a, b) => a[3] - b[3]);
    let drawn = 0;
    for (; drawn < todo.length; drawn++) {
      if (drawn >= MIN_PODS && (drawn >= POD_BUDGET || performance.now() - start > budgetMs)) break;
      drawPod(this, todo[drawn][0], todo[drawn][1], todo[drawn][2]);
    }
    if (drawn < todo.length) {
      this.cursor = todo[drawn][3] % 2 ** 32;
      this.schedule();
    }
  }

  /** Everything but the pods, which `render` draws within its budget. */
  rebuild() {
    this.dirty = false;
    if (!this.width) this.width = this.stage.clientWidth || 960; // once, before the ResizeObserver reports
    const scale = this.root.classList.contains("cluster-view--projector") ? 1.45 : 1;
    const m = (this.model = buildModel(this.state, this.specs));
    const p = (this.plan = plan(m, Math.max(360, Math.round(this.width / scale)), this.slots));
    this.gen += 1;
    this.down = new Set(m.nodes.filter((n) => n.ready !== "True").map((n) => n.name));
    drawYard(this, p.yard);
    drawDispatcher(this, p.dispatcher);
    if (p.flash) this.flashDispatcher();
    p.orders.forEach((o) => drawOrder(this, o));
    for (const item of p.quay) item.s ? drawGate(this, item) : drawEnvelope(this, item);
    put(this, "quay", p.quayY, (y) => this.quay.setAttribute("y", y));
    for (const ship of p.ships) drawShip(this, ship, p.C);
    put(this, "box", `${p.W}x${p.H}x${scale}x${p.seaY}`, () => {
      this.v.size = { viewBox: `0 0 ${p.W} ${p.H}`, height: Math.round(p.H * scale) };
      for (const svg of this.stage.querySelectorAll("svg")) for (const k in this.v.size) svg.setAttribute(k, this.v.size[k]);
      this.sea.setAttribute("y", p.seaY);
      this.sea.setAttribute("width", p.W);
      this.sea.setAttribute("height", p.H - p.seaY);
      this.quay.setAttribute("width", p.W);
    });
    for (const s of m.services) for (const [uid, ready] of s.links)
      drawLink(this, `${s.uid}>${uid}`, p.anchors.get(s.uid), p.placed.get(uid), ready ? "ready" : "notready");
    for (const e of m.envelopes) for (const uid of e.users) drawLink(this, `${e.uid}>${uid}`, p.anchors.get(e.uid), p.placed.get(uid), "envelope");
    this.sweep(m);
  }

  sweep(m) {
    for (const [id, r] of this.recs) {
      if (r.kind === "pod" ? m.pods.has(id) : r.gen === this.gen) continue;
      this.recs.delete(id);
      this.info.delete(id);
      if (r.kind !== "pod") r.el.remove();
      else {
        this.slots.drop(id);
        removePod(this, r);
      }
    }
    if (this.selected && !this.info.has(this.selected)) this.selected = "";
    this.slots.prune(new Set(m.nodes.map((n) => n.name)));
  }

  flashDispatcher() {
    const d = this.recs.get("dispatcher");
    if (!d || this.motion.matches) return;
    d.el.classList.remove("is-busy");
    requestAnimationFrame(() => d.el.classList.add("is-busy"));
    clearTimeout(this.busyTimer);
    this.busyTimer = setTimeout(() => d.el.classList.remove("is-busy"), 1200);
  }

  /** The inspector's contract: a `cluster:select` event. */
  activate(target) {
    const node = target && target.closest("[data-id]");
    const id = node && node.getAttribute("data-id");
    const meta = id && this.info.get(id);
    if (!meta) return;
    const prev = this.recs.get(this.selected);
    if (prev) put(prev, "sel", false, (on) => mark(prev, on));
    const r = this.recs.get(id);
    this.selected = id;
    put(r, "sel", true, (on) => mark(r, on));
    const { kind, namespace, name, uid } = meta;
    this.root.dispatchEvent(new CustomEvent("cluster:select", { bubbles: true, detail: { kind, namespace, name, uid } }));
  }

  /** Tooltip and group highlight (one layout read per event). */
  hover(target, event) {
    const node = target && target.closest("[data-id]");
    const meta = node && this.info.get(node.getAttribute("data-id") || "");
    const group = (node && node.dataset.group) || "";
    if (group !== this.group) {
      this.group = group;
      this.stage.querySelectorAll(".is-group").forEach((g) => g.classList.remove("is-group"));
      this.stage.classList.toggle("has-group", Boolean(group));
      if (group) this.stage.querySelectorAll(`[data-group="${CSS.escape(group)}"]`).forEach((g) => g.classList.add("is-group"));
    }
    this.tip.hidden = !meta;
    if (!meta) return;
    this.tip.replaceChildren(...meta.tip.filter(Boolean).map((line, i) => {
      const div = document.createElement("div");
      div.className = i ? "cluster-view__tip-line" : "cluster-view__tip-title";
      div.textContent = line;
      return div;
    }));
    const box = this.stage.getBoundingClientRect();
    const b = event ? null : node.getBoundingClientRect();
    const [x, y] = b ? [b.left + b.width / 2, b.bottom] : [event.clientX, event.clientY];
    this.tip.style.left = `${Math.min(x - box.left + 12, box.width - 280)}px`;
    this.tip.style.top = `${y - box.top + 14}px`;
  }

  destroy() {
    if (this.connection) this.connection.close();
    this.resizer.disconnect();
    cancelAnimationFrame(this.frame);
  }
}

/** Mount every `.cluster-view` under `scope` that is not mounted yet. */
export function mountAll(scope = document) {
  const found = [];
  for (const root of scope.querySelectorAll(".cluster-view:not(.is-mounted)")) {
    const view = new ClusterView(/** @type {HTMLElement} */ (root));
    /** @type {any} */ (root).clusterView = view;
    found.push(view);
  }
  return found;
}

mountAll();
document.addEventListener("htmx:load", (/** @type {any} */ e) => mountAll(e.detail.elt.parentNode || document));
document.addEventListener("htmx:beforeCleanupElement", (/** @type {any} */ e) => {
  const root = e.detail.elt;
  if (root && root.clusterView) root.clusterView.destroy();
});
