// Where a pod's branch ENI provisioning stands, in one line for a refused ADD's details: from the
// fake VPC resource controller's provisioning records, its delay config and its capacity events.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import type { ProvisioningDelay, ProvisioningRecord } from "../../controller/index.js";
import { describeDelay } from "../../controller/index.js";

export interface ProgressInputs {
  records: readonly ProvisioningRecord[];
  now: number;
  /** The controller's provisioning delay in force (the wait after the three EC2 calls). */
  delay?: ProvisioningDelay;
  /** The pod's events, to see a capacity wait (BranchAllocationFailed with requeueAfterMs). */
  events?: readonly ClusterEvent[];
}

const secs = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** The delay's expected length when it has one (fixed: exact; distributions: their mean). */
function expectedDelayMs(d: ProvisioningDelay): number {
  switch (d.kind) {
    case "fixed":
      return d.fixedMs;
    case "uniform":
      return (d.minMs + d.maxMs) / 2;
    default:
      return d.meanMs;
  }
}

function latest(records: readonly ProvisioningRecord[], uid: string): ProvisioningRecord | undefined {
  let last: ProvisioningRecord | undefined;
  for (const r of records) if (r.uid === uid && (last === undefined || r.attempt >= last.attempt)) last = r;
  return last;
}

/** A capacity wait leaves no record (controller/provision.ts), only this event. */
function capacityWait(events: readonly ClusterEvent[], uid: string, now: number): { at: number; text: string } | undefined {
  const e = [...events].reverse().find((x) => x.involvedObject.uid === uid && x.reason === "BranchAllocationFailed" && x.attributes.requeueAfterMs !== undefined);
  if (e === undefined) return undefined;
  const retryIn = e.lastTimestamp + Number(e.attributes.requeueAfterMs) - now;
  return { at: e.lastTimestamp, text: `the node is at its branch ENI capacity (limit ${e.attributes.limit ?? "?"}): the fake VPC resource controller retries in ${secs(retryIn)}` };
}

/** One line; says so when the controller has not queued the pod yet. */
export function branchProgress(inputs: ProgressInputs, pod: { uid: string }): string {
  const { records, now, delay } = inputs;
  const last = latest(records, pod.uid);
  const active = last !== undefined && (last.outcome === "in-progress" || last.outcome === "allocated");
  const capacity = capacityWait(inputs.events ?? [], pod.uid, now);
  if (!active && capacity !== undefined && capacity.at >= (last?.endedAt ?? -Infinity)) return capacity.text;
  if (last === undefined) {
    // Not queued yet: the whole job is ahead (three EC2 calls, then the delay).
    const ahead = delay === undefined ? "" : `; then three EC2 calls and the provisioning delay (${describeDelay(delay)}, about ${secs(expectedDelayMs(delay))})`;
    return `the fake VPC resource controller has not queued it yet${ahead}`;
  }
  const since = `being provisioned by the fake VPC resource controller since ${secs(now - last.queuedAt)} (attempt ${last.attempt}`;
  switch (last.outcome) {
    case "in-progress": {
      if (last.ec2DoneAt !== undefined) return `${since}: EC2 calls done, annotation expected in ${secs(last.ec2DoneAt + last.delayMs - now)})`;
      const after = delay === undefined ? "" : `; then the provisioning delay (${describeDelay(delay)}), expected about ${secs(expectedDelayMs(delay))} more`;
      return `${since}: EC2 calls in progress for ${secs(now - last.startedAt)}${after})`;
    }
    case "allocated":
      return `${since}: allocated VLAN ${last.vlanId}, annotation being written)`;
    default:
      return `attempt ${last.attempt} ${last.outcome}${last.error === "" ? "" : `: ${last.error}`}; the controller retries with back-off`;
  }
}
