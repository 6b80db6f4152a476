// Builds TimelineData from what a run leaves behind: the kubelet loop's observations (sandbox
// attempts), the pods and events of the cluster store, and the controller's provisioning records
// (or, when the controller runs in another process, the ResourceAllocated events).

import type { ClusterEvent, PodObject } from "../../cluster/k8s/index.js";
import { POD_ENI_RESOURCE } from "../../common/names.js";
import type { ProvisioningRecord } from "../../controller/index.js";
import type { KubeletObservation } from "../../runtime/index.js";
import type { PodTimeline, ProvisioningWindow, SandboxAttempt, TimelineData } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Collects attempts and running times from kubelet observations (any number of kubelets). */
export class AttemptLog {
  readonly #attempts = new Map<string, Mutable<SandboxAttempt>[]>();
  readonly #running = new Map<string, number>();
  #failed = 0;

  readonly observe = (o: KubeletObservation): void => {
    const key = `${o.pod.namespace}/${o.pod.name}/${o.pod.uid}`;
    if (o.kind === "attempt-start") {
      const list = this.#attempts.get(key) ?? [];
      list.push({ sandboxId: o.sandboxId, start: o.at, end: undefined, outcome: "pending", message: "", classification: "" });
      this.#attempts.set(key, list);
    } else if (o.kind === "attempt-end") {
      const a = this.#attempts.get(key)?.find((x) => x.sandboxId === o.sandboxId);
      if (a === undefined) return;
      a.end = o.at;
      a.outcome = o.ok ? "ok" : "failed";
      a.message = o.error;
      a.classification = o.ok ? "" : o.classification;
      if (!o.ok) this.#failed++;
    } else if (o.kind === "running" && !this.#running.has(key)) {
      this.#running.set(key, o.at);
    }
  };

  attempts(pod: { namespace: string; name: string; uid: string }): readonly SandboxAttempt[] {
    return this.#attempts.get(`${pod.namespace}/${pod.name}/${pod.uid}`) ?? [];
  }

  runningAt(pod: { namespace: string; name: string; uid: string }): number | undefined {
    return this.#running.get(`${pod.namespace}/${pod.name}/${pod.uid}`);
  }

  runningCount(): number {
    return this.#running.size;
  }

  failedCount(): number {
    return this.#failed;
  }
}

/** The pod's provisioning from the controller's records: first queued -> allocated (or last try). */
export function windowFromRecords(records: readonly ProvisioningRecord[]): ProvisioningWindow | undefined {
  if (records.length === 0) return undefined;
  const first = records[0] as ProvisioningRecord;
  const ok = records.find((r) => r.outcome === "allocated");
  const last = records[records.length - 1] as ProvisioningRecord;
  const end = ok?.endedAt ?? (last.outcome === "in-progress" ? undefined : last.endedAt);
  const outcome = ok !== undefined ? "ok" : last.outcome === "in-progress" ? "pending" : "failed";
  return { start: first.queuedAt, end, outcome, vlanId: ok?.vlanId, eniId: ok?.eniId };
}

/** Without records: scheduled -> ResourceAllocated event (vlan/eni from its attributes). */
export function windowFromEvents(pod: PodObject, events: readonly ClusterEvent[]): ProvisioningWindow | undefined {
  if (pod.limits[POD_ENI_RESOURCE] === undefined || pod.scheduledAt === undefined) return undefined;
  const done = events.find((e) => e.reason === "ResourceAllocated");
  const vlan = done?.attributes["vlanId"];
  return {
    start: pod.scheduledAt,
    end: done?.firstTimestamp,
    outcome: done === undefined ? "pending" : "ok",
    vlanId: vlan === undefined ? undefined : Number(vlan),
    eniId: done?.attributes["eniId"],
  };
}

export interface BuildInput {
  title: string;
  mode: "real" | "simulated";
  runStart: number;
  runEnd: number;
  pods: readonly PodObject[];
  events: readonly ClusterEvent[];
  attempts: AttemptLog;
  provisioning?: readonly ProvisioningRecord[];
}

const podKey = (ns: string, name: string): string => `${ns}/${name}`;

export function buildTimeline(input: BuildInput): TimelineData {
  const eventsByPod = new Map<string, ClusterEvent[]>();
  const clusterEvents: ClusterEvent[] = [];
  for (const e of input.events) {
    if (e.involvedObject.kind !== "Pod") clusterEvents.push(e);
    else eventsByPod.set(podKey(e.involvedObject.namespace, e.involvedObject.name), [...(eventsByPod.get(podKey(e.involvedObject.namespace, e.involvedObject.name)) ?? []), e]);
  }
  const recordsByPod = new Map<string, ProvisioningRecord[]>();
  for (const r of input.provisioning ?? []) {
    const k = `${r.namespace}/${r.name}/${r.uid}`;
    recordsByPod.set(k, [...(recordsByPod.get(k) ?? []), r]);
  }
  const pods = [...input.pods].sort((a, b) => a.createdAt - b.createdAt).map((pod): PodTimeline => {
    const events = (eventsByPod.get(podKey(pod.namespace, pod.name)) ?? []).filter((e) => e.involvedObject.uid === "" || e.involvedObject.uid === pod.uid);
    const provisioning = input.provisioning === undefined
      ? windowFromEvents(pod, events)
      : windowFromRecords(recordsByPod.get(`${pod.namespace}/${pod.name}/${pod.uid}`) ?? []);
    return {
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      nodeName: pod.nodeName,
      branch: pod.limits[POD_ENI_RESOURCE] !== undefined,
      createdAt: pod.createdAt,
      scheduledAt: pod.scheduledAt,
      runningAt: input.attempts.runningAt(pod),
      attempts: input.attempts.attempts(pod),
      provisioning,
      events: [...events].sort((a, b) => a.firstTimestamp - b.firstTimestamp),
    };
  });
  return { title: input.title, mode: input.mode, runStart: input.runStart, runEnd: input.runEnd, pods, clusterEvents };
}
