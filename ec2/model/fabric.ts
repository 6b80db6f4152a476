// The VPC's own routing view (not an EC2 action): which instance holds every address, and through
// which interface. The real VPC delivers a packet to the ENI that owns its destination address; a
// branch ENI's traffic rides its trunk's instance with the association's VLAN (docs/REFERENCE.md §9).
// The fabric of cluster mode (ipamd/fabric) programs each node from this view. Pure.

import type { Ec2Model } from "./model.js";
import type { InterfaceType } from "./types.js";

export interface FabricInstance {
  readonly instanceId: string;
  /** The Name tag (the Kubernetes node name in cluster mode); "" when untagged. */
  readonly name: string;
  /** The primary ENI's primary address: where the VPC delivers the instance's traffic. */
  readonly privateIp: string;
}

export interface FabricInterface {
  readonly eniId: string;
  readonly interfaceType: InterfaceType;
  readonly macAddress: string;
  readonly subnetCidr: string;
  /** The primary address first, then the secondary ones. */
  readonly ips: readonly string[];
  /** The instance the interface is attached to; for a branch ENI, its trunk's instance. */
  readonly instanceId: string;
  /** Branch ENIs: the trunk and the VLAN the association gave. */
  readonly trunkEniId?: string;
  readonly vlanId?: number;
}

export interface FabricView {
  readonly vpcId: string;
  readonly cidrs: readonly string[];
  /** Running instances only: a terminated one holds no addresses. */
  readonly instances: readonly FabricInstance[];
  /** Interfaces that reach a running instance (attached, or associated with an attached trunk). */
  readonly interfaces: readonly FabricInterface[];
}

export function fabricView(m: Ec2Model): FabricView {
  const running = new Map<string, FabricInstance>();
  for (const i of m.instances.values()) {
    if (i.state === "running") running.set(i.instanceId, { instanceId: i.instanceId, name: i.tags.get("Name") ?? "", privateIp: i.privateIp });
  }
  const interfaces: FabricInterface[] = [];
  for (const e of m.enis.values()) {
    const base = { eniId: e.eniId, interfaceType: e.interfaceType, macAddress: e.macAddress, subnetCidr: m.subnetCidr(e.subnetId), ips: [...e.ips] };
    if (e.interfaceType !== "branch") {
      const owner = e.attachment?.instanceId;
      if (owner !== undefined && running.has(owner)) interfaces.push({ ...base, instanceId: owner });
      continue;
    }
    const assoc = m.associations.get(m.branchAssociation.get(e.eniId) ?? "");
    const owner = assoc === undefined ? undefined : m.enis.get(assoc.trunkEniId)?.attachment?.instanceId;
    if (assoc !== undefined && owner !== undefined && running.has(owner)) {
      interfaces.push({ ...base, instanceId: owner, trunkEniId: assoc.trunkEniId, vlanId: assoc.vlanId });
    }
  }
  interfaces.sort((a, b) => (a.eniId < b.eniId ? -1 : a.eniId > b.eniId ? 1 : 0));
  return { vpcId: m.vpc.vpcId, cidrs: [...m.vpc.cidrs], instances: [...running.values()], interfaces };
}
