// Shared state of one controller instance: per-node trunk state (VLANs, branch ENIs, delete
// queue), the run-time knobs, and the event helper every part records through.

import type { Clock, TimerHandle } from "../common/clock.js";
import type { ClusterStore, EventType, FailureClass, PodObject } from "../cluster/types.js";
import type { VlanPool } from "./vlan.js";
import type { ControllerConfig, ControllerDeps, ControllerFaults, Ec2Api, NodeInfo, ProvisioningDelay, ProvisioningRecord, Rng } from "./types.js";

/** The real controller's event source (component) name. */
export const EVENT_SOURCE = "vpc-resource-controller";

export interface BranchAlloc {
  eniId: string;
  mac: string;
  privateIp: string;
  subnetCidr: string;
  vlanId: number;
  associationId: string;
  pod: { namespace: string; name: string; uid: string };
  /** Set when the pod is gone; undefined deletion time means "delete at the next pass" (front of queue). */
  deletionAt: number | undefined;
  deleteRetries: number;
}

export interface NodeState {
  info: NodeInfo;
  startedAt: number;
  vlans: VlanPool;
  /** Branch ENIs by pod uid (trunk.go uidToBranchENIMap). */
  branches: Map<string, BranchAlloc>;
  /** Allocations under way (counted against the branch limit). */
  inflight: number;
  deleteQueue: BranchAlloc[];
  deleteTimer: TimerHandle | undefined;
  deleting: boolean;
}

export interface ControllerContext {
  clock: Clock;
  store: ClusterStore;
  /** The controller's EC2 client (the "user" client in the split model). */
  ec2: Ec2Api;
  /** The client AssociateTrunkInterface goes through: the same one, or the instance client ("split"). */
  instanceEc2: Ec2Api;
  rng: Rng;
  config: ControllerConfig;
  delay: ProvisioningDelay;
  faults: ControllerFaults;
  nodes: Map<string, NodeState>;
  records: ProvisioningRecord[];
  abort: AbortController;
  log: NonNullable<ControllerDeps["log"]>;
}

export type PodRef = Pick<PodObject, "namespace" | "name" | "uid">;

export function podEvent(
  ctx: ControllerContext,
  pod: PodRef,
  type: EventType,
  reason: string,
  message: string,
  attributes: Record<string, string> = {},
  classification: FailureClass = "",
): void {
  ctx.store.recordEvent({
    type,
    reason,
    message,
    involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
    source: EVENT_SOURCE,
    classification,
    attributes,
  });
}

/** The branch limit in force for a node (a capacity override fault replaces the instance's). */
export function effectiveLimit(ctx: ControllerContext, node: NodeState): number {
  const o = ctx.faults.branchCapacityOverride;
  return o > 0 ? o : node.info.branchLimit;
}

/** Branch ENIs counted against the limit: in use, in the delete queue, and being created (trunk.go canCreateMore). */
export function usedBranches(node: NodeState): number {
  return node.branches.size + node.deleteQueue.length + node.inflight;
}
