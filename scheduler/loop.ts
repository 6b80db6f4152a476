// The scheduling loop (kube-scheduler in small): a queue of pending pods (no nodeName, scheduler
// default-scheduler, not being deleted), tried in order; a pod no node takes waits until the
// cluster changes in a way that may help it (a node added or changed, a bound pod gone) or
// `retryMs` passes (the real podMaxInUnschedulablePodsDuration, 5 min), then is tried again. A
// FailedScheduling event is recorded at each failed attempt; Scheduled after each binding.

import type { K8sObject } from "../cluster/k8s/types.js";
import type { Clock, TimerHandle } from "../common/clock.js";
import { isHarnessError } from "../common/errors.js";
import { parseQuantity } from "../common/quantity.js";
import type { NodeState, PodDemand, Resources, Taint, Toleration } from "./fit.js";
import { pickNode, podRequests } from "./fit.js";
import type { SchedulerPort, WatchType } from "./port.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export interface SchedulerOptions {
  clock: Clock;
  retryMs?: number;
  onError?: (e: unknown) => void;
}

export interface Scheduler {
  stop(): void;
  pendingCount(): number;
}

interface Pending {
  ref: { namespace: string; name: string; uid: string };
  demand: PodDemand;
  /** Tried and found no node: waits for a helpful change or the retry timer. */
  unschedulable: boolean;
}

function nodeState(o: K8sObject): NodeState {
  const status = rec(o.status);
  const spec = rec(o.spec);
  const alloc: Record<string, number> = {};
  for (const [k, v] of Object.entries(rec(status.allocatable ?? status.capacity))) alloc[k] = parseQuantity(v) ?? 0;
  const ready = (Array.isArray(status.conditions) ? status.conditions.map(rec) : []).some((c) => c.type === "Ready" && c.status === "True");
  return { name: o.metadata.name ?? "", labels: o.metadata.labels ?? {}, allocatable: alloc, ready, unschedulable: spec.unschedulable === true, taints: (Array.isArray(spec.taints) ? spec.taints : []) as Taint[] };
}

const keyOf = (o: K8sObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
const finished = (o: K8sObject): boolean => ["Succeeded", "Failed"].includes(str(rec(o.status).phase));

export function startScheduler(port: SchedulerPort, opts: SchedulerOptions): Scheduler {
  const { clock } = opts;
  const retryMs = opts.retryMs ?? 300_000;
  const nodes = new Map<string, NodeState>();
  /** Bound pods' requests by node (from the watch), and pods bound by us not seen bound yet. */
  const bound = new Map<string, { node: string; req: Resources }>();
  const assumed = new Map<string, { node: string; req: Resources }>();
  const pending = new Map<string, Pending>();
  let timer: TimerHandle | undefined;
  let retry: TimerHandle | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const usedOf = (node: string): Resources => {
    const used: Record<string, number> = {};
    for (const m of [bound, assumed]) {
      for (const b of m.values()) if (b.node === node) for (const [k, v] of Object.entries(b.req)) used[k] = (used[k] ?? 0) + v;
    }
    return used;
  };

  const kick = (wakeUnschedulable: boolean): void => {
    if (wakeUnschedulable) for (const p of pending.values()) p.unschedulable = false;
    if (stopped || timer !== undefined) return;
    timer = clock.setTimer(0, () => {
      timer = undefined;
      void run();
    });
  };

  const onPod = (type: WatchType, o: K8sObject): void => {
    const key = keyOf(o);
    const spec = rec(o.spec);
    const nodeName = str(spec.nodeName);
    const wasBound = bound.has(key);
    if (type === "DELETED" || finished(o) || nodeName === "") bound.delete(key);
    else bound.set(key, { node: nodeName, req: podRequests(spec) });
    if (nodeName !== "" || type === "DELETED") assumed.delete(key);
    const schedulable = type !== "DELETED" && nodeName === "" && o.metadata.deletionTimestamp === undefined && (str(spec.schedulerName) || "default-scheduler") === "default-scheduler";
    if (schedulable) {
      const prev = pending.get(key);
      const demand: PodDemand = { requests: podRequests(spec), nodeSelector: rec(spec.nodeSelector) as Record<string, string>, tolerations: (Array.isArray(spec.tolerations) ? spec.tolerations : []) as Toleration[] };
      pending.set(key, { ref: { namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "", uid: o.metadata.uid ?? "" }, demand, unschedulable: prev?.unschedulable === true && type === "MODIFIED" });
      kick(false);
    } else pending.delete(key);
    // A bound pod that goes away frees room: the unschedulable pods may fit now.
    if (wasBound && !bound.has(key)) kick(true);
  };

  const onNode = (type: WatchType, o: K8sObject): void => {
    const name = o.metadata.name ?? "";
    if (type === "DELETED") nodes.delete(name);
    else nodes.set(name, nodeState(o));
    kick(type !== "DELETED");
  };

  const attempt = async (key: string, p: Pending): Promise<void> => {
    const choice = pickNode(p.demand, [...nodes.values()], usedOf);
    if ("message" in choice) {
      p.unschedulable = true;
      armRetry();
      await port.recordEvent({ type: "Warning", reason: "FailedScheduling", message: choice.message, pod: p.ref });
      return;
    }
    pending.delete(key);
    assumed.set(key, { node: choice.node, req: p.demand.requests });
    try {
      const at = clock.now();
      await port.bind(p.ref, choice.node);
      await port.recordEvent({ type: "Normal", reason: "Scheduled", message: `Successfully assigned ${p.ref.namespace}/${p.ref.name} to ${choice.node}`, pod: p.ref, at });
    } catch (e) {
      assumed.delete(key);
      // Bound or deleted meanwhile: the watch says what happened. Anything else: try again later.
      if (!(isHarnessError(e) && (e.kind === "conflict" || e.kind === "not-found"))) throw e;
    }
  };

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (const [key, p] of [...pending]) {
          if (stopped) return;
          if (p.unschedulable || pending.get(key) !== p) continue;
          try {
            await attempt(key, p);
          } catch (e) {
            opts.onError?.(e);
          }
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };

  // The retry timer runs only while some pod waits as unschedulable, so an idle scheduler leaves no
  // timer behind (a FakeClock's runUntilIdle ends).
  function armRetry(): void {
    if (retry !== undefined || stopped) return;
    retry = clock.setTimer(retryMs, () => {
      retry = undefined;
      if (stopped || ![...pending.values()].some((p) => p.unschedulable)) return;
      kick(true);
    });
  }

  const stops = [port.watchNodes(onNode), port.watchPods(onPod)];
  return {
    stop: () => {
      stopped = true;
      timer?.cancel();
      retry?.cancel();
      for (const s of stops) s();
    },
    pendingCount: () => pending.size,
  };
}
