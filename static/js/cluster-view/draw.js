// @ts-check
/**
 * Drawing the picture: words, icons, the yard, dispatcher, orders, gates, envelopes, ships,
 * links, packets and containers. Each object is a record {el, v, parts} keyed by uid; `put`
 * writes only changed values; nothing here reads layout; motion is transform/opacity only.
 */

const NS = "http://www.w3.org/2000/svg";
export const PAD = 16, GAP = 22, CELL_W = 64, CELL_H = 50, BOX_W = 58, BOX_H = 40, SHIP_HEAD = 46, HULL_H = 66;
export const MAX_SLOTS = 24, YARD_COLS = 4, YARD_W = YARD_COLS * CELL_W + 24, CARD_W = 236, CARD_H = 100;
export const GATE_W = 196, ENV_W = 176, QUAY_H = 74;
const HUES = ["#7c3aed", "#0d9488", "#d97706", "#2563eb", "#db2777", "#65a30d", "#0891b2", "#9333ea"];
const MAX_PACKETS = 16; // a burst shows as a stream, never a flood
export const CATEGORIES = ["running", "notready", "creating", "pending", "crashloop", "imagepull", "configerror",
  "terminating", "completed", "failed", "unknown"];

/** Every label, by language and vocabulary (metaphor or Kubernetes terms). */
export const LABELS = {
  en: {
    metaphor: { yard: "Waiting yard", dispatcher: "Dispatcher", ship: "Ship", order: "Shipping order",
      batch: "Batch", gate: "Port gate", ConfigMap: "Envelope", Secret: "Sealed envelope", pod: "Container",
      closed: "Closed", yardEmpty: "empty — every container has a ship", up: "afloat", down: "lost contact", want: "want", ready: "ready",
      rev: "rev", slots: "free slots", cpu: "CPU", memory: "Memory", users: "readers",
      status: { running: "Working", notready: "Not ready", creating: "Craning", pending: "Waiting",
        crashloop: "Crash loop", imagepull: "No cargo", configerror: "Bad papers", terminating: "Unloading",
        completed: "Delivered", failed: "Failed", unknown: "Unknown" } },
    k8s: { yard: "Pending pods", yardEmpty: "no unscheduled pods", dispatcher: "Scheduler", ship: "Node", order: "Deployment", batch: "ReplicaSet",
      gate: "Service", ConfigMap: "ConfigMap", Secret: "Secret", pod: "Pod", closed: "SchedulingDisabled",
      up: "Ready", down: "NotReady", want: "replicas", ready: "ready", rev: "revision",
      slots: "pods free", cpu: "cpu", memory: "memory", users: "pods" },
    ui: { metaphor: "Metaphor", k8s: "Kubernetes terms", vocab: "Labels", live: "Live", connecting: "Connecting…",
      reconnecting: "Reconnecting…", offline: "Connection lost — retrying in {s} s", noSandbox: "No sandbox connected",
      picture: "Live cluster picture", legend: "What the colours and icons mean", restarts: "restarts",
      on: "on", requested: "requested (100m / 200Mi when a container asks nothing)" },
  },
  zh: {
    metaphor: { yard: "堆场", dispatcher: "调度员", ship: "货轮", order: "货运订单", batch: "批次", gate: "港口闸门",
      ConfigMap: "信封", Secret: "密封信封", pod: "集装箱", closed: "停止接货", yardEmpty: "空：每个集装箱都已上船", up: "航行中", down: "失联",
      want: "期望", ready: "就绪", rev: "版本", slots: "空位", cpu: "CPU", memory: "内存", users: "使用者",
      status: { running: "运行中", notready: "未就绪", creating: "吊装中", pending: "等待派送", crashloop: "反复崩溃",
        imagepull: "取货失败", configerror: "单据有误", terminating: "卸货中", completed: "已送达", failed: "失败",
        unknown: "未知" } },
    k8s: { yard: "Pending Pod", yardEmpty: "没有未调度的 Pod", dispatcher: "Scheduler", ship: "Node", order: "Deployment", batch: "ReplicaSet",
      gate: "Service", ConfigMap: "ConfigMap", Secret: "Secret", pod: "Pod", closed: "SchedulingDisabled",
      up: "Ready", down: "NotReady", want: "副本", ready: "就绪", rev: "revision", slots: "可用 Pod 位",
      cpu: "cpu", memory: "memory", users: "Pod" },
    ui: { metaphor: "物流隐喻", k8s: "Kubernetes 术语", vocab: "标签", live: "实时", connecting: "连接中…",
      reconnecting: "重新连接中…", offline: "连接断开，{s} 秒后重试", noSandbox: "未连接沙盒", picture: "集群实时图",
      legend: "颜色和图标的含义", restarts: "次重启", on: "位于",
      requested: "已申请（容器未声明时按 100m / 200Mi 计）" },
  },
};

/** Icons, so colour is never the only signal, in a container's coordinates (no transform). */
export const ICONS = {
  running: "M5.4 10.9l2.4 2.4 5.7-5.7", notready: "M9.5 6a4.5 4.5 0 1 0 0 8.9M9.5 8.1v2.6l1.6 1.1",
  creating: "M9.5 4.8v4.9M7.1 9.7h4.9M9.5 9.7v2a1.6 1.6 0 1 1-1.6 1.6",
  pending: "M9.5 6a4.5 4.5 0 1 1 0 8.9a4.5 4.5 0 0 1 0-8.9M9.5 8.1v2.8l2 1.2",
  crashloop: "M13.6 10.5a4.1 4.1 0 1 1-1.2-2.9M13.6 5.6v2.4h-2.4",
  imagepull: "M9.5 5.6v6.5M6.7 9.3L9.5 12.1l2.8-2.8M5.4 14.6h8.1M5.4 6.4l8.1 8.1",
  configerror: "M6.2 5.6h4.9l2.4 2.4v7.3H6.2zM8.7 9.7l3.2 3.2M11.9 9.7l-3.2 3.2",
  terminating: "M9.5 5.6v7.3M6.7 10.1L9.5 12.9l2.8-2.8M5.4 15.4h8.1",
  completed: "M4.2 10.9l2.4 2.4 4.9-4.9M8.7 13.3l5.7-5.7", failed: "M6.2 7.2l6.5 6.5M12.8 7.2l-6.5 6.5",
  unknown: "M7.9 8.9a1.6 1.6 0 1 1 2.4 1.4c-.6 .3-.8 .8-.8 1.5M9.5 13.8v.4",
};
const K8S_WORDS = { running: "Running", notready: "Running (0/1)", creating: "ContainerCreating", pending: "Pending",
  crashloop: "CrashLoopBackOff", imagepull: "ImagePullBackOff", configerror: "CreateContainerConfigError",
  terminating: "Terminating", completed: "Completed", failed: "Error", unknown: "Unknown" };

/** A container's word for its status: the metaphor's, or kubectl's reason. */
export const statusWord = (v, cat, reason) =>
  v.vocab === "metaphor" ? LABELS[v.lang].metaphor.status[cat] : reason || K8S_WORDS[cat] || cat;

export function el(tag, attrs = {}, parent) {
  const node = document.createElementNS(NS, tag);
  for (const k in attrs) node.setAttribute(k, String(attrs[k]));
  if (parent) parent.appendChild(node);
  return node;
}
/** Write only when the value changed: the one rule that keeps 200 animating boxes cheap. */
export function put(r, key, value, apply) {
  if (r.v[key] !== value) apply((r.v[key] = value));
}
export const text = (r, key, node, value) => put(r, key, value, (s) => (node.textContent = s));
export function move(r, x, y) {
  r.x = x;
  r.y = y;
  put(r, "xy", `${x},${y}`, () => (r.el.style.transform = `translate(${x}px, ${y}px)`));
}
export const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
export function hue(key) {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return HUES[h % HUES.length];
}
const gib = (b) => `${+(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)}`;

/** Make a record an accessible, selectable object. */
export function selectable(v, r, meta, label, tip) {
  v.info.set(meta.uid, { ...meta, tip });
  put(r, "button", true, () => {
    r.el.setAttribute("tabindex", "0");
    r.el.setAttribute("role", "button");
  });
  put(r, "aria", label, (s) => r.el.setAttribute("aria-label", s));
  put(r, "sel", meta.uid === v.selected, (on) => mark(r, on));
}
export function mark(r, on) {
  r.el.classList.toggle("is-selected", on);
  r.el.setAttribute("aria-pressed", String(on));
}

export function drawYard(v, yard) {
  const r = v.rec("yard", "yard", (g) => ({
    box: el("rect", { class: "cv-yard__box", rx: 10, width: YARD_W }, g), title: el("text", { class: "cv-title", x: 12, y: 20 }, g),
    empty: el("text", { class: "cv-yard__empty", x: YARD_W / 2, y: 60 }, g), notes: el("g", { class: "cv-yard__notes" }, g),
  }));
  move(r, yard.x, yard.y);
  const L = v.L;
  put(r, "h", yard.h, (h) => r.parts.box.setAttribute("height", h));
  text(r, "title", r.parts.title, `${L.yard} · ${yard.count}`);
  text(r, "empty", r.parts.empty, yard.count ? "" : L.yardEmpty);
  put(r, "notes", `${yard.rows}|${yard.reasons.join("\n")}`, () => {
    r.parts.notes.replaceChildren();
    yard.reasons.forEach((reason, i) => {
      el("text", { class: "cv-yard__note", x: 12, y: 46 + yard.rows * CELL_H + i * 17 }, r.parts.notes).textContent = "⚠ " + clip(reason, 46);
    });
  });
}

export function drawDispatcher(v, at) {
  const r = v.rec("dispatcher", "dispatcher", (g) => {
    el("circle", { class: "cv-dispatcher__head", cx: 40, cy: 22, r: 10 }, g);
    el("path", { class: "cv-dispatcher__body", d: "M22 62q0-26 18-26t18 26zM56 44l16-12" }, g);
    return { label: el("text", { class: "cv-dispatcher__label", x: 40, y: 80 }, g) };
  });
  move(r, at.x, at.y);
  text(r, "label", r.parts.label, v.L.dispatcher);
}

export function drawOrder(v, { o, x, y }) {
  const r = v.rec(o.uid, "order", (g) => {
    el("rect", { class: "cv-order__card", width: CARD_W, height: CARD_H, rx: 10 }, g);
    const band = el("rect", { class: "cv-order__band", width: 6, height: CARD_H - 16, x: 0, y: 8, rx: 3 }, g);
    const title = el("text", { class: "cv-title", x: 16, y: 22 }, g);
    const counts = el("text", { class: "cv-order__counts", x: 16, y: 42 }, g);
    el("rect", { class: "cv-order__track", x: 16, y: 52, width: CARD_W - 32, height: 7, rx: 3.5 }, g);
    const bar = el("rect", { class: "cv-order__bar", x: 16, y: 52, width: CARD_W - 32, height: 7, rx: 3.5 }, g);
    return { band, title, counts, bar, revs: el("text", { class: "cv-order__revs", x: 16, y: 80 }, g) };
  });
  move(r, x, y);
  const L = v.L;
  const kind = o.kind === "Deployment" ? L.order : L.batch;
  put(r, "band", o.uid, (u) => {
    r.parts.band.style.fill = hue(u);
    r.el.dataset.group = u;
  });
  text(r, "title", r.parts.title, clip(`${kind} · ${o.name}`, 30));
  const counts = `${L.want} ${o.desired} · ${L.ready} ${o.ready}${o.revision ? ` · ${L.rev} ${o.revision}` : ""}`;
  text(r, "counts", r.parts.counts, counts);
  put(r, "bar", +Math.min(1, o.desired ? o.ready / o.desired : 0).toFixed(3), (k) => (r.parts.bar.style.transform = `scaleX(${k})`));
  const revs = o.revisions.map((rv) => `${L.rev} ${rv.revision || "?"}: ${rv.replicas}`).join("  →  ");
  text(r, "revs", r.parts.revs, clip(revs, 34));
  put(r, "rolling", o.rolling, (on) => r.el.classList.toggle("cv-order--rolling", on));
  selectable(v, r, { kind: o.kind, namespace: o.namespace, name: o.name, uid: o.uid },
    `${kind} ${o.name}: ${counts}${o.rolling ? `; ${revs}` : ""}`, [`${kind} ${o.namespace}/${o.name}`, counts, revs]);
}

export function drawGate(v, { s, x, y }) {
  const r = v.rec(s.uid, "gate", (g) => {
    el("path", { class: "cv-gate__pillar", d: `M18 48V${QUAY_H - 8}M${GATE_W - 18} 48V${QUAY_H - 8}` }, g);
    el("rect", { class: "cv-gate__arch", x: 4, y: 4, width: GATE_W - 8, height: 46, rx: 8 }, g);
    return { title: el("text", { class: "cv-title", x: 14, y: 22 }, g), addr: el("text", { class: "cv-gate__addr", x: 14, y: 40 }, g) };
  });
  move(r, x, y);
  const L = v.L;
  const state = `${s.links.filter((l) => l[1]).length}/${s.links.length} ${L.ready}`;
  text(r, "title", r.parts.title, clip(`${L.gate} · ${s.name}`, 26));
  text(r, "addr", r.parts.addr, clip(`${s.address} · ${state}`, 32));
  selectable(v, r, { kind: "Service", namespace: s.namespace, name: s.name, uid: s.uid }, `${L.gate} ${s.name} ${s.address}: ${state}`,
    [`${L.gate} ${s.namespace}/${s.name} (${s.type})`, `${s.address} · ${state}`]);
}

export function drawEnvelope(v, { e, x, y }) {
  const r = v.rec(e.uid, "envelope", (g) => {
    el("rect", { class: "cv-envelope__paper", x: 8, y: 8, width: 40, height: 28, rx: 3 }, g);
    el("path", { class: "cv-envelope__flap", d: "M9 10l19 14 19-14" }, g);
    el("circle", { class: "cv-envelope__seal", cx: 28, cy: 24, r: 5 }, g);
    return { title: el("text", { class: "cv-envelope__name", x: 56, y: 22 }, g), sub: el("text", { class: "cv-envelope__sub", x: 56, y: 38 }, g) };
  });
  move(r, x, y + 8);
  put(r, "sealed", e.kind === "Secret", (on) => r.el.classList.toggle("cv-envelope--sealed", on));
  const L = v.L;
  const users = `${e.users.length} ${L.users}`;
  text(r, "title", r.parts.title, clip(e.name, 12));
  text(r, "sub", r.parts.sub, clip(`${L[e.kind]} · ${users}`, 22));
  selectable(v, r, { kind: e.kind, namespace: e.namespace, name: e.name, uid: e.uid }, `${L[e.kind]} ${e.name}, ${users}`,
    [`${L[e.kind]} ${e.namespace}/${e.name}`, users]);
}

/** C is the number of slots in a deck row. */
export function drawShip(v, { n, x, y, rows }, C) {
  const W = C * CELL_W + 24;
  const r = v.rec(n.uid, "ship", (g) => {
    const title = el("text", { class: "cv-ship__name", x: 6, y: 16 }, g);
    const sub = el("text", { class: "cv-ship__sub", x: 6, y: 34 }, g);
    const sign = el("g", { class: "cv-ship__sign" }, g);
    el("rect", { width: 112, height: 22, rx: 3 }, sign);
    const signText = el("text", { x: 56, y: 15 }, sign);
    const deck = el("g", { class: "cv-ship__deck" }, g);
    const hull = el("g", { class: "cv-ship__hull" }, g);
    const sink = el("g", { class: "cv-ship__sink" }, hull);
    const hullPath = el("path", { class: "cv-ship__hullshape" }, sink);
    const gauges = ["cpu", "memory"].map((k, i) => ({
      label: el("text", { class: "cv-gauge__label", x: 30, y: 26 + i * 20 }, sink),
      track: el("rect", { class: "cv-gauge__track", x: 86, y: 17 + i * 20, height: 9, rx: 4.5 }, sink),
      bar: el("rect", { class: `cv-gauge__bar cv-gauge__bar--${k}`, x: 86, y: 17 + i * 20, height: 9, rx: 4.5 }, sink),
      value: el("text", { class: "cv-gauge__value", y: 26 + i * 20 }, sink),
    }));
    return { title, sub, signText, sign, deck, hull, hullPath, gauges };
  });
  move(r, x, y);
  const L = v.L;
  const down = n.ready !== "True";
  put(r, "down", down, (on) => r.el.classList.toggle("cv-ship--down", on));
  put(r, "closed", n.cordoned, (on) => r.el.classList.toggle("cv-ship--closed", on));
  const health = down ? L.down : L.up;
  text(r, "title", r.parts.title, n.name);
  text(r, "sub", r.parts.sub, [L.ship, health, n.zone].filter(Boolean).join(" · "));
  text(r, "sign", r.parts.signText, L.closed);
  const trackW = W - 190;
  put(r, "slots", `${rows * C}/${C}`, () => {
    r.parts.sign.setAttribute("transform", `translate(${W - 114} 4)`);
    for (const gp of r.parts.gauges) {
      gp.track.setAttribute("width", trackW);
      gp.bar.setAttribute("width", trackW);
      gp.value.setAttribute("x", 94 + trackW);
    }
    const deck = document.createDocumentFragment();
    for (let i = 0; i < rows * C; i++)
      el("rect", { class: "cv-slot", x: 9 + (i % C) * CELL_W, y: SHIP_HEAD + Math.floor(i / C) * CELL_H, width: BOX_W, height: BOX_H, rx: 4 }, deck);
    r.parts.deck.replaceChildren(deck);
    r.parts.hull.setAttribute("transform", `translate(0 ${SHIP_HEAD + rows * CELL_H})`);
    r.parts.hullPath.setAttribute("d", `M0 0H${W}L${W - 26} ${HULL_H - 8}H26Z`);
  });
  const gauges = [
    [n.usedCpu, n.cpu, `${+(n.usedCpu / 1000).toFixed(2)} / ${+(n.cpu / 1000).toFixed(2)}`],
    [n.usedMemory, n.memory, `${gib(n.usedMemory)} / ${gib(n.memory)} Gi`],
  ];
  r.parts.gauges.forEach((gp, i) => {
    const [used, total, label] = gauges[i];
    const ratio = total ? Math.min(1, used / total) : 0;
    text(r, `gl${i}`, gp.label, i ? L.memory : L.cpu);
    text(r, `gv${i}`, gp.value, label);
    put(r, `gw${i}`, +ratio.toFixed(3), (k) => (gp.bar.style.transform = `scaleX(${k})`)); // bars grow by a transform
    put(r, `gh${i}`, ratio > 0.85, (hot) => gp.bar.classList.toggle("is-hot", hot));
  });
  const free = Math.max(0, n.capacity - n.pods.length);
  const load = `${n.pods.length}/${n.capacity} ${L.pod}`;
  selectable(v, r, { kind: "Node", namespace: "", name: n.name, uid: n.uid },
    `${L.ship} ${n.name}: ${health}${n.cordoned ? `, ${L.closed}` : ""}, ${load}, ${free} ${L.slots}`, [
      `${L.ship} ${n.name}${n.zone ? ` · ${n.zone}` : ""}`, `${health}${n.cordoned ? ` · ${L.closed}` : ""}`,
      `${load} · ${free} ${L.slots}`, `${L.cpu} ${gauges[0][2]} · ${L.memory} ${gauges[1][2]} ${v.UI.requested}`,
    ]);
}

/** No transition: a morphing path would be repainted every frame. */
export function drawLink(v, id, from, to, kind) {
  if (!from || !to) return;
  const r = v.rec(id, "link", (g) => ({ path: el("path", { class: "cv-link__path" }, g) }), "links");
  put(r, "kind", kind, (k) => r.el.setAttribute("class", `cv-link cv-link--${k}`));
  const [x1, y1, x2, y2] = [...from, to[0] + BOX_W / 2, to[1]];
  put(r, "d", `M${x1} ${y1}C${x1} ${y1 + 70} ${x2} ${y2 - 70} ${x2} ${y2}`, (d) => r.parts.path.setAttribute("d", d));
}

/** A packet flies from the gate to the pod that answered each request. */
export function flyPackets(v, msg) {
  if (v.motion.matches || !v.model) return;
  (msg.requests || []).slice(0, Math.max(0, MAX_PACKETS - v.packets)).forEach((req, i) => {
    const ns = req.namespace || "default";
    const gate = v.model.services.find((s) => s.name === req.service && s.namespace === ns);
    const svc = gate && v.recs.get(gate.uid);
    if (!svc) return;
    const pod = req.pod && v.model.podsByName.get(`${ns}/${req.pod}`);
    const target = pod && v.recs.get(pod.uid);
    const from = [svc.x + GATE_W / 2, svc.y + 50];
    const to = target ? [target.x + BOX_W / 2, target.y] : [from[0], from[1] + 20];
    const dot = el("circle", { class: `cv-packet${req.ok === false ? " cv-packet--refused" : ""}`, r: 5, cx: from[0], cy: from[1], opacity: 0 }, v.layers.packets);
    const flight = dot.animate([{ transform: "none", opacity: 1 }, { transform: `translate(${to[0] - from[0]}px, ${to[1] - from[1]}px)`, opacity: 1 }],
      { duration: 700, delay: i * 70, easing: "cubic-bezier(0.45, 0, 0.55, 1)" });
    v.packets += 1;
    flight.onfinish = flight.oncancel = () => {
      v.packets -= 1;
      dot.remove();
    };
  });
}

/* Containers (Pods). As a delta may touch them all: unchanged ones are skipped, they sit in
 * overlay SVGs of LAYER_PODS, and MAX_LIFTS crane lowerings play at once. */
const LAYER_PODS = 32, MAX_LIFTS = 6;

function podLayer(v) {
  let layer = v.podLayers.find((l) => l.count < LAYER_PODS);
  if (!layer) v.podLayers.push((layer = { g: el("g", { class: "cv-pods" }, v.overlay(true, v.podStage)), count: 0 }));
  layer.count += 1;
  return layer;
}

/** True when the pod's element already shows this info at this slot. */
export function isCurrent(v, p, [x, y], adrift) {
  const r = v.recs.get(p.uid);
  return Boolean(r) && r.info === p && r.x === x && r.y === y && r.v.adrift === adrift && r.v.group === p.group && r.epoch === v.epoch;
}

export function drawPod(v, p, [x, y], adrift) {
  let r = v.recs.get(p.uid);
  if (!r) {
    const layer = podLayer(v);
    r = v.rec(p.uid, "pod", (g) => {
      el("path", { class: "pod__crane", d: `M${BOX_W / 2} -16v14` }, g);
      const body = el("g", { class: "pod__body" }, g);
      el("rect", { class: "pod__box", width: BOX_W, height: BOX_H, rx: 4 }, body);
      const stripe = el("rect", { class: "pod__stripe", x: 4, y: -4, width: 18, height: 5, rx: 1.5 }, body);
      const icon = el("path", { class: "pod__icon" }, body);
      const name = el("text", { class: "pod__name", x: 18, y: 15 }, body);
      const word = el("text", { class: "pod__status", x: 4, y: 32 }, body);
      const badge = el("g", { class: "pod__badge" }, g); // by coordinates: a transform would add a paint chunk
      el("circle", { r: 8, cx: BOX_W - 2, cy: 2 }, badge);
      return { stripe, icon, name, word, badge, count: el("text", { x: BOX_W - 2, y: 5.5 }, badge) };
    }, layer.g);
    r.layer = layer;
    if (!v.motion.matches) r.el.classList.add("pod--new");
  }
  r.info = p;
  r.epoch = v.epoch;
  move(r, x, y);
  const old = r.v.cat;
  put(r, "cat", p.cat, (c) => {
    if (old) r.el.classList.remove(`pod--${old}`);
    r.el.classList.add(`pod--${c}`);
    r.parts.icon.setAttribute("d", ICONS[c] || ICONS.unknown);
    lift(v, r, p.uid, c === "creating");
  });
  put(r, "adrift", adrift, (on) => r.el.classList.toggle("pod--adrift", on));
  put(r, "group", p.group, (g) => {
    r.parts.stripe.style.fill = g ? hue(g) : "";
    r.el.dataset.group = g;
  });
  text(r, "name", r.parts.name, clip(p.name.split("-").length > 2 ? p.name.split("-").pop() : p.name, 8));
  const word = statusWord(v, p.cat, p.st.reason);
  text(r, "word", r.parts.word, clip(word, 11));
  put(r, "restarts", p.st.restarts, (n) => {
    r.parts.badge.style.display = n ? "" : "none";
    r.parts.count.textContent = n;
  });
  const ui = v.UI;
  const L = v.L;
  const st = p.st;
  const where = p.node ? `${ui.on} ${L.ship} ${p.node}` : L.yard;
  const label = `${L.pod} ${p.name}: ${word}${word !== st.reason ? ` (${st.reason})` : ""}, ${st.ready}/${st.total} ${L.ready}, ${st.restarts} ${ui.restarts}, ${where}`;
  const tip = [`${L.pod} ${p.namespace}/${p.name}`, `${st.reason} · ${st.ready}/${st.total} · ${st.restarts} ${ui.restarts}`, where];
  if (p.message) tip.push(p.message);
  selectable(v, r, { kind: "Pod", namespace: p.namespace, name: p.name, uid: p.uid }, label, tip);
}

/** cluster-view.js ends a lowering on animationend. */
function lift(v, r, uid, on) {
  if (on && !v.motion.matches && v.lifts.size < MAX_LIFTS) {
    v.lifts.add(uid);
    r.el.classList.add("pod--lift");
  } else if (v.lifts.delete(uid)) r.el.classList.remove("pod--lift");
}

export function removePod(v, r) {
  r.layer.count -= 1;
  v.lifts.delete(r.el.getAttribute("data-id"));
  if (v.motion.matches) return r.el.remove();
  r.el.classList.add("pod--gone");
  r.el.removeAttribute("tabindex");
  setTimeout(() => r.el.remove(), 450);
}
