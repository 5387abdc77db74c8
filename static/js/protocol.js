// @ts-check
/**
 * The live cluster view's client state: apply `cluster.snapshot` / `cluster.delta` messages
 * to a map of Kubernetes objects, and the small readings the drawing needs (kubectl's pod
 * STATUS, resource requests, selectors, which ConfigMaps/Secrets a pod uses).
 *
 * Mirrors a client-go informer in miniature: a list (snapshot) then watch events (deltas)
 * tracked by resourceVersion; a gap or a reconnect resumes from the last version and the
 * server replays or re-lists. No DOM code lives here, so tests can drive it directly.
 */

/** @typedef {{[key: string]: any}} Obj */
/** @typedef {{type: string, object: Obj}} WatchEvent */

/** Upstream scheduler defaults for a container that requests nothing (util.GetNonzeroRequests). */
export const DEFAULT_CPU_MILLI = 100;
export const DEFAULT_MEMORY_BYTES = 200 * 1024 * 1024;

/** @param {Obj} obj */
export function objectKey(obj) {
  const meta = obj.metadata || {};
  return `${obj.kind}/${meta.namespace || ""}/${meta.name}`;
}

/** Client-side copy of the cluster, fed by the sandbox WebSocket. */
export class ClusterState {
  constructor() {
    /** @type {Map<string, Obj>} */
    this.objects = new Map();
    /** @type {number|null} */
    this.resourceVersion = null;
  }

  /** Replace everything with a snapshot. @param {{resourceVersion: number, objects: Obj[]}} msg */
  applySnapshot(msg) {
    this.objects.clear();
    for (const obj of msg.objects || []) this.objects.set(objectKey(obj), obj);
    this.resourceVersion = Number(msg.resourceVersion);
  }

  /**
   * Apply a delta. Returns "applied", "duplicate" (already seen) or "gap" (events are missing:
   * the caller asks the server to resume from `resourceVersion`).
   * @param {{fromResourceVersion: number, resourceVersion: number, events: WatchEvent[]}} msg
   */
  applyDelta(msg) {
    const from = Number(msg.fromResourceVersion);
    const to = Number(msg.resourceVersion);
    const last = this.resourceVersion;
    if (last === null || from > last) return "gap";
    if (to <= last) return "duplicate";
    for (const event of msg.events || []) {
      const obj = event.object || {};
      const rv = Number((obj.metadata || {}).resourceVersion);
      if (from < last && Number.isFinite(rv) && rv <= last) continue; // overlap already applied
      if (event.type === "DELETED") this.objects.delete(objectKey(obj));
      else this.objects.set(objectKey(obj), obj);
    }
    this.resourceVersion = to;
    return "applied";
  }

  /** @param {string} kind @returns {Obj[]} */
  list(kind) {
    const out = [];
    for (const obj of this.objects.values()) if (obj.kind === kind) out.push(obj);
    return out;
  }

  /** @param {string} kind @param {string} namespace @param {string} name */
  get(kind, namespace, name) {
    return this.objects.get(`${kind}/${namespace || ""}/${name}`);
  }
}

/** @param {Obj} status */
function podReadyCondition(status) {
  return (status.conditions || []).some((/** @type {Obj} */ c) => c.type === "Ready" && c.status === "True");
}

/**
 * kubectl's printPod (port of kubelearn/cluster/printers.py pod_status): STATUS, ready, total,
 * restarts exactly as `kubectl get pods` prints them.
 * @param {Obj} pod
 * @returns {{reason: string, ready: number, total: number, restarts: number}}
 */
export function podStatus(pod) {
  const spec = pod.spec || {};
  const status = pod.status || {};
  const total = (spec.containers || []).length;
  let restarts = 0;
  let ready = 0;
  let reason = status.reason || status.phase || "Pending";
  let initializing = false;
  const inits = status.initContainerStatuses || [];
  for (let i = 0; i < inits.length; i++) {
    const cs = inits[i];
    restarts += Number(cs.restartCount || 0);
    const state = cs.state || {};
    const term = state.terminated;
    const wait = state.waiting;
    if (term && term.exitCode === 0) continue;
    if (term) reason = "Init:" + (term.reason || `ExitCode:${term.exitCode}`);
    else if (wait && wait.reason && wait.reason !== "PodInitializing") reason = "Init:" + wait.reason;
    else reason = `Init:${i}/${(spec.initContainers || []).length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const statuses = status.containerStatuses || [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += Number(cs.restartCount || 0);
      const state = cs.state || {};
      if (state.waiting && state.waiting.reason) reason = state.waiting.reason;
      else if (state.terminated && state.terminated.reason) reason = state.terminated.reason;
      else if (state.terminated) {
        const term = state.terminated;
        reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      } else if (state.running && cs.ready) {
        hasRunning = true;
        ready += 1;
      } else if (state.running) hasRunning = true;
    }
    if (reason === "Completed" && hasRunning) reason = podReadyCondition(status) ? "Running" : "NotReady";
  }
  if ((pod.metadata || {}).deletionTimestamp) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  return { reason, ready, total, restarts };
}

/**
 * The drawing's category for a pod: what colour and icon it gets.
 * @param {Obj} pod
 * @param {{reason: string, ready: number, total: number}} st
 */
export function statusCategory(pod, st) {
  const r = st.reason;
  if (r === "Terminating") return "terminating";
  if (r === "CrashLoopBackOff" || r.startsWith("Init:CrashLoopBackOff")) return "crashloop";
  if (/ImagePull|ErrImage|InvalidImageName/.test(r)) return "imagepull";
  if (/ConfigError|CreateContainerError/.test(r)) return "configerror";
  if (r === "ContainerCreating" || r === "PodInitializing" || r.startsWith("Init:")) return "creating";
  if (r === "Completed" || r === "Succeeded") return "completed";
  if (r === "Failed" || r === "Error" || r === "OOMKilled" || r === "Evicted" || /^(ExitCode|Signal):/.test(r))
    return "failed";
  if (r === "Running") return st.ready === st.total && st.total > 0 ? "running" : "notready";
  if (r === "NotReady") return "notready";
  if (r === "Pending") return (pod.spec || {}).nodeName ? "creating" : "pending";
  return "unknown";
}

/** The scheduler's message when PodScheduled is False ("0/3 nodes are available: ..."). @param {Obj} pod */
export function schedulingMessage(pod) {
  const cond = ((pod.status || {}).conditions || []).find((/** @type {Obj} */ c) => c.type === "PodScheduled");
  return cond && cond.status === "False" ? String(cond.message || cond.reason || "") : "";
}

const SUFFIX = /** @type {{[s: string]: number}} */ ({
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
});

/** resource.Quantity as a plain number ("100m" -> 0.1, "1Gi" -> 1073741824); NaN if unreadable. */
export function parseQuantity(/** @type {string|number|undefined} */ q) {
  if (typeof q === "number") return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(q ?? "").trim());
  if (!m || !(m[2] in SUFFIX)) return NaN;
  return parseFloat(m[1]) * SUFFIX[m[2]];
}

/**
 * What a pod asks of its ship: sum of its containers' requests, at least the largest init
 * container's, with the scheduler's non-zero defaults (100m CPU, 200Mi) for absent requests.
 * @param {Obj} pod @returns {{cpu: number, memory: number}} millicores and bytes
 */
export function podRequests(pod) {
  const spec = pod.spec || {};
  /** @param {Obj} c */
  const one = (c) => {
    const req = (c.resources || {}).requests || {};
    const cpu = parseQuantity(req.cpu);
    const mem = parseQuantity(req.memory);
    return {
      cpu: Number.isFinite(cpu) && req.cpu !== undefined ? cpu * 1000 : DEFAULT_CPU_MILLI,
      memory: Number.isFinite(mem) && req.memory !== undefined ? mem : DEFAULT_MEMORY_BYTES,
    };
  };
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers || []) {
    const r = one(c);
    cpu += r.cpu;
    memory += r.memory;
  }
  for (const c of spec.initContainers || []) {
    const r = one(c);
    cpu = Math.max(cpu, r.cpu);
    memory = Math.max(memory, r.memory);
  }
  return { cpu, memory };
}

/** A node's Ready condition: "True", "False" or "Unknown". @param {Obj} node */
export function nodeReady(node) {
  const c = ((node.status || {}).conditions || []).find((/** @type {Obj} */ x) => x.type === "Ready");
  return c ? String(c.status) : "Unknown";
}

/** Equality-based selector (a Service's spec.selector) or a LabelSelector (matchLabels/Expressions). */
export function selectorMatches(/** @type {Obj|undefined} */ selector, /** @type {Obj} */ labels) {
  if (!selector) return false;
  const exprs = selector.matchExpressions || [];
  const equal = selector.matchLabels || (selector.matchExpressions ? {} : selector);
  if (!Object.keys(equal).length && !exprs.length) return false;
  for (const [k, v] of Object.entries(equal)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = e.key in labels;
    const within = (e.values || []).includes(labels[e.key]);
    if (e.operator === "In" && !within) return false;
    if (e.operator === "NotIn" && within) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** ConfigMaps and Secrets a pod uses through env, envFrom or volumes. @param {Obj} pod */
export function podReferences(pod) {
  const spec = pod.spec || {};
  /** @type {Set<string>} */
  const refs = new Set();
  for (const c of [...(spec.initContainers || []), ...(spec.containers || [])]) {
    for (const from of c.envFrom || []) {
      if (from.configMapRef) refs.add(`ConfigMap/${from.configMapRef.name}`);
      if (from.secretRef) refs.add(`Secret/${from.secretRef.name}`);
    }
    for (const env of c.env || []) {
      const src = env.valueFrom || {};
      if (src.configMapKeyRef) refs.add(`ConfigMap/${src.configMapKeyRef.name}`);
      if (src.secretKeyRef) refs.add(`Secret/${src.secretKeyRef.name}`);
    }
  }
  for (const v of spec.volumes || []) {
    if (v.configMap) refs.add(`ConfigMap/${v.configMap.name}`);
    if (v.secret) refs.add(`Secret/${v.secret.secretName}`);
    for (const s of (v.projected || {}).sources || []) {
      if (s.configMap) refs.add(`ConfigMap/${s.configMap.name}`);
      if (s.secret) refs.add(`Secret/${s.secret.name}`);
    }
  }
  return [...refs].map((r) => ({ kind: r.split("/")[0], name: r.slice(r.indexOf("/") + 1) }));
}

/** The controller owner reference of an object, if any. @param {Obj} obj */
export function controllerOf(obj) {
  return ((obj.metadata || {}).ownerReferences || []).find((/** @type {Obj} */ r) => r.controller) || null;
}

/**
 * A WebSocket that reconnects with exponential backoff (1 s doubling to 30 s, with jitter) and
 * resumes from the last resourceVersion it saw.
 */
export class Connection {
  /**
   * @param {string} url ws:// or wss:// URL, or a path on this origin
   * @param {ClusterState} state
   * @param {{onChange: (msg: Obj, ms: number) => void, onStatus: (status: string, detail?: number) => void}} hooks
   *   (ms: how long reading the message took)
   */
  constructor(url, state, hooks) {
    this.url = toWebSocketUrl(url);
    this.state = state;
    this.hooks = hooks;
    this.attempt = 0;
    this.closed = false;
    this.resumeAsked = -1;
    /** @type {WebSocket|null} */
    this.socket = null;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.timer = undefined;
  }

  open() {
    if (this.closed) return;
    this.hooks.onStatus(this.attempt ? "reconnecting" : "connecting");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.resumeAsked = -1;
      this.hooks.onStatus("live");
      if (this.state.resourceVersion !== null) this.resume();
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => this.retry(socket));
  }

  /** @param {WebSocket} socket */
  retry(socket) {
    if (this.closed || socket !== this.socket) return;
    const delay = Math.min(30000, 1000 * 2 ** this.attempt) * (0.85 + Math.random() * 0.3);
    this.attempt += 1;
    this.hooks.onStatus("offline", Math.round(delay));
    this.timer = setTimeout(() => this.open(), delay);
  }

  resume() {
    const rv = this.state.resourceVersion;
    if (rv === null || rv === this.resumeAsked || !this.socket || this.socket.readyState !== 1) return;
    this.resumeAsked = rv;
    this.socket.send(JSON.stringify({ type: "resume", resourceVersion: rv }));
  }

  /** @param {string} data */
  receive(data) {
    const start = performance.now();
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg.type === "cluster.snapshot") {
      this.state.applySnapshot(msg);
      this.resumeAsked = -1;
    } else if (msg.type === "cluster.delta") {
      const outcome = this.state.applyDelta(msg);
      if (outcome === "gap") return this.resume();
      if (outcome === "duplicate") return;
    }
    this.hooks.onChange(msg, performance.now() - start);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  }
}

/** @param {string} url */
export function toWebSocketUrl(url) {
  if (/^wss?:/.test(url)) return url;
  const base = new URL(url, window.location.href);
  base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  return base.toString();
}
