// A small kube-scheduler for simulated runs, on the cluster seam: binds each unscheduled pod
// (pods/binding) to the least-loaded Ready node that still has room (pods, and
// vpc.amazonaws.com/pod-eni for SGP pods), else leaves it pending with a FailedScheduling event
// and tries again when a pod goes away or a node joins.

import { bindPod, createInformer } from "../../../cluster/client/index.js";
import type { ClusterClient, EventRecorder, Informer } from "../../../cluster/client/index.js";
import type { NodeObject, PodObject } from "../../../cluster/k8s/index.js";
import type { Clock } from "../../../common/clock.js";
import { POD_ENI_RESOURCE } from "../../../common/names.js";

interface Usage {
  pods: number;
  branch: number;
}

const wantsBranch = (p: PodObject): boolean => p.requests[POD_ENI_RESOURCE] !== undefined || p.limits[POD_ENI_RESOURCE] !== undefined;

export class SimScheduler {
  readonly #cluster: ClusterClient;
  readonly #clock: Clock;
  readonly #events: EventRecorder;
  readonly #pods: Informer<PodObject>;
  readonly #nodes: Informer<NodeObject>;
  readonly #usage = new Map<string, Usage>();
  readonly #pending = new Map<string, PodObject>();
  /** Joined nodes, in the order they joined: the tie-break among equally loaded nodes. */
  readonly #order: string[] = [];
  /** Binds that failed (the pod went away meanwhile): counted, not fatal. */
  failedBinds = 0;

  constructor(cluster: ClusterClient, clock: Clock, events: EventRecorder) {
    this.#cluster = cluster;
    this.#clock = clock;
    this.#events = events;
    this.#pods = createInformer(cluster.pods, { clock, name: "scheduler pods" });
    this.#nodes = createInformer(cluster.nodes, { clock, name: "scheduler nodes" });
  }

  start(): void {
    this.#pods.on((type, pod) => {
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
    void this.#nodes.start();
    void this.#pods.start();
  }

  stop(): void {
    this.#pods.stop();
    this.#nodes.stop();
  }

  /**
   * A node is known to the cluster with its capacity (its trunk attached): the order nodes become
   * known in is the tie-break among equally loaded nodes.
   */
  nodeKnown(name: string): void {
    if (!this.#order.includes(name)) this.#order.push(name);
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
    // Nodes still joining are NotReady (taint node.kubernetes.io/not-ready): not candidates, not counted.
    const byName = new Map(this.#nodes.list().filter((n) => n.ready).map((n) => [n.name, n]));
    const nodes = [...this.#order.flatMap((n) => byName.get(n) ?? []), ...[...byName.values()].filter((n) => !this.#order.includes(n.name))];
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
      bindPod(this.#cluster, pod, best.name).catch(() => void this.failedBinds++);
    }
  }

  /** kube-scheduler's message shape: "0/N nodes are available: N Insufficient <resource>." */
  #failed(pod: PodObject, nodes: number, branch: boolean): void {
    const what = branch ? `Insufficient ${POD_ENI_RESOURCE}` : "Too many pods";
    this.#events.record({
      type: "Warning",
      reason: "FailedScheduling",
      message: `0/${nodes} nodes are available: ${nodes} ${what}.`,
      involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
    });
  }
}
