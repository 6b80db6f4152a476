// The fake EC2's state, as the service sees it: ENIs, subnets, device indexes, trunk VLANs and the
// server-side faults. Every operation is synchronous and throws Ec2Error with EC2's real codes;
// ec2.ts puts clients (rate limit, latency, retries, call log) in front of it.

import { Ec2Error, isEc2Error } from "../common/ec2/errors.js";
import { createIdSource, createSubnetPool } from "./ids.js";
import type { Ec2Config, Ec2Faults, EniKind, EniState, NetworkInterface, Rng } from "./types.js";

export { Ec2Error, isEc2Error };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** EC2's record of an ENI: the public view plus the trunk a branch is associated with. */
type EniRecord = Mutable<NetworkInterface> & { trunkEniId: string };

export type CreateEniRequest = { kind: EniKind; subnet: "primary" | "branch"; secondaryIpCount?: number; securityGroupIds?: string[] };

export interface Ec2Service {
  launchInstance(nodeName: string, secondaryIpCount?: number): NetworkInterface;
  create(req: CreateEniRequest): NetworkInterface;
  permission(eniId: string): void;
  associate(req: { trunkEniId: string; branchEniId: string; vlanId: number }): string;
  attach(req: { eniId: string; nodeName: string; deviceIndex?: number }): number;
  detach(eniId: string): void;
  remove(eniId: string): void;
  describe(eniId: string): NetworkInterface | undefined;
  list(filter?: { nodeName?: string; kind?: EniKind }): NetworkInterface[];
  tagPod(eniId: string, pod: { namespace: string; name: string; uid: string }, state: EniState): void;
  faults: Ec2Faults;
}

export function createEc2Service(rng: Rng, config: Pick<Ec2Config, "primarySubnetCidr" | "branchSubnetCidr" | "deletedEniLimit">): Ec2Service {
  const ids = createIdSource(rng);
  const subnets = { primary: createSubnetPool(config.primarySubnetCidr), branch: createSubnetPool(config.branchSubnetCidr) };
  const enis = new Map<string, EniRecord>();
  /** Trunk ENI id -> VLAN id -> associated branch ENI id. */
  const vlans = new Map<string, Map<number, string>>();
  const devices = new Map<string, Set<number>>();
  const primaries = new Map<string, string>();
  /** Deleted ENIs in deletion order: describe() still answers for the newest deletedEniLimit. */
  const deleted: string[] = [];

  const mustGet = (eniId: string): EniRecord => {
    const eni = enis.get(eniId);
    if (eni === undefined || eni.state === "deleted") {
      throw new Ec2Error("InvalidNetworkInterfaceID.NotFound", `The networkInterface ID '${eniId}' does not exist`);
    }
    return eni;
  };
  const devicesOf = (nodeName: string): Set<number> => {
    const used = devices.get(nodeName) ?? new Set<number>();
    devices.set(nodeName, used);
    return used;
  };

  const snapshot = (e: NetworkInterface & { trunkEniId?: string }): NetworkInterface => {
    const { trunkEniId: _internal, ...pub } = e;
    return Object.freeze({ ...pub, privateIps: [...e.privateIps], securityGroupIds: [...e.securityGroupIds] });
  };

  const newEni = (kind: EniKind, subnet: "primary" | "branch", secondaryIpCount: number, securityGroupIds: readonly string[]): EniRecord => {
    const pool = subnets[subnet];
    const wanted = 1 + secondaryIpCount;
    if (svc.faults.subnetExhausted || pool.free() < wanted) {
      throw new Ec2Error("InsufficientFreeAddressesInSubnet", `There are not enough free addresses in subnet '${pool.cidr}' to satisfy the requested number of instances.`);
    }
    const ips: string[] = [];
    for (let i = 0; i < wanted; i++) ips.push(pool.allocate() as string);
    const eni: EniRecord = {
      trunkEniId: "",
      eniId: ids.eniId(),
      mac: ids.mac(),
      kind,
      subnetCidr: pool.cidr,
      privateIps: ips,
      securityGroupIds: [...securityGroupIds],
      nodeName: "",
      deviceNumber: -1,
      vlanId: 0,
      associationId: "",
      state: "available",
      podNamespace: "",
      podName: "",
      podUid: "",
    };
    enis.set(eni.eniId, eni);
    return eni;
  };

  const svc: Ec2Service = {
    faults: { throttleRate: 0, failureRate: 0, subnetExhausted: false },
    launchInstance(nodeName, secondaryIpCount = 0) {
      // RunInstances is not modelled: the primary ENI exists with the instance, at device 0, and
      // costs no rate-limited call (the controller and ipamd never create it).
      const existing = primaries.get(nodeName);
      if (existing !== undefined) return snapshot(mustGet(existing));
      const eni = newEni("primary", "primary", secondaryIpCount, []);
      devicesOf(nodeName).add(0);
      Object.assign(eni, { nodeName, deviceNumber: 0, state: "attached" });
      primaries.set(nodeName, eni.eniId);
      return snapshot(eni);
    },
    create: (req) => snapshot(newEni(req.kind, req.subnet, req.secondaryIpCount ?? 0, req.securityGroupIds ?? [])),
    permission: (eniId) => void mustGet(eniId),
    associate(req) {
      const trunk = mustGet(req.trunkEniId);
      const branch = mustGet(req.branchEniId);
      if (trunk.kind !== "trunk") throw new Ec2Error("InvalidParameterValue", `${req.trunkEniId} is not a trunk interface`);
      const onTrunk = vlans.get(trunk.eniId) ?? new Map<number, string>();
      vlans.set(trunk.eniId, onTrunk);
      const clash = onTrunk.get(req.vlanId);
      if (clash !== undefined) throw new Ec2Error("InvalidParameterValue", `VLAN ${req.vlanId} is already in use on ${req.trunkEniId} by ${clash}`);
      onTrunk.set(req.vlanId, branch.eniId);
      Object.assign(branch, { trunkEniId: trunk.eniId, nodeName: trunk.nodeName, vlanId: req.vlanId, associationId: ids.associationId(), state: "associated" });
      return branch.associationId;
    },
    attach(req) {
      const eni = mustGet(req.eniId);
      if (eni.nodeName !== "") throw new Ec2Error("InvalidParameterValue", `${req.eniId} is already attached to ${eni.nodeName}`);
      const used = devicesOf(req.nodeName);
      let index = req.deviceIndex ?? 0;
      if (req.deviceIndex === undefined) while (used.has(index)) index++;
      else if (used.has(index)) throw new Ec2Error("InvalidParameterValue", `device index ${index} is in use on ${req.nodeName}`);
      used.add(index);
      Object.assign(eni, { nodeName: req.nodeName, deviceNumber: index, state: "attached" });
      return index;
    },
    detach(eniId) {
      const eni = mustGet(eniId);
      devices.get(eni.nodeName)?.delete(eni.deviceNumber);
      Object.assign(eni, { nodeName: "", deviceNumber: -1, state: "available" });
    },
    remove(eniId) {
      const eni = mustGet(eniId);
      if (eni.kind !== "branch" && eni.nodeName !== "") throw new Ec2Error("InvalidNetworkInterface.InUse", `The interface ${eniId} is currently in use.`);
      if (eni.trunkEniId !== "") vlans.get(eni.trunkEniId)?.delete(eni.vlanId);
      for (const ip of eni.privateIps) subnets[eni.kind === "branch" ? "branch" : "primary"].release(ip);
      eni.state = "deleted";
      deleted.push(eniId);
      if (deleted.length > config.deletedEniLimit) for (const id of deleted.splice(0, deleted.length - config.deletedEniLimit)) enis.delete(id);
    },
    describe(eniId) {
      const e = enis.get(eniId);
      return e === undefined ? undefined : snapshot(e);
    },
    list: (filter) =>
      [...enis.values()]
        .filter((e) => e.state !== "deleted" && (filter?.nodeName === undefined || e.nodeName === filter.nodeName) && (filter?.kind === undefined || e.kind === filter.kind))
        .map(snapshot),
    tagPod(eniId, pod, state) {
      const eni = enis.get(eniId);
      if (eni !== undefined) Object.assign(eni, { podNamespace: pod.namespace, podName: pod.name, podUid: pod.uid, state });
    },
  };
  return svc;
}
