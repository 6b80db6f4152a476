// Shared state of one controller instance: the informers it reads the cluster from, per-node
// trunk state (VLANs, branch ENIs, delete queue), the run-time knobs, and the event helper every
// part records through.

import type { EventRecorder, Informer } from "../cluster/client/index.js";
import type { ClusterClient } from "../cluster/client/types.js";
import type { CniNodeObject, EventType, FailureClass, NodeObject, PodObject, SecurityGroupPolicyObject } from "../cluster/k8s/index.js";
import type { Clock, TimerHandle } from "../common/clock.js";
import { EVENT_SOURCE as SOURCES } from "../common/names.js";
import type { VlanPool } from "./vlan.js";
import type { ControllerConfig, ControllerDeps, ControllerFaults, Ec2Api, NodeInfo, ProvisioningDelay, ProvisioningRecord, Rng } from "./types.js";

/** The real controller's event source (component) name. */
export const EVENT_SOURCE = SOURCES.controller;

/** What the controller watches (docs/REFERENCE.md §8): pods, nodes, SGPs and CNINodes. */
export interface ControllerInformers {
  pods: Informer<PodObject>;
  nodes: Informer<NodeObject>;
  sgps: Informer<SecurityGroupPolicyObject>;
  cniNodes: Informer<CniNodeObject>;
}

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
  cluster: ClusterClient;
  informers: ControllerInformers;
  recorder: EventRecorder;
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
  ctx.recorder.record({
    type,
    reason,
    message,
    involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
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
