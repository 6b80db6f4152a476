// What the scheduler needs from the cluster, and nothing more: informer-like watches of pods and
// nodes, the pods/binding call, and an event recorder. The API server wires it to its store
// (store-port.ts); over the cluster seam it would be the kube or memory backend.

import type { K8sObject } from "../cluster/k8s/types.js";

export type WatchType = "ADDED" | "MODIFIED" | "DELETED";

export interface SchedulerEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  pod: { namespace: string; name: string; uid: string };
  /**
   * When it happened (ms); default: when recorded. Scheduled takes the binding decision's time, so
   * it never sorts after what a component does on seeing the binding (kubectl describe orders by
   * timestamp, and a loaded API server may record it after a fast watcher reacted).
   */
  at?: number;
}

export interface SchedulerPort {
  /** Calls fn with ADDED for every existing pod, then with every change; returns the stop. */
  watchPods(fn: (type: WatchType, pod: K8sObject) => void): () => void;
  watchNodes(fn: (type: WatchType, node: K8sObject) => void): () => void;
  /** pods/binding; rejects with a HarnessError (conflict when the pod is bound meanwhile). */
  bind(pod: { namespace: string; name: string; uid: string }, node: string): Promise<void>;
  recordEvent(e: SchedulerEvent): Promise<void>;
}
