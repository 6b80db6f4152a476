// The controller's EC2 port (Ec2Api) over the SDK client (common/ec2): the same calls the in-process
// fake models, made against a real endpoint (mock-ec2 in cluster mode). Nodes are found by their
// instance's Name tag; "primary" and "branch" subnets by their CIDR; the controller's bookkeeping
// (describe, list, tagPod) is kept here, from what the replies said.

import type { Ec2Client } from "../common/ec2/client.js";
import { isEc2Error } from "../common/ec2/errors.js";
import type { Ec2HarnessClient } from "../common/ec2/harness.js";
import { findInstance } from "../common/ec2/node.js";
import type { Ec2Eni } from "../common/ec2/types.js";
import { HarnessError } from "../common/errors.js";
import type { CreateEniSpec, Ec2Api, Ec2CallRecord, Ec2Faults, EniKind, EniState, NetworkInterface } from "./types.js";

export interface RemoteEc2Options {
  /** Makes the SDK client of one caller (its name is the access key id mock-ec2 logs). */
  readonly makeClient: (name: string, limit?: { qps: number; burst: number }) => Ec2Client;
  /** This client's name and client-side limit (the controller's: 12 QPS burst 18). */
  readonly name: string;
  readonly limit?: { qps: number; burst: number };
  /** Subnets by CIDR (as Ec2Config's): ordinary and trunk ENIs, and branch ENIs. */
  readonly primarySubnetCidr: string;
  readonly branchSubnetCidr: string;
  /** The account CreateNetworkInterfacePermission grants to (the real wrapper adds the caller's). */
  readonly accountId?: string;
  /** When given, setFaults reaches mock-ec2's /_harness/faults (EC2 faults are the service's). */
  readonly harness?: Ec2HarnessClient;
  readonly onError?: (what: string, e: unknown) => void;
}

type Rec = { -readonly [K in keyof NetworkInterface]: NetworkInterface[K] } & { attachmentId: string };

/** State shared by every client of one remote EC2 (the in-process fake shares its service likewise). */
interface Shared {
  readonly enis: Map<string, Rec>;
  readonly nodes: Map<string, { instanceId: string; devices: Set<number> }>;
  readonly subnets: Map<string, Promise<{ subnetId: string; cidr: string }>>;
  readonly clients: Ec2Client[];
  faults: Ec2Faults;
}

/** Deleted ENIs still described (oldest forgotten first), as the in-process fake keeps them. */
const MAX_DELETED = 10_000;

export function createRemoteEc2(o: RemoteEc2Options): Ec2Api {
  const shared: Shared = { enis: new Map(), nodes: new Map(), subnets: new Map(), clients: [], faults: { throttleRate: 0, failureRate: 0, subnetExhausted: false } };
  return new RemoteEc2(o, shared, o.makeClient(o.name, o.limit));
}

function record(e: Ec2Eni, kind: EniKind, subnetCidr: string): Rec {
  return {
    eniId: e.eniId, mac: e.macAddress, kind, subnetCidr, privateIps: e.privateIps.map((p) => p.ip), securityGroupIds: [...e.securityGroupIds],
    nodeName: "", deviceNumber: e.attachment?.deviceIndex ?? -1, vlanId: 0, associationId: "", state: e.attachment === undefined ? "available" : "attached",
    podNamespace: "", podName: "", podUid: "", attachmentId: e.attachment?.attachmentId ?? "",
  };
}

function snapshot(r: Rec): NetworkInterface {
  const { attachmentId: _a, ...pub } = r;
  return Object.freeze({ ...pub, privateIps: [...r.privateIps], securityGroupIds: [...r.securityGroupIds] });
}

class RemoteEc2 implements Ec2Api {
  readonly #o: RemoteEc2Options;
  readonly #s: Shared;
  readonly #c: Ec2Client;

  constructor(o: RemoteEc2Options, s: Shared, client: Ec2Client) {
    this.#o = o;
    this.#s = s;
    this.#c = client;
    s.clients.push(client);
  }

  async launchInstance(nodeName: string, secondaryIpCount = 0, signal?: AbortSignal): Promise<NetworkInterface> {
    this.#s.nodes.delete(nodeName);
    const n = await this.#node(nodeName, signal);
    // Everything already on the instance: a restarted controller finds its trunk and the ENIs.
    const attached = await this.#c.describeNetworkInterfaces({ filters: [{ name: "attachment.instance-id", values: [n.instanceId] }] }, signal);
    const { cidr } = await this.#subnet("primary", signal);
    for (const e of attached) {
      const kind: EniKind = e.interfaceType === "trunk" ? "trunk" : e.attachment?.deviceIndex === 0 ? "primary" : "secondary";
      this.#s.enis.set(e.eniId, { ...record(e, kind, cidr), nodeName });
    }
    await this.#loadBranches(nodeName, signal);
    const primary = [...this.#s.enis.values()].find((r) => r.nodeName === nodeName && r.kind === "primary");
    if (primary === undefined) throw new HarnessError("internal", `EC2: instance ${n.instanceId} of node ${nodeName} has no primary ENI`);
    // The fake makes the primary ENI with its secondary addresses; here they are assigned once.
    const missing = 1 + secondaryIpCount - primary.privateIps.length;
    if (missing > 0) primary.privateIps = [...primary.privateIps, ...(await this.#c.assignPrivateIpAddresses({ eniId: primary.eniId, count: missing }, signal))];
    return snapshot(primary);
  }

  async createNetworkInterface(req: CreateEniSpec, signal?: AbortSignal): Promise<NetworkInterface> {
    const sub = await this.#subnet(req.subnet, signal);
    const eni = await this.#c.createNetworkInterface({
      subnetId: sub.subnetId, secondaryIpCount: req.secondaryIpCount ?? 0,
      ...(req.description === undefined ? {} : { description: req.description }),
      ...(req.securityGroupIds === undefined ? {} : { securityGroupIds: req.securityGroupIds }),
      // The real controller creates a branch as a plain interface; EC2 calls it branch once associated.
      ...(req.kind === "trunk" ? { interfaceType: "trunk" as const } : {}),
      ...(req.tags === undefined ? {} : { tags: req.tags }),
    }, signal);
    const r = record(eni, req.kind, sub.cidr);
    this.#s.enis.set(r.eniId, r);
    return snapshot(r);
  }

  async createNetworkInterfacePermission(eniId: string, signal?: AbortSignal): Promise<void> {
    await this.#c.createNetworkInterfacePermission({ eniId, accountId: this.#o.accountId ?? "123456789012" }, signal);
  }

  async associateTrunkInterface(req: { trunkEniId: string; branchEniId: string; vlanId: number }, signal?: AbortSignal): Promise<string> {
    const a = await this.#c.associateTrunkInterface(req, signal);
    const branch = this.#s.enis.get(req.branchEniId);
    if (branch !== undefined) {
      Object.assign(branch, { nodeName: this.#s.enis.get(req.trunkEniId)?.nodeName ?? "", vlanId: a.vlanId, associationId: a.associationId, state: "associated" });
    }
    return a.associationId;
  }

  async attachNetworkInterface(req: { eniId: string; nodeName: string; deviceIndex?: number }, signal?: AbortSignal): Promise<number> {
    const r = this.#known(req.eniId);
    const n = await this.#node(req.nodeName, signal);
    let index = req.deviceIndex ?? 1;
    if (req.deviceIndex === undefined) while (n.devices.has(index)) index++;
    const { attachmentId } = await this.#c.attachNetworkInterface({ eniId: req.eniId, instanceId: n.instanceId, deviceIndex: index }, signal);
    n.devices.add(index);
    Object.assign(r, { nodeName: req.nodeName, deviceNumber: index, state: "attached", attachmentId });
    // Both the controller (trunk) and ipamd set delete-on-termination right after the attach.
    await this.#c.setDeleteOnTermination({ eniId: req.eniId, attachmentId, deleteOnTermination: true }, signal);
    return index;
  }

  async detachNetworkInterface(eniId: string, signal?: AbortSignal): Promise<void> {
    const r = this.#known(eniId);
    let attachmentId = r.attachmentId;
    if (attachmentId === "") attachmentId = (await this.#c.describeNetworkInterfaces({ eniIds: [eniId] }, signal))[0]?.attachment?.attachmentId ?? "";
    if (attachmentId === "") throw new HarnessError("conflict", `ENI ${eniId} is not attached`);
    await this.#c.detachNetworkInterface({ attachmentId }, signal);
    this.#s.nodes.get(r.nodeName)?.devices.delete(r.deviceNumber);
    Object.assign(r, { nodeName: "", deviceNumber: -1, state: "available", attachmentId: "" });
  }

  async deleteNetworkInterface(eniId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#c.deleteNetworkInterface(eniId, signal);
    } catch (e) {
      // Already gone (e.g. deleted before a restart): the goal is reached.
      if (!isEc2Error(e) || e.code !== "InvalidNetworkInterfaceID.NotFound") throw e;
    }
    const r = this.#s.enis.get(eniId);
    if (r !== undefined) r.state = "deleted";
    const deleted = [...this.#s.enis.values()].filter((x) => x.state === "deleted");
    for (const x of deleted.slice(0, Math.max(0, deleted.length - MAX_DELETED))) this.#s.enis.delete(x.eniId);
  }

  describe(eniId: string): NetworkInterface | undefined {
    const r = this.#s.enis.get(eniId);
    return r === undefined ? undefined : snapshot(r);
  }

  list(filter?: { nodeName?: string; kind?: EniKind }): NetworkInterface[] {
    return [...this.#s.enis.values()]
      .filter((r) => r.state !== "deleted" && (filter?.nodeName === undefined || r.nodeName === filter.nodeName) && (filter?.kind === undefined || r.kind === filter.kind))
      .map(snapshot);
  }

  tagPod(eniId: string, pod: { namespace: string; name: string; uid: string }, state: EniState): void {
    const r = this.#s.enis.get(eniId);
    if (r !== undefined) Object.assign(r, { podNamespace: pod.namespace, podName: pod.name, podUid: pod.uid, state });
  }

  callLog(): readonly Ec2CallRecord[] {
    return this.#s.clients.flatMap((c) => c.callLog() as readonly Ec2CallRecord[]).sort((a, b) => a.requestedAt - b.requestedAt);
  }

  setFaults(f: Partial<Ec2Faults>): Ec2Faults {
    const next = Object.freeze({ ...this.#s.faults, ...f });
    const changed = JSON.stringify(next) !== JSON.stringify(this.#s.faults);
    this.#s.faults = next;
    const { harness, onError } = this.#o;
    if (changed && harness !== undefined) void harness.setFaults(next).catch((e: unknown) => onError?.("setting mock-ec2 faults", e));
    return next;
  }

  getFaults(): Ec2Faults {
    return this.#s.faults;
  }

  client(name: string, limit?: { qps: number; burst: number }): Ec2Api {
    return new RemoteEc2(this.#o, this.#s, this.#o.makeClient(name, limit));
  }

  /** The "primary" or "branch" subnet, found once by its CIDR. */
  #subnet(which: "primary" | "branch", signal?: AbortSignal): Promise<{ subnetId: string; cidr: string }> {
    const cidr = which === "primary" ? this.#o.primarySubnetCidr : this.#o.branchSubnetCidr;
    let p = this.#s.subnets.get(cidr);
    if (p === undefined) {
      p = this.#c.describeSubnets({ filters: [{ name: "cidr-block", values: [cidr] }] }, signal).then(([sub]) => {
        if (sub === undefined) throw new HarnessError("not-found", `EC2 at ${this.#c.endpoint} has no subnet ${cidr}`);
        return { subnetId: sub.subnetId, cidr: sub.cidr };
      });
      this.#s.subnets.set(cidr, p);
      p.catch(() => this.#s.subnets.delete(cidr));
    }
    return p;
  }

  /**
   * The branch ENIs associated with the node's trunk (DescribeTrunkInterfaceAssociations, then
   * their interfaces): what a restarted controller must account for (trunk.go InitTrunk).
   */
  async #loadBranches(nodeName: string, signal?: AbortSignal): Promise<void> {
    const trunk = [...this.#s.enis.values()].find((r) => r.nodeName === nodeName && r.kind === "trunk" && r.state !== "deleted");
    if (trunk === undefined) return;
    const assocs = await this.#c.describeTrunkInterfaceAssociations({ trunkEniId: trunk.eniId }, signal);
    if (assocs.length === 0) return;
    const enis = await this.#c.describeNetworkInterfaces({ eniIds: assocs.map((a) => a.branchEniId) }, signal);
    const { cidr } = await this.#subnet("branch", signal);
    for (const e of enis) {
      const a = assocs.find((x) => x.branchEniId === e.eniId);
      if (a === undefined) continue;
      this.#s.enis.set(e.eniId, { ...record(e, "branch", cidr), nodeName, vlanId: a.vlanId, associationId: a.associationId, state: "associated" });
    }
  }

  #known(eniId: string): Rec {
    const r = this.#s.enis.get(eniId);
    if (r === undefined) throw new HarnessError("not-found", `ENI ${eniId} was not made or seen by this controller`);
    return r;
  }

  /** The node's instance (by its Name tag) and the device indexes in use on it. */
  async #node(nodeName: string, signal?: AbortSignal): Promise<{ instanceId: string; devices: Set<number> }> {
    const cached = this.#s.nodes.get(nodeName);
    if (cached !== undefined) return cached;
    const inst = await findInstance(this.#c, { nodeName }, signal);
    const n = { instanceId: inst.instanceId, devices: new Set(inst.networkInterfaces.map((e) => e.deviceIndex)) };
    this.#s.nodes.set(nodeName, n);
    return n;
  }
}
