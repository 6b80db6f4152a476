// Node join: the instance's primary ENI, and for types that support trunking the trunk ENI
// (CreateNetworkInterface with interface type trunk + AttachNetworkInterface, both through the
// rate-limited EC2 client) and the node capacity `vpc.amazonaws.com/pod-eni` = the branch limit.

import { POD_ENI_RESOURCE } from "../cluster/types.js";
import { HarnessError } from "../common/errors.js";
import type { ControllerContext, NodeState } from "./context.js";
import { BRANCH_ENI_LIMITS, branchLimit } from "./limits.js";
import type { AddNodeSpec, NodeInfo } from "./types.js";
import { createVlanPool } from "./vlan.js";

export async function addNode(ctx: ControllerContext, spec: AddNodeSpec, signal?: AbortSignal): Promise<NodeState> {
  const existing = ctx.nodes.get(spec.name);
  if (existing !== undefined) {
    if (existing.info.instanceType !== spec.instanceType) {
      throw new HarnessError("conflict", `node ${spec.name} already joined as ${existing.info.instanceType}, not ${spec.instanceType}`);
    }
    return existing;
  }
  const limit = branchLimit(spec.instanceType);
  if (limit === undefined) {
    throw new HarnessError("invalid-config", `instance type "${spec.instanceType}" has no known branch-ENI limit`, {
      details: `known: ${Object.keys(BRANCH_ENI_LIMITS).join(", ")}`,
    });
  }
  const primary = await ctx.ec2.launchInstance(spec.name, spec.primaryEniSecondaryIps ?? 0, signal);
  let trunk = { eniId: "", mac: "", deviceNumber: -1 };
  if (limit > 0) {
    const eni = await ctx.ec2.createNetworkInterface({ kind: "trunk", subnet: "primary", description: "trunk-eni" }, signal);
    // helper.go: a trunk gets an instance-attach permission right after its creation.
    if (ctx.config.ec2.clientModel === "split") await ctx.ec2.createNetworkInterfacePermission(eni.eniId, signal);
    const deviceNumber = await ctx.ec2.attachNetworkInterface({ eniId: eni.eniId, nodeName: spec.name }, signal);
    trunk = { eniId: eni.eniId, mac: eni.mac, deviceNumber };
  }
  const info: NodeInfo = Object.freeze({
    name: spec.name,
    instanceType: spec.instanceType,
    branchLimit: limit,
    trunkEniId: trunk.eniId,
    trunkMac: trunk.mac,
    trunkDeviceNumber: trunk.deviceNumber,
    primaryEniId: primary.eniId,
    primaryMac: primary.mac,
    primaryIp: primary.privateIps[0] ?? "",
    primaryIps: primary.privateIps,
    subnetCidr: primary.subnetCidr,
    branchSubnetCidr: ctx.config.ec2.branchSubnetCidr,
  });
  // A concurrent addNode of the same node may have finished first.
  const raced = ctx.nodes.get(spec.name);
  if (raced !== undefined) return raced;
  const node: NodeState = {
    info, startedAt: ctx.clock.now(), vlans: createVlanPool(), branches: new Map(), inflight: 0,
    deleteQueue: [], deleteTimer: undefined, deleting: false,
  };
  ctx.nodes.set(spec.name, node);
  ctx.store.upsertNode({
    name: spec.name,
    instanceType: spec.instanceType,
    labels: { "node.kubernetes.io/instance-type": spec.instanceType, ...(spec.labels ?? {}) },
    // Types without trunking advertise no pod-eni capacity at all (the scheduler then keeps SGP pods off them).
    capacity: { ...(spec.capacity ?? {}), ...(limit > 0 ? { [POD_ENI_RESOURCE]: String(limit) } : {}) },
  });
  return node;
}
