// The kubelet loop's pod source and event recorder over the daemon's control API (WatchPods,
// RecordEvent), so the demo's kubelet and the daemon's controller share one cluster and one timeline.

import type { ClusterEvent, NewEvent, PodObject } from "../../cluster/k8s/index.js";
import { errorMessage } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/index.js";
import type { ControlWire as W } from "../../ipamd/index.js";
import type { EventRecorder, PodSource } from "../../runtime/index.js";

export function podFromWire(p: W.Pod): PodObject {
  return {
    namespace: p.namespace,
    name: p.name,
    uid: p.uid,
    labels: { ...p.labels },
    annotations: { ...p.annotations },
    limits: { ...(p.resources?.limits ?? {}) },
    requests: { ...(p.resources?.requests ?? {}) },
    containers: [],
    serviceAccount: p.service_account,
    nodeName: p.node_name,
    hostNetwork: false,
    phase: "",
    createdAt: Number(p.created_at_ms),
    scheduledAt: Number(p.scheduled_at_ms) > 0 ? Number(p.scheduled_at_ms) : undefined,
    deletedAt: Number(p.deleted_at_ms) > 0 ? Number(p.deleted_at_ms) : undefined,
    deletionGracePeriodSeconds: undefined,
    resourceVersion: p.resource_version,
  };
}

export function eventFromWire(e: W.Event): ClusterEvent {
  const kind = e.involved_object?.kind === "Node" ? "Node" : "Pod";
  const cls = e.classification === "transient-expected" || e.classification === "real" ? e.classification : "";
  return {
    type: e.type === "Warning" ? "Warning" : "Normal",
    reason: e.reason,
    message: e.message,
    involvedObject: { kind, namespace: e.involved_object?.namespace ?? "", name: e.involved_object?.name ?? "", uid: e.involved_object?.uid ?? "" },
    source: e.source,
    firstTimestamp: Number(e.first_timestamp_ms),
    lastTimestamp: Number(e.last_timestamp_ms),
    count: e.count,
    classification: cls,
    attributes: { ...e.attributes },
  };
}

const isCancel = (e: unknown): boolean => (e as { code?: number }).code === 1;

/** WatchPods with send_initial: current pods replay as ADDED, then every change. */
export function controlPodSource(control: ControlClient, onError: (text: string) => void): PodSource {
  const handlers = new Set<(type: "ADDED" | "MODIFIED" | "DELETED", pod: PodObject, old: PodObject | undefined) => void>();
  let stream: ReturnType<ControlClient["WatchPods"]> | undefined;
  return {
    on(fn) {
      handlers.add(fn);
      return () => void handlers.delete(fn);
    },
    async start() {
      stream = control.WatchPods({ send_initial: true });
      stream.on("data", (c: W.PodChange) => {
        const type = c.type === "DELETED" || c.type === "MODIFIED" ? c.type : "ADDED";
        const pod = podFromWire(c.pod);
        for (const fn of [...handlers]) fn(type, pod, undefined);
      });
      stream.on("error", (e: unknown) => {
        if (!isCancel(e)) onError(`WatchPods: ${errorMessage(e)}`);
      });
    },
    stop() {
      stream?.cancel();
    },
  };
}

/** RecordEvent calls (deadline 5 s each); flush() waits for those in flight. */
export function controlEventRecorder(control: ControlClient, onError: (text: string) => void): EventRecorder & { flush(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  return {
    record(e: NewEvent) {
      const wire: Partial<W.Event> = {
        type: e.type,
        reason: e.reason,
        message: e.message,
        involved_object: { ...e.involvedObject },
        source: e.source ?? "kubelet",
        classification: e.classification ?? "",
        attributes: { ...(e.attributes ?? {}) },
        ...(e.timestamp === undefined ? {} : { first_timestamp_ms: e.timestamp, last_timestamp_ms: e.timestamp }),
      };
      const p = control.RecordEvent(wire, { timeoutMs: 5_000 }).catch((err: unknown) => onError(`RecordEvent ${e.reason}: ${errorMessage(err)}`));
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return undefined;
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}

/** WatchEvents with send_initial: every event (aggregated updates included) as it is recorded. */
export function watchEvents(control: ControlClient, fn: (e: ClusterEvent) => void, onError: (text: string) => void): () => void {
  const stream = control.WatchEvents({ send_initial: true });
  stream.on("data", (e: W.Event) => fn(eventFromWire(e)));
  stream.on("error", (e: unknown) => {
    if (!isCancel(e)) onError(`WatchEvents: ${errorMessage(e)}`);
  });
  return () => stream.cancel();
}
