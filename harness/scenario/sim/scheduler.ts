// A small kube-scheduler for simulated runs: binds each unscheduled pod to the least-loaded node
// that still has room (pods, and vpc.amazonaws.com/pod-eni for SGP pods), else leaves it pending
// with a FailedScheduling event and tries again when a pod goes away or a node joins.

import type { ClusterStore, NodeObject, PodObject } from "../../../cluster/k8s/index.js";
import { POD_ENI_RESOURCE } from "../../../common/names.js";
import type { Clock } from "../../../common/clock.js";

interface Usage {
  pods: number;
  branch: number;
}

const wantsBranch = (p: PodObject): boolean => p.requests[POD_ENI_RESOURCE] !== undefined || p.limits[POD_ENI_RESOURCE] !== undefined;

export class SimScheduler {
  readonly #store: ClusterStore;
  readonly #clock: Clock;
  readonly #usage = new Map<string, Usage>();
  readonly #pending = new Map<string, PodObject>();
  #unsubscribe: (() => void) | undefined;

  constructor(store: ClusterStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  start(): void {
    this.#unsubscribe = this.#store.watchPods((type, pod) => {
      const key = `${pod.namespace}/${pod.name}`;
      if (type === "DELETED" || pod.deletedAt !== undefined) {
        if (this.#pending.delete(key)) return;
        if (pod.nodeName !== "" && type === "DELETED") this.#release(pod);
        return;
      }
      if (type === "ADDED" && pod.nodeName === "") {
        this.#pending.set(key, pod);
        // Bind on the next turn: never re-enter the store from inside its own watch callback.
        this.#clock.setTimer(0, () => this.#tryAll());
      } else if (type === "ADDED") {
        this.#use(pod.nodeName, wantsBranch(pod));
      }
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  /** A node joined (or capacity changed): pending pods may fit now. */
  nodeAdded(): void {
    this.#clock.setTimer(0, () => this.#tryAll());
  }

  pendingCount(): number {
    return this.#pending.size;
  }

  #use(node: string, branch: boolean, d = 1): void {
    const u = this.#usage.get(node) ?? { pods: 0, branch: 0 };
    u.pods += d;
    if (branch) u.branch += d;
    this.#usage.set(node, u);
  }

  #release(pod: PodObject): void {
    this.#use(pod.nodeName, wantsBranch(pod), -1);
    if (this.#pending.size > 0) this.#clock.setTimer(0, () => this.#tryAll());
  }

  #fits(node: NodeObject, branch: boolean): boolean {
    const u = this.#usage.get(node.name) ?? { pods: 0, branch: 0 };
    const maxPods = Number(node.capacity["pods"] ?? "110");
    if (u.pods >= maxPods) return false;
    return !branch || u.branch < Number(node.capacity[POD_ENI_RESOURCE] ?? "0");
  }

  #tryAll(): void {
    if (this.#pending.size === 0) return;
    const nodes = this.#store.listNodes();
    for (const [key, pod] of [...this.#pending]) {
      const branch = wantsBranch(pod);
      let best: NodeObject | undefined;
      for (const n of nodes) {
        if (!this.#fits(n, branch)) continue;
        if (best === undefined || (this.#usage.get(n.name)?.pods ?? 0) < (this.#usage.get(best.name)?.pods ?? 0)) best = n;
      }
      if (best === undefined) {
        this.#failed(pod, nodes.length, branch);
        continue;
      }
      this.#pending.delete(key);
      this.#use(best.name, branch);
      this.#store.schedulePod(pod.namespace, pod.name, best.name);
    }
  }

  /** kube-scheduler's message shape: "0/N nodes are available: N Insufficient <resource>." */
  #failed(pod: PodObject, nodes: number, branch: boolean): void {
    const what = branch ? `Insufficient ${POD_ENI_RESOURCE}` : "Too many pods";
    this.#store.recordEvent({
      type: "Warning",
      reason: "FailedScheduling",
      message: `0/${nodes} nodes are available: ${nodes} ${what}.`,
      involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
      source: "default-scheduler",
    });
  }
}
