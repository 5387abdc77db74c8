// @ts-check
/**
 * What the picture shows (`buildModel`) and where (`plan`). Pod readings are cached by object
 * identity (a delta brings new objects only for what it touched): an untouched pod keeps its
 * info object, so the drawing knows to skip it.
 */
import {
  controllerOf, nodeReady, objectKey, parseQuantity, podReferences, podRequests, podStatus, schedulingMessage,
  selectorMatches, statusCategory,
} from "../protocol.js";
import {
  CARD_H, CARD_W, CELL_H, CELL_W, ENV_W, GAP, GATE_W, HULL_H, MAX_SLOTS, PAD, QUAY_H, SHIP_HEAD, YARD_COLS, YARD_W,
} from "./draw.js";

const HIDDEN_SERVICES = new Set(["default/kubernetes"]);

const nameOf = (o) => String((o.metadata || {}).name || "");
const uidOf = (o) => String((o.metadata || {}).uid || objectKey(o));
const byName = (a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0);

const podInfos = new WeakMap();

/** Requests and references, cached by uid: Kubernetes never changes a pod's containers or volumes. */
function specOf(specs, pod, uid) {
  let spec = specs.get(uid);
  if (!spec) specs.set(uid, (spec = { refs: podReferences(pod), req: podRequests(pod) }));
  return spec;
}

function podInfo(pod, specs) {
  let info = podInfos.get(pod);
  if (!info) {
    const st = podStatus(pod);
    const phase = (pod.status || {}).phase;
    const uid = uidOf(pod);
    const node = String((pod.spec || {}).nodeName || "");
    const { refs, req } = specOf(specs, pod, uid);
    info = {
      obj: pod, uid, name: nameOf(pod), namespace: String(pod.metadata.namespace || ""), st,
      cat: statusCategory(pod, st), node, group: "", message: node ? "" : schedulingMessage(pod), refs,
      req: phase === "Succeeded" || phase === "Failed" ? null : req,
    };
    podInfos.set(pod, info);
  }
  return info;
}

export function buildModel(state, specs = new Map()) {
  const rsByName = new Map();
  for (const rs of state.list("ReplicaSet")) rsByName.set(`${rs.metadata.namespace}/${nameOf(rs)}`, rs);
  const nodes = state.list("Node").sort(byName).map((node) => {
    const alloc = (node.status || {}).allocatable || (node.status || {}).capacity || {};
    return {
      uid: uidOf(node), name: nameOf(node), ready: nodeReady(node),
      cordoned: Boolean((node.spec || {}).unschedulable),
      zone: ((node.metadata || {}).labels || {})["topology.kubernetes.io/zone"] || "",
      capacity: Number(parseQuantity(((node.status || {}).capacity || {}).pods)) || 0,
      cpu: parseQuantity(alloc.cpu) * 1000 || 0, memory: parseQuantity(alloc.memory) || 0,
      usedCpu: 0, usedMemory: 0, pods: [],
    };
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const pods = new Map();
  const podsByName = new Map();
  for (const pod of state.list("Pod").sort(byName)) {
    const info = podInfo(pod, specs);
    let owner = controllerOf(pod);
    if (owner && owner.kind === "ReplicaSet") {
      const rs = rsByName.get(`${info.namespace}/${owner.name}`);
      owner = (rs && controllerOf(rs)) || owner;
    }
    info.group = owner ? String(owner.uid || owner.name) : "";
    pods.set(info.uid, info);
    podsByName.set(`${info.namespace}/${info.name}`, info);
    const node = nodeByName.get(info.node);
    if (node) {
      node.pods.push(info.uid);
      if (info.req) {
        node.usedCpu += info.req.cpu;
        node.usedMemory += info.req.memory;
      }
    }
  }
  const orders = [];
  const rsList = state.list("ReplicaSet").sort(byName);
  for (const d of state.list("Deployment").sort(byName)) {
    const uid = uidOf(d);
    const owned = rsList.filter((rs) => (controllerOf(rs) || {}).uid === uid);
    orders.push(orderOf(d, owned));
  }
  for (const rs of rsList) if (!controllerOf(rs)) orders.push(orderOf(rs, [rs]));
  const services = state.list("Service").sort(byName)
    .filter((s) => !HIDDEN_SERVICES.has(`${s.metadata.namespace}/${nameOf(s)}`))
    .map((svc) => {
      const ns = String(svc.metadata.namespace || "");
      const ep = state.get("Endpoints", ns, nameOf(svc));
      const links = new Map();
      if (ep) {
        for (const subset of ep.subsets || []) {
          for (const a of subset.addresses || []) if (a.targetRef) links.set(String(a.targetRef.uid), true);
          for (const a of subset.notReadyAddresses || []) if (a.targetRef && !links.has(a.targetRef.uid))
            links.set(String(a.targetRef.uid), false);
        }
      } else {
        for (const p of pods.values()) if (p.namespace === ns && selectorMatches(svc.spec.selector, p.obj.metadata.labels || {}))
          links.set(p.uid, p.st.total > 0 && p.st.ready === p.st.total);
      }
      const port = ((svc.spec || {}).ports || [])[0];
      return {
        uid: uidOf(svc), name: nameOf(svc), namespace: ns, type: svc.spec.type || "ClusterIP",
        address: `${svc.spec.clusterIP || ""}${port ? ":" + port.port : ""}`, links: [...links].filter(([u]) => pods.has(u)),
      };
    });
  const envelopes = [...state.list("ConfigMap"), ...state.list("Secret")]
    .filter((o) => nameOf(o) !== "kube-root-ca.crt" && o.type !== "kubernetes.io/service-account-token")
    .sort(byName)
    .map((o) => {
      const ns = String(o.metadata.namespace || "");
      const users = [...pods.values()]
        .filter((p) => p.namespace === ns && p.refs.some((r) => r.kind === o.kind && r.name === nameOf(o)))
        .map((p) => p.uid);
      return { uid: uidOf(o), kind: String(o.kind), name: nameOf(o), namespace: ns, users };
    });
  if (specs.size > pods.size) for (const uid of specs.keys()) if (!pods.has(uid)) specs.delete(uid);
  return { nodes, pods, podsByName, orders, services, envelopes };
}

function orderOf(top, sets) {
  const status = top.status || {};
  const revisions = sets
    .map((rs) => ({
      revision: Number(((rs.metadata || {}).annotations || {})["deployment.kubernetes.io/revision"] || 0),
      replicas: Number((rs.status || {}).replicas || 0), desired: Number((rs.spec || {}).replicas ?? 0),
    }))
    .sort((a, b) => a.revision - b.revision);
  const live = revisions.filter((r) => r.replicas > 0 || r.desired > 0);
  const annotations = (top.metadata || {}).annotations || {};
  return {
    uid: uidOf(top), kind: String(top.kind), name: nameOf(top), namespace: String(top.metadata.namespace || ""),
    desired: Number((top.spec || {}).replicas ?? 1), ready: Number(status.readyReplicas || 0),
    revision: Number(annotations["deployment.kubernetes.io/revision"] || 0),
    revisions: live, rolling: live.length > 1,
  };
}

/** Stable slots per host ("" is the yard), and where each pod was last seen. */
export class Slots {
  constructor() {
    this.byHost = new Map();
    this.where = new Map();
  }

  /** Note a pod's host; true when it just left the yard for a ship. */
  seat(uid, host) {
    const prev = this.where.get(uid);
    this.where.set(uid, host);
    if (prev === undefined || prev === host) return false;
    this.byHost.get(prev)?.delete(uid);
    return !prev && Boolean(host);
  }

  of(host, uid) {
    let map = this.byHost.get(host);
    if (!map) this.byHost.set(host, (map = new Map()));
    let i = map.get(uid);
    if (i === undefined) {
      const used = new Set(map.values());
      for (i = 0; used.has(i); i++);
      map.set(uid, i);
    }
    return i;
  }

  drop(uid) {
    this.byHost.get(this.where.get(uid) || "")?.delete(uid);
    this.where.delete(uid);
  }

  prune(hosts) {
    for (const [host, map] of this.byHost) if (host && !hosts.has(host) && !map.size) this.byHost.delete(host);
  }
}

/** Where everything goes on a stage `W` units wide. */
export function plan(m, W, slots) {
  let flash = false;
  for (const p of m.pods.values()) flash = slots.seat(p.uid, p.node) || flash;
  const placed = new Map();
  // top band: yard, dispatcher, orders
  const yardPods = [...m.pods.values()].filter((p) => !p.node);
  const yardRows = Math.max(1, Math.ceil(yardPods.length / YARD_COLS));
  const reasons = [...new Set(yardPods.map((p) => p.message).filter(Boolean))].slice(0, 3);
  const yardH = 36 + yardRows * CELL_H + reasons.length * 17 + 6;
  for (const p of yardPods) {
    const i = slots.of("", p.uid);
    placed.set(p.uid, [PAD + 12 + (i % YARD_COLS) * CELL_W, PAD + 32 + Math.floor(i / YARD_COLS) * CELL_H]);
  }
  const yard = { x: PAD, y: PAD, h: yardH, rows: yardRows, reasons, count: yardPods.length };
  const dx = PAD + YARD_W + 18;
  const ox = dx + 104;
  const cols = Math.max(1, Math.floor((W - ox - PAD + 12) / (CARD_W + 12)));
  const narrow = W - ox - PAD < CARD_W;
  const oxx = narrow ? PAD : ox;
  const oyy = narrow ? PAD + yardH + 16 : PAD;
  const orders = m.orders.map((o, i) =>
    ({ o, x: oxx + (i % cols) * (CARD_W + 12), y: oyy + Math.floor(i / cols) * (CARD_H + 12) }));
  const ordersBottom = m.orders.length ? oyy + Math.ceil(m.orders.length / cols) * (CARD_H + 12) : 0;
  let y = Math.max(PAD + yardH, PAD + 96, ordersBottom) + 18;
  // quay: port gates and envelopes
  const anchors = new Map();
  const quay = [];
  let x = PAD;
  const items = [...m.services.map((s) => ({ s, w: GATE_W })), ...m.envelopes.map((e) => ({ e, w: ENV_W }))];
  for (const item of items) {
    if (x + item.w > W - PAD && x > PAD) { x = PAD; y += QUAY_H + 10; }
    quay.push({ ...item, x, y });
    anchors.set((item.s || item.e).uid, item.s ? [x + item.w / 2, y + 50] : [x + 36, y + 44]);
    x += item.w + 12;
  }
  y += items.length ? QUAY_H + 8 : 0;
  const quayY = y - 4;
  // the sea and the ships
  const seaY = y + 6;
  y = seaY + 18;
  const fits = (c) => Math.floor((W - 2 * PAD + GAP) / (c * CELL_W + 24 + GAP));
  const C = fits(5) >= Math.min(3, m.nodes.length) ? 5 : 4;
  const shipW = C * CELL_W + 24;
  const perRow = Math.max(1, fits(C));
  const shipX0 = PAD + Math.max(0, (W - 2 * PAD - (perRow * (shipW + GAP) - GAP)) / 2);
  const ships = [];
  for (let r = 0; r < m.nodes.length; r += perRow) {
    let rowH = 0;
    m.nodes.slice(r, r + perRow).forEach((n, i) => {
      const sx = shipX0 + i * (shipW + GAP);
      const rows = Math.ceil(Math.max(n.pods.length, Math.min(n.capacity || C, MAX_SLOTS)) / C);
      const h = SHIP_HEAD + rows * CELL_H + HULL_H;
      ships.push({ n, x: sx, y, rows, h });
      for (const uid of n.pods) {
        const s = slots.of(n.name, uid);
        placed.set(uid, [sx + 9 + (s % C) * CELL_W, y + SHIP_HEAD + Math.floor(s / C) * CELL_H]);
      }
      rowH = Math.max(rowH, h);
    });
    y += rowH + GAP;
  }
  const H = Math.max(y + PAD, seaY + 120);
  return { W, H, seaY, quayY, yard, dispatcher: { x: dx, y: PAD + 10 }, orders, quay, anchors, C, ships, placed, flash };
}
