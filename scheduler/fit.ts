// kube-scheduler's filters, reduced to what this harness needs, as pure functions: a pod's
// requests (every container's, the largest init container's, the overhead; pods count 1), and
// whether a node takes it, in the framework's plugin order — NodeUnschedulable, TaintToleration,
// NodeAffinity (nodeSelector), NodeResourcesFit (pods and every requested resource, extended ones
// such as vpc.amazonaws.com/pod-eni included, against allocatable minus what bound pods request).
// The texts are the real FitError's (pkg/scheduler/framework/types.go, plugins/*); docs/REFERENCE.md §11.

import { parseQuantity } from "../common/quantity.js";

export type Resources = Readonly<Record<string, number>>;

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface PodDemand {
  requests: Resources;
  nodeSelector: Readonly<Record<string, string>>;
  tolerations: readonly Toleration[];
}

export interface NodeState {
  name: string;
  labels: Readonly<Record<string, string>>;
  allocatable: Resources;
  ready: boolean;
  unschedulable: boolean;
  taints: readonly Taint[];
}

/** One reason a node does not take the pod, and whether preemption could change it. */
export interface Misfit {
  reason: string;
  resolvable: boolean;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});

function addAll(into: Record<string, number>, from: unknown, mode: "sum" | "max"): void {
  for (const [k, v] of Object.entries(rec(from))) {
    const q = parseQuantity(v) ?? 0;
    into[k] = mode === "sum" ? (into[k] ?? 0) + q : Math.max(into[k] ?? 0, q);
  }
}

/** The resources a pod asks for (computePodResourceRequest): sum of containers, max with init containers, plus overhead. */
export function podRequests(spec: Rec): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) addAll(sum, rec(rec(c).resources).requests, "sum");
  const init: Record<string, number> = {};
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) addAll(init, rec(rec(c).resources).requests, "max");
  for (const [k, v] of Object.entries(init)) sum[k] = Math.max(sum[k] ?? 0, v);
  addAll(sum, spec.overhead, "sum");
  sum.pods = 1;
  return sum;
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== "" && t.effect !== taint.effect) return false;
  if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
  return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

/** The taint the node lifecycle controller puts on a node that is not Ready. */
const NOT_READY: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" };

/** Why the node does not take the pod, given what is already bound there (empty: it fits). */
export function misfits(pod: PodDemand, node: NodeState, used: Resources): Misfit[] {
  if (node.unschedulable) return [{ reason: "node(s) were unschedulable", resolvable: false }];
  const taints = node.ready ? node.taints : [...node.taints, NOT_READY];
  const untolerated = taints.find((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !pod.tolerations.some((tol) => tolerates(tol, t)));
  if (untolerated !== undefined) return [{ reason: `node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ""}}`, resolvable: false }];
  if (Object.entries(pod.nodeSelector).some(([k, v]) => node.labels[k] !== v)) return [{ reason: "node(s) didn't match Pod's node affinity/selector", resolvable: false }];
  const out: Misfit[] = [];
  for (const [res, want] of Object.entries(pod.requests)) {
    if (want <= 0) continue;
    const free = (node.allocatable[res] ?? 0) - (used[res] ?? 0);
    if (want > free) out.push({ reason: res === "pods" ? "Too many pods" : `Insufficient ${res}`, resolvable: true });
  }
  return out;
}

/** "N reason" strings, sorted as the scheduler's histogram. */
function histogram(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(", ");
}

/**
 * The FailedScheduling text for a pod no node takes: the filter histogram, then DefaultPreemption's
 * (no lower-priority victims here), e.g. "0/1 nodes are available: 1 Insufficient
 * vpc.amazonaws.com/pod-eni. preemption: 0/1 nodes are available: 1 No preemption victims found for
 * incoming pod." (docs/REFERENCE.md §11; older schedulers doubled the final period).
 */
export function failureMessage(byNode: ReadonlyMap<string, readonly Misfit[]>): string {
  const n = byNode.size;
  if (n === 0) return "no nodes available to schedule pods";
  const reasons = [...byNode.values()].flatMap((m) => m.map((x) => x.reason));
  const preemption = [...byNode.values()].map((m) => (m.every((x) => x.resolvable) ? "No preemption victims found for incoming pod" : "Preemption is not helpful for scheduling"));
  return `0/${n} nodes are available: ${histogram(reasons)}. preemption: 0/${n} nodes are available: ${histogram(preemption)}.`;
}

/**
 * Picks a node: among those that fit, the one with the most room left, relative to its pods
 * capacity (LeastAllocated in small), ties by name. Returns the node or the failure message.
 */
export function pickNode(pod: PodDemand, nodes: readonly NodeState[], usedOf: (node: string) => Resources): { node: string } | { message: string } {
  const byNode = new Map<string, Misfit[]>();
  let best: { name: string; score: number } | undefined;
  for (const node of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    const used = usedOf(node.name);
    const m = misfits(pod, node, used);
    byNode.set(node.name, m);
    if (m.length > 0) continue;
    const cap = node.allocatable.pods ?? 0;
    const score = cap === 0 ? 0 : (cap - (used.pods ?? 0)) / cap;
    if (best === undefined || score > best.score) best = { name: node.name, score };
  }
  return best !== undefined ? { node: best.name } : { message: failureMessage(byNode) };
}
