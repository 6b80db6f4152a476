// The scheduler's port over the API server's own store (the scheduler runs inside the api-server
// process, but talks to the store only through this port). Events are recorded as core/v1 Events
// from default-scheduler; a repeat of the same reason and message for the same pod bumps the
// existing event's count and lastTimestamp (what client-go's recorder does), keyed in a bounded map.

import type { K8sObject } from "../cluster/k8s/types.js";
import type { ObjectStore } from "../cluster/store/index.js";
import type { Clock } from "../common/clock.js";
import { isHarnessError } from "../common/errors.js";
import type { SchedulerEvent, SchedulerPort, WatchType } from "./port.js";

const PODS = { group: "", plural: "pods" };
const NODES = { group: "", plural: "nodes" };
const EVENTS = { group: "", plural: "events" };

/** How many (pod, reason, message) keys are remembered for aggregation. */
export const EVENT_KEYS_MAX = 4096;

export function storePort(store: ObjectStore, clock: Clock): SchedulerPort {
  const recent = new Map<string, { name: string; namespace: string; count: number }>();
  let seq = 0;
  const watch = (r: typeof PODS, fn: (t: WatchType, o: K8sObject) => void): (() => void) => {
    const w = store.watch(r, { resourceVersion: "0" }, (e) => {
      if (e.type === "ADDED" || e.type === "MODIFIED" || e.type === "DELETED") fn(e.type, e.object);
    });
    return () => w.stop();
  };
  return {
    watchPods: (fn) => watch(PODS, fn),
    watchNodes: (fn) => watch(NODES, fn),
    bind: async (pod, node) => {
      store.bind(pod.namespace, { apiVersion: "v1", kind: "Binding", metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid }, target: { apiVersion: "v1", kind: "Node", name: node } });
    },
    recordEvent: async (e: SchedulerEvent) => {
      const now = new Date(e.at ?? clock.now()).toISOString();
      const key = `${e.pod.uid}|${e.reason}|${e.message}`;
      const seen = recent.get(key);
      if (seen !== undefined) {
        try {
          store.patch(EVENTS, seen.namespace, seen.name, "merge", { count: seen.count + 1, lastTimestamp: now });
          seen.count++;
          return;
        } catch (err) {
          if (!isHarnessError(err) || err.kind !== "not-found") throw err;
          recent.delete(key); // expired (TTL): record it anew
        }
      }
      // client-go names events <object>.<hex UnixNano>; the sequence keeps names made in one ms apart.
      const name = `${e.pod.name}.${(BigInt(clock.now()) * 1_000_000n + BigInt(seq++ % 1_000_000)).toString(16)}`;
      store.create(EVENTS, e.pod.namespace, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace: e.pod.namespace },
        involvedObject: { apiVersion: "v1", kind: "Pod", namespace: e.pod.namespace, name: e.pod.name, uid: e.pod.uid },
        reason: e.reason,
        message: e.message,
        type: e.type,
        source: { component: "default-scheduler" },
        reportingComponent: "default-scheduler",
        reportingInstance: "default-scheduler",
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
      recent.set(key, { name, namespace: e.pod.namespace, count: 1 });
      if (recent.size > EVENT_KEYS_MAX) recent.delete(recent.keys().next().value ?? "");
    },
  };
}
