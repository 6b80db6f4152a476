// The demo's kube-scheduler for its one node: binds a pod when the node still has room (pods, and
// vpc.amazonaws.com/pod-eni for a pod the SGP webhook gave that limit), else leaves it Pending
// with kube-scheduler's FailedScheduling event (docs/REFERENCE.md §11). Pods are never deleted
// during the demo, so a pod that did not fit stays Pending.

import { POD_ENI_RESOURCE } from "../../common/names.js";
import type { ControlClient } from "../../ipamd/index.js";
import type { ControlWire as W } from "../../ipamd/index.js";
import { failureMessage } from "../../scheduler/index.js";

const CALL = { timeoutMs: 5_000 };

/**
 * kube-scheduler's FitError text for a cluster whose nodes all lack `reason`, with the default
 * preemption plugin's note (no lower-priority pod to evict): the scheduler's own text builder.
 */
export function failedSchedulingMessage(nodes: number, reason: string): string {
  return failureMessage(new Map(Array.from({ length: nodes }, (_, i) => [`node-${i}`, [{ reason, resolvable: true }]])));
}

/** Why the pod does not fit, or "" when it does. Pure. */
export function misfit(capacity: Readonly<Record<string, string>>, used: { pods: number; podEni: number }, wantsPodEni: boolean): string {
  const maxPods = Number(capacity["pods"] ?? "110");
  if (used.pods >= maxPods) return "Too many pods";
  if (wantsPodEni && used.podEni >= Number(capacity[POD_ENI_RESOURCE] ?? "0")) return `Insufficient ${POD_ENI_RESOURCE}`;
  return "";
}

export interface DemoScheduler {
  /** Binds the created pod, or records FailedScheduling; true when bound. */
  schedule(pod: W.Pod): Promise<boolean>;
}

export function demoScheduler(control: ControlClient, capacity: Readonly<Record<string, string>>): DemoScheduler {
  const used = { pods: 0, podEni: 0 };
  return {
    async schedule(pod) {
      const wants = pod.resources?.limits?.[POD_ENI_RESOURCE] !== undefined;
      const why = misfit(capacity, used, wants);
      if (why !== "") {
        await control.RecordEvent({
          type: "Warning", reason: "FailedScheduling", message: failedSchedulingMessage(1, why), source: "default-scheduler",
          involved_object: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid }, classification: "", attributes: {},
        }, CALL);
        return false;
      }
      used.pods++;
      if (wants) used.podEni++;
      await control.SchedulePod({ namespace: pod.namespace, name: pod.name, uid: pod.uid }, CALL);
      return true;
    },
  };
}
