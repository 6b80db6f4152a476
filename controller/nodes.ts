// Node join, level-triggered from the informers as the real handshake goes (docs/REFERENCE.md §8):
// a Node (instance type from its node.kubernetes.io/instance-type label) whose CNINode carries the
// SecurityGroupsForPods feature gets a trunk ENI (reused when EC2 already has one for the node,
// else CreateNetworkInterface type trunk + AttachNetworkInterface, rate limited), then the label
// vpc.amazonaws.com/has-trunk-attached=true, then status capacity/allocatable
// vpc.amazonaws.com/pod-eni = the branch limit. Types without trunking are tracked without a trunk
// (their SGP pods get "trunk not found") and advertise no pod-eni capacity.

import { hasFeature } from "../cluster/k8s/cninode.js";
import type { NodeObject } from "../cluster/k8s/node.js";
import { errorMessage } from "../common/errors.js";
import { HAS_TRUNK_LABEL, POD_ENI_RESOURCE } from "../common/names.js";
import type { ControllerContext, NodeState } from "./context.js";
import { BRANCH_ENI_LIMITS, branchLimit } from "./limits.js";
import type { NodeInfo } from "./types.js";
import { restoreBranches } from "./restore.js";
import { createVlanPool } from "./vlan.js";
import type { JobResult } from "./workqueue.js";

const DONE: JobResult = { kind: "done" };

export async function reconcileNode(ctx: ControllerContext, name: string, onReady: (node: NodeState) => void): Promise<JobResult> {
  const node = ctx.informers.nodes.get({ namespace: "", name });
  if (node === undefined) return DONE;
  const limit = branchLimit(node.instanceType);
  if (limit === undefined) {
    ctx.log("error", "node has no known instance type: no trunk ENI", { node: name, instanceType: node.instanceType, known: Object.keys(BRANCH_ENI_LIMITS).join(",") });
    return DONE;
  }
  let state = ctx.nodes.get(name);
  if (state === undefined) {
    // A trunk that outlived a controller restart is matched against the pods' annotations: wait
    // until the pods are listed.
    if (!ctx.informers.pods.hasSynced()) return { kind: "after", ms: 100 };
    const wantsTrunk = limit > 0 && hasFeature(ctx.informers.cniNodes.get({ namespace: "", name }));
    // A trunk-capable node waits for ipamd's CNINode feature (it asks for the trunk).
    if (limit > 0 && !wantsTrunk) return DONE;
    try {
      state = await join(ctx, node, limit);
    } catch (e) {
      if (ctx.abort.signal.aborted) return DONE;
      ctx.log("error", "trunk ENI creation failed, will retry", { node: name, error: errorMessage(e) });
      return { kind: "retry" };
    }
    onReady(state);
  }
  await advertise(ctx, node, state);
  return DONE;
}

/** The trunk (reused or created) and the node's state; a concurrent join of the same node wins first. */
async function join(ctx: ControllerContext, node: NodeObject, limit: number): Promise<NodeState> {
  let trunk = { eniId: "", mac: "", deviceNumber: -1, subnetCidr: ctx.config.ec2.primarySubnetCidr };
  let reused = false;
  if (limit > 0) {
    // The instance as EC2 has it (the in-process fake: the one the harness launched; the remote
    // client: looked up by its Name tag, with the ENIs it already has).
    await ctx.ec2.launchInstance(node.name, 0, ctx.abort.signal);
    const existing = ctx.ec2.list({ nodeName: node.name, kind: "trunk" })[0];
    if (existing !== undefined) {
      // A restarted controller reuses the trunk EC2 already has for the instance (trunk.go InitTrunk).
      trunk = { eniId: existing.eniId, mac: existing.mac, deviceNumber: existing.deviceNumber, subnetCidr: existing.subnetCidr };
      reused = true;
    } else {
      const signal = ctx.abort.signal;
      const eni = await ctx.ec2.createNetworkInterface({ kind: "trunk", subnet: "primary", description: "trunk-eni" }, signal);
      // helper.go: a trunk gets an instance-attach permission right after its creation.
      if (ctx.config.ec2.clientModel === "split") await ctx.ec2.createNetworkInterfacePermission(eni.eniId, signal);
      const deviceNumber = await ctx.ec2.attachNetworkInterface({ eniId: eni.eniId, nodeName: node.name }, signal);
      trunk = { eniId: eni.eniId, mac: eni.mac, deviceNumber, subnetCidr: eni.subnetCidr };
    }
  }
  const raced = ctx.nodes.get(node.name);
  if (raced !== undefined) return raced;
  const info: NodeInfo = Object.freeze({
    name: node.name,
    instanceType: node.instanceType,
    branchLimit: limit,
    trunkEniId: trunk.eniId,
    trunkMac: trunk.mac,
    trunkDeviceNumber: trunk.deviceNumber,
    subnetCidr: trunk.subnetCidr,
    branchSubnetCidr: ctx.config.ec2.branchSubnetCidr,
  });
  const state: NodeState = {
    info, startedAt: ctx.clock.now(), vlans: createVlanPool(), branches: new Map(), inflight: 0,
    deleteQueue: [], deleteTimer: undefined, deleting: false,
  };
  ctx.nodes.set(node.name, state);
  if (reused) restoreBranches(ctx, state);
  return state;
}

/** The label, then the capacity; each written only when it differs (the reconcile re-runs on every change). */
async function advertise(ctx: ControllerContext, node: NodeObject, state: NodeState): Promise<void> {
  if (state.info.trunkEniId === "") return;
  const ref = { namespace: "", name: node.name };
  if (node.labels[HAS_TRUNK_LABEL] !== "true") {
    await ctx.cluster.nodes.patch(ref, { metadata: { labels: { [HAS_TRUNK_LABEL]: "true" } } });
  }
  const want = String(state.info.branchLimit);
  if (node.capacity[POD_ENI_RESOURCE] !== want || node.allocatable[POD_ENI_RESOURCE] !== want) {
    await ctx.cluster.nodes.patch(ref, { status: { capacity: { [POD_ENI_RESOURCE]: want }, allocatable: { [POD_ENI_RESOURCE]: want } } }, { subresource: "status" });
  }
}
