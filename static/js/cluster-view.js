// @ts-check
/**
 * The live logistics center: an SVG drawing of one sandbox cluster, fed by its WebSocket.
 *
 * Ships are Nodes, containers are Pods, the waiting yard holds Pending pods, the dispatcher
 * is the scheduler, port gates are Services, envelopes are ConfigMaps/Secrets and shipping
 * orders are Deployments/ReplicaSets. Every object keeps one element keyed by uid and moves
 * through CSS transitions on `transform`; requestAnimationFrame only batches DOM writes and
 * flies traffic packets. Config comes from data-* attributes (ws-url, lang, labels).
 */
import { ClusterState, Connection, buildModel } from "./protocol.js";

const NS = "http://www.w3.org/2000/svg";
const PAD = 16, GAP = 22, CELL_W = 64, CELL_H = 50, BOX_W = 58, BOX_H = 40, SHIP_HEAD = 46, HULL_H = 66;
const MAX_SLOTS = 24, YARD_COLS = 4, YARD_W = YARD_COLS * CELL_W + 24, CARD_W = 236, CARD_H = 100;
const GATE_W = 196, ENV_W = 176, QUAY_H = 74;
const GROUP_HUES = ["#7c3aed", "#0d9488", "#d97706", "#2563eb", "#db2777", "#65a30d", "#0891b2", "#9333ea"];
const CATEGORIES = ["running", "notready", "creating", "pending", "crashloop", "imagepull", "configerror",
  "terminating", "completed", "failed", "unknown"];

/** Every label in the drawing, by language and by vocabulary (metaphor or Kubernetes term). */
const LABELS = {
  en: {
    metaphor: { yard: "Waiting yard", dispatcher: "Dispatcher", ship: "Ship", order: "Shipping order",
      batch: "Batch", gate: "Port gate", ConfigMap: "Envelope", Secret: "Sealed envelope", pod: "Container",
      closed: "Closed", yardEmpty: "empty — every container has a ship", up: "afloat", down: "lost contact", quay: "Quay", want: "want", ready: "ready",
      rev: "rev", slots: "free slots", cpu: "CPU", memory: "Memory", users: "readers",
      status: { running: "Working", notready: "Not ready", creating: "Craning", pending: "Waiting",
        crashloop: "Crash loop", imagepull: "No cargo", configerror: "Bad papers", terminating: "Unloading",
        completed: "Delivered", failed: "Failed", unknown: "Unknown" } },
    k8s: { yard: "Pending pods", yardEmpty: "no unscheduled pods", dispatcher: "Scheduler", ship: "Node", order: "Deployment", batch: "ReplicaSet",
      gate: "Service", ConfigMap: "ConfigMap", Secret: "Secret", pod: "Pod", closed: "SchedulingDisabled",
      up: "Ready", down: "NotReady", quay: "Services", want: "replicas", ready: "ready", rev: "revision",
      slots: "pods free", cpu: "cpu", memory: "memory", users: "pods", status: null },
    ui: { metaphor: "Metaphor", k8s: "Kubernetes terms", vocab: "Labels", live: "Live", connecting: "Connecting…",
      reconnecting: "Reconnecting…", offline: "Connection lost — retrying in {s} s", noSandbox: "No sandbox connected",
      picture: "Live cluster picture", legend: "What the colours and icons mean", restarts: "restarts",
      on: "on", notReady: "not ready", requested: "requested (100m / 200Mi when a container asks nothing)" },
  },
  zh: {
    metaphor: { yard: "堆场", dispatcher: "调度员", ship: "货轮", order: "货运订单", batch: "批次", gate: "港口闸门",
      ConfigMap: "信封", Secret: "密封信封", pod: "集装箱", closed: "停止接货", yardEmpty: "空：每个集装箱都已上船", up: "航行中", down: "失联", quay: "码头",
      want: "期望", ready: "就绪", rev: "版本", slots: "空位", cpu: "CPU", memory: "内存", users: "使用者",
      status: { running: "运行中", notready: "未就绪", creating: "吊装中", pending: "等待派送", crashloop: "反复崩溃",
        imagepull: "取货失败", configerror: "单据有误", terminating: "卸货中", completed: "已送达", failed: "失败",
        unknown: "未知" } },
    k8s: { yard: "Pending Pod", yardEmpty: "没有未调度的 Pod", dispatcher: "Scheduler", ship: "Node", order: "Deployment", batch: "ReplicaSet",
      gate: "Service", ConfigMap: "ConfigMap", Secret: "Secret", pod: "Pod", closed: "SchedulingDisabled",
      up: "Ready", down: "NotReady", quay: "Service", want: "副本", ready: "就绪", rev: "revision", slots: "可用 Pod 位",
      cpu: "cpu", memory: "memory", users: "Pod", status: null },
    ui: { metaphor: "物流隐喻", k8s: "Kubernetes 术语", vocab: "标签", live: "实时", connecting: "连接中…",
      reconnecting: "重新连接中…", offline: "连接断开，{s} 秒后重试", noSandbox: "未连接沙盒", picture: "集群实时图",
      legend: "颜色和图标的含义", restarts: "次重启", on: "位于", notReady: "未就绪",
      requested: "已申请（容器未声明时按 100m / 200Mi 计）" },
  },
};

/** Icons (16×16, stroked) so colour is never the only signal. */
const ICONS = {
  running: "M3 8.5l3 3 7-7", notready: "M8 2.5a5.5 5.5 0 1 0 0 11M8 5v3.2l2 1.3",
  creating: "M8 1v6M5 7h6M8 7v2.5a2 2 0 1 1-2 2", pending: "M8 2.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 0 1 0-11M8 5v3.5l2.5 1.5",
  crashloop: "M13 8a5 5 0 1 1-1.5-3.6M13 2v3h-3", imagepull: "M8 2v8M4.5 6.5L8 10l3.5-3.5M3 13h10M3 3l10 10",
  configerror: "M4 2h6l3 3v9H4zM7 7l4 4M11 7l-4 4", terminating: "M8 2v9M4.5 7.5L8 11l3.5-3.5M3 14h10",
  completed: "M1.5 8.5l3 3 6-6M7 11.5l7-7", failed: "M4 4l8 8M12 4l-8 8", unknown: "M6 6a2 2 0 1 1 3 1.7c-.7.4-1 1-1 1.8M8 12v.5",
};

/** @param {string} tag @param {Object<string, string|number>} attrs @param {Element=} parent */
function el(tag, attrs = {}, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}
/** Write only when the value changed: the one rule that keeps 200 animating boxes cheap. */
function put(/** @type {any} */ rec, /** @type {string} */ key, /** @type {any} */ value, /** @type {(v: any) => void} */ apply) {
  if (rec.v[key] !== value) {
    rec.v[key] = value;
    apply(value);
  }
}
const text = (/** @type {any} */ rec, /** @type {string} */ key, /** @type {Element} */ node, /** @type {string} */ value) =>
  put(rec, key, value, (v) => (node.textContent = v));
const move = (/** @type {any} */ rec, /** @type {number} */ x, /** @type {number} */ y) =>
  put(rec, "xy", `${x},${y}`, () => (rec.el.style.transform = `translate(${x}px, ${y}px)`));
const clip = (/** @type {string} */ s, /** @type {number} */ n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const hue = (/** @type {string} */ key) => {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return GROUP_HUES[h % GROUP_HUES.length];
};
const shortName = (/** @type {string} */ name) => {
  const parts = name.split("-");
  return parts.length > 2 ? parts.slice(-1)[0] : name;
};
const gib = (/** @type {number} */ b) => `${+(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)}`;

export class ClusterView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    const lang = (root.dataset.lang || document.documentElement.lang || "en").toLowerCase();
    this.lang = lang.startsWith("zh") ? "zh" : "en";
    this.vocab = root.dataset.labels === "k8s" ? "k8s" : "metaphor";
    this.state = new ClusterState();
    this.recs = new Map(); // id -> {el, v, kind, gen}
    this.slots = new Map(); // host ("" = yard) -> Map(uid -> slot index)
    this.where = new Map(); // pod uid -> last host
    this.info = new Map(); // id -> {kind, namespace, name, uid, tip}
    this.gen = 0;
    this.v = {}; // last written values of the view-level attributes
    this.frame = 0;
    this.selected = "";
    this.packets = [];
    this.motion = window.matchMedia("(prefers-reduced-motion: reduce)");
    root.classList.add("is-mounted");
    this.build();
    this.width = 0;
    this.resizer = new ResizeObserver(() => this.invalidate());
    this.resizer.observe(this.stage);
    const url = root.dataset.wsUrl || "";
    this.connection = url ? new Connection(url, this.state, {
      onChange: (msg) => (msg.type === "cluster.traffic" ? this.traffic(msg) : this.invalidate()),
      onStatus: (s, ms) => this.status(s, ms),
    }) : null;
    if (this.connection) this.connection.open();
    else this.status("none");
  }

  get L() { return /** @type {any} */ (LABELS)[this.lang][this.vocab]; }
  get UI() { return /** @type {any} */ (LABELS)[this.lang].ui; }

  build() {
    const bar = document.createElement("div");
    bar.className = "cluster-view__bar";
    const group = document.createElement("div");
    group.className = "cluster-view__vocab";
    group.setAttribute("role", "group");
    this.vocabButtons = ["metaphor", "k8s"].map((mode) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.vocab = mode;
      b.addEventListener("click", () => this.setVocabulary(mode));
      group.appendChild(b);
      return b;
    });
    this.statusLine = document.createElement("span");
    this.statusLine.className = "cluster-view__status";
    this.statusLine.setAttribute("aria-live", "polite");
    bar.append(group, this.statusLine);
    this.stage = document.createElement("div");
    this.stage.className = "cluster-view__stage";
    this.svg = /** @type {SVGSVGElement} */ (el("svg", { class: "cluster-view__svg", role: "group" }));
    const defs = el("defs", {}, this.svg);
    for (const [name, d] of Object.entries(ICONS)) el("path", { id: `cv-i-${name}`, d }, el("symbol", { id: `cv-s-${name}`, viewBox: "0 0 16 16" }, defs));
    const waves = el("pattern", { id: "cv-waves", width: 48, height: 16, patternUnits: "userSpaceOnUse" }, defs);
    el("path", { d: "M0 8q12-6 24 0t24 0", class: "cv-wave" }, waves);
    this.layers = {};
    for (const name of ["ground", "places", "links", "pods", "packets"]) this.layers[name] = el("g", { class: `cv-${name}` }, this.svg);
    this.sea = el("rect", { class: "cv-sea", x: 0 }, this.layers.ground);
    this.quay = el("rect", { class: "cv-quay", x: 0, height: 10 }, this.layers.ground);
    this.tip = document.createElement("div");
    this.tip.className = "cluster-view__tip";
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    this.stage.append(this.svg, this.tip);
    this.legend = document.createElement("ul");
    this.legend.className = "cluster-view__legend";
    this.legendItems = CATEGORIES.map((cat) => {
      const li = document.createElement("li");
      li.className = `cv-legend pod--${cat}`;
      const icon = el("svg", { class: "cv-legend__icon", viewBox: "0 0 20 16", "aria-hidden": "true" });
      el("rect", { class: "pod__box", x: 0.5, y: 0.5, width: 19, height: 15, rx: 2 }, icon);
      el("use", { class: "pod__icon", href: `#cv-s-${cat}`, x: 3, y: 1, width: 14, height: 14 }, icon);
      const label = document.createElement("span");
      li.append(icon, label);
      this.legend.appendChild(li);
      return { cat, label };
    });
    this.root.append(bar, this.stage, this.legend);
    this.svg.addEventListener("click", (e) => this.activate(/** @type {Element} */ (e.target)));
    this.svg.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      this.activate(/** @type {Element} */ (e.target));
    });
    this.svg.addEventListener("pointerover", (e) => this.hover(/** @type {Element} */ (e.target), e));
    this.svg.addEventListener("pointerleave", () => this.hover(null));
    this.svg.addEventListener("focusin", (e) => this.hover(/** @type {Element} */ (e.target)));
    this.svg.addEventListener("focusout", () => this.hover(null));
    this.applyVocabulary();
  }

  /** @param {string} mode "metaphor" | "k8s" */
  setVocabulary(mode) {
    this.vocab = mode === "k8s" ? "k8s" : "metaphor";
    this.root.dataset.labels = this.vocab;
    this.applyVocabulary();
    this.invalidate();
  }

  applyVocabulary() {
    const ui = this.UI;
    this.vocabButtons.forEach((b) => {
      b.textContent = ui[b.dataset.vocab || ""];
      b.setAttribute("aria-pressed", String(b.dataset.vocab === this.vocab));
    });
    /** @type {Element} */ (this.vocabButtons[0].parentElement).setAttribute("aria-label", ui.vocab);
    this.svg.setAttribute("aria-label", ui.picture);
    this.legend.setAttribute("aria-label", ui.legend);
    for (const { cat, label } of this.legendItems) label.textContent = this.statusWord(cat, "");
  }

  /** @param {string} cat @param {string} reason */
  statusWord(cat, reason) {
    const words = LABELS[this.lang].metaphor.status;
    if (this.vocab === "metaphor") return /** @type {any} */ (words)[cat];
    if (reason) return reason;
    return { running: "Running", notready: "Running (0/1)", creating: "ContainerCreating", pending: "Pending",
      crashloop: "CrashLoopBackOff", imagepull: "ImagePullBackOff", configerror: "CreateContainerConfigError",
      terminating: "Terminating", completed: "Completed", failed: "Error", unknown: "Unknown" }[cat] || cat;
  }

  /** @param {string} s @param {number=} ms */
  status(s, ms) {
    const ui = this.UI;
    const words = { none: ui.noSandbox, connecting: ui.connecting, reconnecting: ui.reconnecting, live: ui.live,
      offline: ui.offline.replace("{s}", String(Math.round((ms || 0) / 1000))) };
    this.statusLine.textContent = /** @type {any} */ (words)[s] || s;
    this.root.dataset.connection = s;
  }

  invalidate() {
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** A stable slot on a ship (or in the yard): a container keeps its place while it stays. */
  slotOf(/** @type {string} */ host, /** @type {string} */ uid) {
    let map = this.slots.get(host);
    if (!map) this.slots.set(host, (map = new Map()));
    if (!map.has(uid)) {
      const used = new Set(map.values());
      let i = 0;
      while (used.has(i)) i++;
      map.set(uid, i);
    }
    return /** @type {number} */ (map.get(uid));
  }

  /** @param {string} id @param {string} kind @param {(g: SVGGElement) => any} make @param {Element} layer */
  rec(id, kind, make, layer) {
    let r = this.recs.get(id);
    if (!r) {
      const g = /** @type {SVGGElement} */ (el("g", { class: `cv-${kind}`, "data-id": id }, layer));
      r = { el: g, v: {}, kind, parts: make(g), fresh: true };
      this.recs.set(id, r);
    }
    r.gen = this.gen;
    return r;
  }

  /** Make an element an accessible, selectable object. */
  selectable(/** @type {any} */ r, /** @type {any} */ meta, /** @type {string} */ label, /** @type {string[]} */ tip) {
    this.info.set(meta.uid, { ...meta, tip });
    if (r.fresh) {
      r.el.setAttribute("tabindex", "0");
      r.el.setAttribute("role", "button");
    }
    put(r, "aria", label, (v) => r.el.setAttribute("aria-label", v));
    put(r, "sel", meta.uid === this.selected, (v) => {
      r.el.classList.toggle("is-selected", v);
      r.el.setAttribute("aria-pressed", String(v));
    });
  }

  render() {
    const width = this.stage.clientWidth || 960;
    const scale = this.root.classList.contains("cluster-view--projector") ? 1.45 : 1;
    const W = Math.max(360, Math.round(width / scale));
    const m = buildModel(this.state);
    const L = this.L;
    this.gen += 1;
    this.info.clear();
    const placed = new Map(); // pod uid -> [x, y]
    // -- top band: yard, dispatcher, orders ---------------------------------------------------
    const yardPods = [...m.pods.values()].filter((p) => !p.node);
    const yardRows = Math.max(1, Math.ceil(yardPods.length / YARD_COLS));
    const reasons = [...new Set(yardPods.map((p) => p.message).filter(Boolean))].slice(0, 3);
    const yardH = 36 + yardRows * CELL_H + reasons.length * 17 + 6;
    const yard = this.rec("yard", "yard", (g) => ({
      box: el("rect", { class: "cv-yard__box", rx: 10 }, g), title: el("text", { class: "cv-title", x: 12, y: 20 }, g),
      empty: el("text", { class: "cv-yard__empty", x: YARD_W / 2, y: 60 }, g),
      notes: el("g", { class: "cv-yard__notes" }, g),
    }), this.layers.places);
    move(yard, PAD, PAD);
    put(yard, "h", yardH, (h) => yard.parts.box.setAttribute("height", h));
    put(yard, "w", YARD_W, (w) => yard.parts.box.setAttribute("width", w));
    text(yard, "title", yard.parts.title, `${L.yard} · ${yardPods.length}`);
    text(yard, "empty", yard.parts.empty, yardPods.length ? "" : L.yardEmpty);
    put(yard, "notes", reasons.join("\n"), () => {
      yard.parts.notes.replaceChildren();
      reasons.forEach((r, i) => {
        const t = el("text", { class: "cv-yard__note", x: 12, y: 36 + yardRows * CELL_H + 10 + i * 17 }, yard.parts.notes);
        t.textContent = "⚠ " + clip(r, 46);
      });
    });
    for (const p of yardPods) {
      const i = this.slotOf("", p.uid);
      placed.set(p.uid, [PAD + 12 + (i % YARD_COLS) * CELL_W, PAD + 32 + Math.floor(i / YARD_COLS) * CELL_H]);
    }
    const dx = PAD + YARD_W + 18;
    const disp = this.rec("dispatcher", "dispatcher", (g) => {
      el("circle", { class: "cv-dispatcher__head", cx: 40, cy: 22, r: 10 }, g);
      el("path", { class: "cv-dispatcher__body", d: "M22 62q0-26 18-26t18 26zM56 44l16-12" }, g);
      return { label: el("text", { class: "cv-dispatcher__label", x: 40, y: 80 }, g) };
    }, this.layers.places);
    move(disp, dx, PAD + 10);
    text(disp, "label", disp.parts.label, L.dispatcher);
    const ox = dx + 104;
    const cols = Math.max(1, Math.floor((W - ox - PAD + 12) / (CARD_W + 12)));
    const oxx = W - ox - PAD < CARD_W ? PAD : ox;
    const oyy = W - ox - PAD < CARD_W ? PAD + yardH + 16 : PAD;
    m.orders.forEach((o, i) => this.drawOrder(o, oxx + (i % cols) * (CARD_W + 12), oyy + Math.floor(i / cols) * (CARD_H + 12)));
    const ordersBottom = m.orders.length ? oyy + Math.ceil(m.orders.length / cols) * (CARD_H + 12) : 0;
    let y = Math.max(PAD + yardH, PAD + 96, ordersBottom) + 18;
    // -- quay: port gates and envelopes -------------------------------------------------------
    const quayY = y;
    const anchors = new Map(); // gate/envelope uid -> [x, y] where links start
    let x = PAD;
    const items = [...m.services.map((s) => ({ s, w: GATE_W })), ...m.envelopes.map((e) => ({ e, w: ENV_W }))];
    for (const item of items) {
      if (x + item.w > W - PAD && x > PAD) { x = PAD; y += QUAY_H + 10; }
      if (item.s) this.drawGate(item.s, x, y); else this.drawEnvelope(item.e, x, y);
      anchors.set((item.s || item.e).uid, item.s ? [x + item.w / 2, y + 50] : [x + 36, y + 44]);
      x += item.w + 12;
    }
    y += items.length ? QUAY_H + 8 : 0;
    put(this, "quay", `${quayY},${y}`, () => {
      this.quay.setAttribute("y", String(y - 4));
    });
    // -- the sea and the ships ----------------------------------------------------------------
    const seaY = y + 6;
    y = seaY + 18;
    const fits = (/** @type {number} */ c) => Math.floor((W - 2 * PAD + GAP) / (c * CELL_W + 24 + GAP));
    this.cols = fits(5) >= Math.min(3, m.nodes.length) ? 5 : 4;
    const SHIP_W = this.cols * CELL_W + 24;
    const perRow = Math.max(1, fits(this.cols));
    const shipX0 = PAD + Math.max(0, (W - 2 * PAD - (perRow * (SHIP_W + GAP) - GAP)) / 2);
    for (let r = 0; r < m.nodes.length; r += perRow) {
      const row = m.nodes.slice(r, r + perRow);
      const heights = row.map((n, i) => this.drawShip(n, m, shipX0 + i * (SHIP_W + GAP), y, placed));
      y += Math.max(...heights) + GAP;
    }
    const H = Math.max(y + PAD, seaY + 120);
    put(this, "size", `${W}x${H}x${scale}`, () => {
      this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      this.svg.setAttribute("height", String(Math.round(H * scale)));
      this.sea.setAttribute("y", String(seaY));
      this.sea.setAttribute("width", String(W));
      this.sea.setAttribute("height", String(H - seaY));
      this.quay.setAttribute("width", String(W));
    });
    // -- containers and their links -----------------------------------------------------------
    const down = new Set(m.nodes.filter((n) => n.ready !== "True").map((n) => n.name));
    for (const p of m.pods.values()) this.drawPod({ ...p, adrift: down.has(p.node) }, placed.get(p.uid) || [PAD, PAD]);
    for (const s of m.services) for (const [uid, ready] of s.links) this.drawLink(`${s.uid}>${uid}`, anchors.get(s.uid), placed.get(uid), ready ? "ready" : "notready");
    for (const e of m.envelopes) for (const uid of e.users) this.drawLink(`${e.uid}>${uid}`, anchors.get(e.uid), placed.get(uid), "envelope");
    this.sweep(m);
  }

  /** @param {any} p @param {number[]} at */
  drawPod(p, [x, y]) {
    const r = this.rec(p.uid, "pod", (g) => {
      const crane = el("path", { class: "pod__crane", d: `M${BOX_W / 2} -16v14` }, g);
      const body = el("g", { class: "pod__body" }, g);
      el("rect", { class: "pod__box", width: BOX_W, height: BOX_H, rx: 4 }, body);
      const stripe = el("rect", { class: "pod__stripe", x: 4, y: -4, width: 18, height: 5, rx: 1.5 }, body);
      el("use", { class: "pod__icon", x: 3, y: 4, width: 13, height: 13 }, body);
      const name = el("text", { class: "pod__name", x: 18, y: 15 }, body);
      const word = el("text", { class: "pod__status", x: 4, y: 32 }, body);
      const badge = el("g", { class: "pod__badge", transform: `translate(${BOX_W - 2} 2)` }, g);
      el("circle", { r: 8 }, badge);
      const count = el("text", { y: 3.5 }, badge);
      return { crane, stripe, icon: body.querySelector("use"), name, word, badge, count };
    }, this.layers.pods);
    const host = p.node;
    const prev = this.where.get(p.uid);
    if (prev !== undefined && prev !== host) {
      this.slots.get(prev)?.delete(p.uid);
      if (!prev && host) this.flashDispatcher();
    }
    this.where.set(p.uid, host);
    if (r.fresh && !this.motion.matches) r.el.classList.add("pod--new");
    move(r, x, y);
    const old = r.v.cat;
    put(r, "cat", p.cat, (c) => {
      if (old) r.el.classList.remove(`pod--${old}`);
      r.el.classList.add(`pod--${c}`);
      r.parts.icon.setAttribute("href", `#cv-s-${c}`);
    });
    put(r, "adrift", p.adrift, (v) => r.el.classList.toggle("pod--adrift", v));
    put(r, "group", p.group, (g) => {
      r.parts.stripe.style.fill = g ? hue(g) : "";
      r.el.dataset.group = g;
    });
    text(r, "name", r.parts.name, clip(shortName(p.name), 8));
    const word = this.statusWord(p.cat, p.st.reason);
    text(r, "word", r.parts.word, clip(word, 11));
    put(r, "restarts", p.st.restarts, (n) => {
      r.parts.badge.style.display = n ? "" : "none";
      r.parts.count.textContent = String(n);
    });
    const ui = this.UI;
    const L = this.L;
    const where = p.node ? `${ui.on} ${L.ship} ${p.node}` : L.yard;
    const label = `${L.pod} ${p.name}: ${word}${word !== p.st.reason ? ` (${p.st.reason})` : ""}, ${p.st.ready}/${p.st.total} ${L.ready}, ${p.st.restarts} ${ui.restarts}, ${where}`;
    const tip = [`${L.pod} ${p.namespace}/${p.name}`, `${p.st.reason} · ${p.st.ready}/${p.st.total} · ${p.st.restarts} ${ui.restarts}`, where];
    if (p.message) tip.push(p.message);
    this.selectable(r, { kind: "Pod", namespace: p.namespace, name: p.name, uid: p.uid }, label, tip);
    r.fresh = false;
  }

  /** @param {any} n @param {any} m @param {number} x @param {number} y @param {Map<string, number[]>} placed */
  drawShip(n, m, x, y, placed) {
    const C = this.cols, SHIP_W = C * CELL_W + 24;
    const slots = Math.max(n.pods.length, Math.min(n.capacity || C, MAX_SLOTS));
    const rows = Math.ceil(slots / C);
    const h = SHIP_HEAD + rows * CELL_H + HULL_H;
    const r = this.rec(n.uid, "ship", (g) => {
      const title = el("text", { class: "cv-ship__name", x: 6, y: 16 }, g);
      const sub = el("text", { class: "cv-ship__sub", x: 6, y: 34 }, g);
      const sign = el("g", { class: "cv-ship__sign" }, g);
      el("rect", { width: 112, height: 22, rx: 3 }, sign);
      const signText = el("text", { x: 56, y: 15 }, sign);
      const deck = el("g", { class: "cv-ship__deck" }, g);
      const hull = el("g", { class: "cv-ship__hull" }, g);
      const sink = el("g", { class: "cv-ship__sink" }, hull);
      const hullPath = el("path", { class: "cv-ship__hullshape" }, sink);
      const gauges = ["cpu", "memory"].map((k, i) => {
        const gy = 22 + i * 20;
        const label = el("text", { class: "cv-gauge__label", x: 30, y: gy + 4 }, sink);
        const track = el("rect", { class: "cv-gauge__track", x: 86, y: gy - 5, width: 0, height: 9, rx: 4.5 }, sink);
        const bar = el("rect", { class: `cv-gauge__bar cv-gauge__bar--${k}`, x: 86, y: gy - 5, width: 0, height: 9, rx: 4.5 }, sink);
        const value = el("text", { class: "cv-gauge__value", y: gy + 4 }, sink);
        return { label, track, bar, value };
      });
      return { title, sub, sign, signText, deck, hull, hullPath, gauges };
    }, this.layers.places);
    move(r, x, y);
    const L = this.L;
    const down = n.ready !== "True";
    put(r, "state", `${down}|${n.cordoned}`, () => {
      r.el.classList.toggle("cv-ship--down", down);
      r.el.classList.toggle("cv-ship--closed", n.cordoned);
      r.v.sel = undefined;
    });
    text(r, "title", r.parts.title, n.name);
    const health = down ? L.down : L.up;
    text(r, "sub", r.parts.sub, [L.ship, health, n.zone].filter(Boolean).join(" · "));
    text(r, "sign", r.parts.signText, L.closed);
    const trackW = SHIP_W - 86 - 104;
    put(r, "slots", `${rows * C}/${C}`, () => {
      const count = rows * C;
      r.parts.sign.setAttribute("transform", `translate(${SHIP_W - 114} 4)`);
      for (const gp of r.parts.gauges) {
        gp.track.setAttribute("width", String(trackW));
        gp.value.setAttribute("x", String(86 + trackW + 8));
      }
      r.parts.deck.replaceChildren();
      for (let i = 0; i < count; i++) el("rect", { class: "cv-slot", x: 9 + (i % C) * CELL_W, y: SHIP_HEAD + Math.floor(i / C) * CELL_H, width: BOX_W, height: BOX_H, rx: 4 }, r.parts.deck);
      const top = SHIP_HEAD + rows * CELL_H;
      r.parts.hull.setAttribute("transform", `translate(0 ${top})`);
      r.parts.hullPath.setAttribute("d", `M0 0H${SHIP_W}L${SHIP_W - 26} ${HULL_H - 8}H26Z`);
    });
    const ui = this.UI;
    const gaugeText = [
      [n.usedCpu, n.cpu, `${+(n.usedCpu / 1000).toFixed(2)} / ${+(n.cpu / 1000).toFixed(2)}`],
      [n.usedMemory, n.memory, `${gib(n.usedMemory)} / ${gib(n.memory)} Gi`],
    ];
    r.parts.gauges.forEach((/** @type {any} */ gp, /** @type {number} */ i) => {
      const [used, total, label] = gaugeText[i];
      const ratio = total ? Math.min(1, used / total) : 0;
      text(r, `gl${i}`, gp.label, i ? L.memory : L.cpu);
      text(r, `gv${i}`, gp.value, label);
      put(r, `gw${i}`, Math.round(ratio * trackW), (w) => gp.bar.setAttribute("width", w));
      put(r, `gh${i}`, ratio > 0.85, (hot) => gp.bar.classList.toggle("is-hot", hot));
    });
    n.pods.forEach((/** @type {string} */ uid) => {
      const i = this.slotOf(n.name, uid);
      placed.set(uid, [x + 9 + (i % C) * CELL_W, y + SHIP_HEAD + Math.floor(i / C) * CELL_H]);
    });
    const free = Math.max(0, n.capacity - n.pods.length);
    const label = `${L.ship} ${n.name}: ${health}${n.cordoned ? `, ${L.closed}` : ""}, ${n.pods.length}/${n.capacity} ${L.pod}, ${free} ${L.slots}`;
    this.selectable(r, { kind: "Node", namespace: "", name: n.name, uid: n.uid }, label, [
      `${L.ship} ${n.name}${n.zone ? ` · ${n.zone}` : ""}`, `${health}${n.cordoned ? ` · ${L.closed}` : ""}`,
      `${n.pods.length}/${n.capacity} ${L.pod} · ${free} ${L.slots}`,
      `${L.cpu} ${gaugeText[0][2]} · ${L.memory} ${gaugeText[1][2]} ${ui.requested}`,
    ]);
    r.fresh = false;
    return h;
  }

  /** @param {any} o @param {number} x @param {number} y */
  drawOrder(o, x, y) {
    const r = this.rec(o.uid, "order", (g) => {
      el("rect", { class: "cv-order__card", width: CARD_W, height: CARD_H, rx: 10 }, g);
      const band = el("rect", { class: "cv-order__band", width: 6, height: CARD_H - 16, x: 0, y: 8, rx: 3 }, g);
      const title = el("text", { class: "cv-title", x: 16, y: 22 }, g);
      const counts = el("text", { class: "cv-order__counts", x: 16, y: 42 }, g);
      el("rect", { class: "cv-order__track", x: 16, y: 52, width: CARD_W - 32, height: 7, rx: 3.5 }, g);
      const bar = el("rect", { class: "cv-order__bar", x: 16, y: 52, width: 0, height: 7, rx: 3.5 }, g);
      const revs = el("text", { class: "cv-order__revs", x: 16, y: 80 }, g);
      return { band, title, counts, bar, revs };
    }, this.layers.places);
    move(r, x, y);
    const L = this.L;
    const kind = o.kind === "Deployment" ? L.order : L.batch;
    put(r, "band", o.uid, (u) => (r.parts.band.style.fill = hue(u)));
    r.el.dataset.group = o.uid;
    text(r, "title", r.parts.title, clip(`${kind} · ${o.name}`, 30));
    const counts = `${L.want} ${o.desired} · ${L.ready} ${o.ready}${o.revision ? ` · ${L.rev} ${o.revision}` : ""}`;
    text(r, "counts", r.parts.counts, counts);
    put(r, "bar", Math.round((CARD_W - 32) * Math.min(1, o.desired ? o.ready / o.desired : 0)), (w) => r.parts.bar.setAttribute("width", w));
    const revs = o.revisions.map((/** @type {any} */ v) => `${L.rev} ${v.revision || "?"}: ${v.replicas}`).join("  →  ");
    text(r, "revs", r.parts.revs, clip(revs, 34));
    put(r, "rolling", o.rolling, (v) => r.el.classList.toggle("cv-order--rolling", v));
    this.selectable(r, { kind: o.kind, namespace: o.namespace, name: o.name, uid: o.uid }, `${kind} ${o.name}: ${counts}${o.rolling ? `; ${revs}` : ""}`, [`${kind} ${o.namespace}/${o.name}`, counts, revs]);
    r.fresh = false;
  }

  /** @param {any} s @param {number} x @param {number} y */
  drawGate(s, x, y) {
    const r = this.rec(s.uid, "gate", (g) => {
      el("path", { class: "cv-gate__pillar", d: `M18 48V${QUAY_H - 8}M${GATE_W - 18} 48V${QUAY_H - 8}` }, g);
      el("rect", { class: "cv-gate__arch", x: 4, y: 4, width: GATE_W - 8, height: 46, rx: 8 }, g);
      const title = el("text", { class: "cv-title", x: 14, y: 22 }, g);
      const addr = el("text", { class: "cv-gate__addr", x: 14, y: 40 }, g);
      return { title, addr };
    }, this.layers.places);
    move(r, x, y);
    const L = this.L;
    const ready = s.links.filter((/** @type {any} */ l) => l[1]).length;
    text(r, "title", r.parts.title, clip(`${L.gate} · ${s.name}`, 26));
    text(r, "addr", r.parts.addr, clip(`${s.address} · ${ready}/${s.links.length} ${L.ready}`, 32));
    this.selectable(r, { kind: "Service", namespace: s.namespace, name: s.name, uid: s.uid }, `${L.gate} ${s.name} ${s.address}: ${ready}/${s.links.length} ${L.ready}`, [`${L.gate} ${s.namespace}/${s.name} (${s.type})`, `${s.address} · ${ready}/${s.links.length} ${L.ready}`]);
    r.fresh = false;
  }

  /** @param {any} e @param {number} x @param {number} y */
  drawEnvelope(e, x, y) {
    const r = this.rec(e.uid, "envelope", (g) => {
      el("rect", { class: "cv-envelope__paper", x: 8, y: 8, width: 40, height: 28, rx: 3 }, g);
      el("path", { class: "cv-envelope__flap", d: "M9 10l19 14 19-14" }, g);
      el("circle", { class: "cv-envelope__seal", cx: 28, cy: 24, r: 5 }, g);
      const title = el("text", { class: "cv-envelope__name", x: 56, y: 22 }, g);
      const sub = el("text", { class: "cv-envelope__sub", x: 56, y: 38 }, g);
      return { title, sub };
    }, this.layers.places);
    move(r, x, y + 8);
    r.el.classList.toggle("cv-envelope--sealed", e.kind === "Secret");
    const L = this.L;
    text(r, "title", r.parts.title, clip(e.name, 12));
    text(r, "sub", r.parts.sub, clip(`${L[e.kind]} · ${e.users.length} ${L.users}`, 22));
    this.selectable(r, { kind: e.kind, namespace: e.namespace, name: e.name, uid: e.uid }, `${L[e.kind]} ${e.name}, ${e.users.length} ${L.users}`, [`${L[e.kind]} ${e.namespace}/${e.name}`, `${e.users.length} ${L.users}`]);
    r.fresh = false;
  }

  /** @param {string} id @param {number[]|undefined} from @param {number[]|undefined} to @param {string} kind */
  drawLink(id, from, to, kind) {
    if (!from || !to) return;
    const r = this.rec(id, "link", (g) => ({ path: el("path", { class: "cv-link__path" }, g) }), this.layers.links);
    put(r, "kind", kind, (k) => r.el.setAttribute("class", `cv-link cv-link--${k}`));
    const [x1, y1] = from;
    const [x2, y2] = [to[0] + BOX_W / 2, to[1]];
    const d = `M${x1} ${y1}C${x1} ${y1 + 70} ${x2} ${y2 - 70} ${x2} ${y2}`;
    put(r, "d", d, (v) => {
      r.parts.path.setAttribute("d", v);
      r.parts.path.style.d = `path("${v}")`;
    });
    r.fresh = false;
  }

  /** Remove elements whose objects are gone (pods fade out first). @param {any} m */
  sweep(m) {
    for (const [id, r] of this.recs) {
      if (r.gen === this.gen) continue;
      this.recs.delete(id);
      if (r.kind === "pod") {
        this.slots.get(this.where.get(id) || "")?.delete(id);
        this.where.delete(id);
      }
      if (r.kind === "pod" && !this.motion.matches) {
        r.el.classList.add("pod--gone");
        r.el.removeAttribute("tabindex");
        setTimeout(() => r.el.remove(), 450);
      } else r.el.remove();
    }
    if (this.selected && !this.info.has(this.selected)) this.selected = "";
    for (const [host, map] of this.slots) if (host && !m.nodes.some((/** @type {any} */ n) => n.name === host) && !map.size) this.slots.delete(host);
  }

  flashDispatcher() {
    const d = this.recs.get("dispatcher");
    if (!d || this.motion.matches) return;
    d.el.classList.remove("is-busy");
    requestAnimationFrame(() => d.el.classList.add("is-busy"));
    clearTimeout(this.busyTimer);
    this.busyTimer = setTimeout(() => d.el.classList.remove("is-busy"), 1200);
  }

  /** @param {Element|null} target */
  activate(target) {
    const node = target && target.closest("[data-id]");
    const id = node && node.getAttribute("data-id");
    const meta = id && this.info.get(id);
    if (!meta) return;
    this.selected = id;
    for (const r of this.recs.values()) if (r.v.sel !== undefined) put(r, "sel", r.el === node, (v) => {
      r.el.classList.toggle("is-selected", v);
      r.el.setAttribute("aria-pressed", String(v));
    });
    const { kind, namespace, name, uid } = meta;
    this.root.dispatchEvent(new CustomEvent("cluster:select", { bubbles: true, detail: { kind, namespace, name, uid } }));
  }

  /** Tooltip and group highlight for the object under the pointer or focus. */
  hover(/** @type {Element|null} */ target, /** @type {PointerEvent=} */ event) {
    const node = target && target.closest("[data-id]");
    const meta = node && this.info.get(node.getAttribute("data-id") || "");
    const group = node && /** @type {SVGElement} */ (node).dataset.group;
    this.svg.querySelectorAll(".is-group").forEach((g) => g.classList.remove("is-group"));
    this.svg.classList.toggle("has-group", Boolean(group));
    if (group) this.svg.querySelectorAll(`[data-group="${CSS.escape(group)}"]`).forEach((g) => g.classList.add("is-group"));
    if (!meta) {
      this.tip.hidden = true;
      return;
    }
    this.tip.replaceChildren(...meta.tip.filter(Boolean).map((/** @type {string} */ line, /** @type {number} */ i) => {
      const div = document.createElement("div");
      div.className = i ? "cluster-view__tip-line" : "cluster-view__tip-title";
      div.textContent = line;
      return div;
    }));
    const box = this.stage.getBoundingClientRect();
    const at = event ? [event.clientX, event.clientY] : (() => {
      const b = /** @type {Element} */ (node).getBoundingClientRect();
      return [b.left + b.width / 2, b.bottom];
    })();
    this.tip.style.left = `${Math.min(at[0] - box.left + 12, box.width - 280)}px`;
    this.tip.style.top = `${at[1] - box.top + 14}px`;
    this.tip.hidden = false;
  }

  /** Requests sent through Services: a packet flies from the gate to the pod that answered. */
  traffic(/** @type {any} */ msg) {
    if (this.motion.matches) return;
    const room = Math.max(0, 24 - this.packets.length); // a burst shows as a stream, never a flood
    (msg.requests || []).slice(0, room).forEach((/** @type {any} */ req, /** @type {number} */ i) => {
      const ns = req.namespace || "default";
      const find = (/** @type {string} */ kind, /** @type {string} */ name) =>
        [...this.info.values()].find((o) => o.kind === kind && o.name === name && o.namespace === ns);
      const gate = find("Service", req.service);
      const pod = req.pod ? find("Pod", req.pod) : null;
      const svc = gate && this.recs.get(gate.uid);
      if (!svc) return;
      const [sx, sy] = svc.v.xy.split(",").map(Number);
      const target = pod ? this.recs.get(pod.uid) : null;
      const [tx, ty] = target ? target.v.xy.split(",").map(Number) : [sx, sy + 20];
      const from = [sx + GATE_W / 2, sy + 50];
      const dot = el("circle", { class: `cv-packet${req.ok === false ? " cv-packet--refused" : ""}`, r: 5, cx: from[0], cy: from[1], opacity: 0 }, this.layers.packets);
      this.packets.push({ dot, from, to: [tx + (target ? BOX_W / 2 : GATE_W / 2), ty], start: performance.now() + i * 70 });
    });
    if (this.packets.length && !this.flying) this.fly();
  }

  fly() {
    this.flying = requestAnimationFrame((now) => {
      this.packets = this.packets.filter((p) => {
        const t = Math.max(0, Math.min(1, (now - p.start) / 700));
        const e = t * t * (3 - 2 * t);
        if (now >= p.start) p.dot.setAttribute("opacity", "1");
        p.dot.setAttribute("cx", String(p.from[0] + (p.to[0] - p.from[0]) * e));
        p.dot.setAttribute("cy", String(p.from[1] + (p.to[1] - p.from[1]) * e));
        if (t >= 1) p.dot.remove();
        return t < 1;
      });
      this.flying = 0;
      if (this.packets.length) this.fly();
    });
  }

  destroy() {
    if (this.connection) this.connection.close();
    this.resizer.disconnect();
    cancelAnimationFrame(this.frame);
  }
}

/** Mount every `.cluster-view` under `scope` that is not mounted yet. @param {ParentNode} scope */
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
document.addEventListener("htmx:load", (e) => mountAll(/** @type {any} */ (e).detail.elt.parentNode || document));
document.addEventListener("htmx:beforeCleanupElement", (e) => {
  const root = /** @type {any} */ (e).detail.elt;
  if (root && root.clusterView) root.clusterView.destroy();
});
