// The fake EC2's in-memory state: the records of types.ts, indexed (address owners, attachments,
// trunk associations), with the lookups every action starts with (malformed or unknown ids answer
// EC2's codes) and the id source. Pure: time and randomness are injected, nothing here does I/O.

import { parseCidr } from "../../common/ipv4.js";
import type { SeededRng } from "../../common/rng.js";
import { AddressBook } from "./addresses.js";
import { fault } from "./faults.js";
import type { IdPrefix } from "./ids.js";
import { isWellFormedId, newId, newMac } from "./ids.js";
import type { AssociationRec, EniRec, InstanceRec, PermissionRec, SubnetRec, TokenRec, VpcRec, VpcSpec } from "./types.js";

export interface ModelDeps {
  readonly rng: SeededRng;
  /** Clock time in ms (launch and attach times). */
  readonly now: () => number;
}

/** Everything the model holds, as plain records (what the store writes). */
export interface ModelData {
  readonly accountId: string;
  readonly region: string;
  readonly vpc: VpcRec;
  readonly subnets: readonly SubnetRec[];
  readonly instances: readonly InstanceRec[];
  readonly enis: readonly EniRec[];
  readonly associations: readonly AssociationRec[];
  readonly permissions: readonly PermissionRec[];
  readonly tokens: readonly TokenRec[];
}

/** Idempotency tokens remembered (oldest forgotten first); EC2 keeps them for a limited time too. */
export const MAX_TOKENS = 1000;
/** Terminated instances still described (oldest forgotten first), as EC2 shows them for a while. */
export const MAX_TERMINATED = 100;

export class Ec2Model {
  readonly accountId: string;
  readonly region: string;
  readonly vpc: VpcRec;
  readonly subnets = new Map<string, SubnetRec>();
  readonly instances = new Map<string, InstanceRec>();
  readonly enis = new Map<string, EniRec>();
  readonly associations = new Map<string, AssociationRec>();
  readonly permissions = new Map<string, PermissionRec>();
  readonly tokens = new Map<string, TokenRec>();
  readonly addresses = new AddressBook();
  /** attachment id -> ENI id. */
  readonly attachments = new Map<string, string>();
  /** branch ENI id -> association id. */
  readonly branchAssociation = new Map<string, string>();
  readonly #macs = new Set<string>();
  readonly deps: ModelDeps;
  /** Harness fault: every address request answers InsufficientFreeAddressesInSubnet. */
  subnetExhausted = false;

  private constructor(data: Pick<ModelData, "accountId" | "region" | "vpc">, deps: ModelDeps) {
    this.accountId = data.accountId;
    this.region = data.region;
    this.vpc = data.vpc;
    this.deps = deps;
  }

  /** A new VPC with its subnets (ids from the RNG). */
  static create(spec: VpcSpec, deps: ModelDeps): Ec2Model {
    parseCidr(spec.vpcCidr);
    const vpcId = newId(deps.rng, "vpc", () => false);
    // Every VPC comes with a default security group; interfaces created without groups get it.
    const defaultSecurityGroupId = `sg-${newId(deps.rng, "vpc", () => false).slice(4)}`;
    const vpc: VpcRec = { vpcId, cidrs: [parseCidr(spec.vpcCidr).text], defaultSecurityGroupId, tags: new Map() };
    const m = new Ec2Model({ accountId: spec.accountId, region: spec.region, vpc }, deps);
    for (const s of spec.subnets) {
      m.addSubnet({ subnetId: m.newId("subnet"), cidr: parseCidr(s.cidr).text, availabilityZone: s.availabilityZone, tags: new Map() });
    }
    return m;
  }

  /** The model of stored records; references between them were checked by the decoder. */
  static restore(data: ModelData, deps: ModelDeps): Ec2Model {
    const m = new Ec2Model(data, deps);
    for (const s of data.subnets) m.addSubnet(s);
    for (const i of data.instances) m.instances.set(i.instanceId, i);
    for (const e of data.enis) m.addEni(e);
    for (const a of data.associations) {
      m.associations.set(a.associationId, a);
      m.branchAssociation.set(a.branchEniId, a.associationId);
    }
    for (const p of data.permissions) m.permissions.set(p.permissionId, p);
    for (const t of data.tokens) m.tokens.set(t.token, t);
    return m;
  }

  data(): ModelData {
    return {
      accountId: this.accountId, region: this.region, vpc: this.vpc,
      subnets: [...this.subnets.values()], instances: [...this.instances.values()], enis: [...this.enis.values()],
      associations: [...this.associations.values()], permissions: [...this.permissions.values()], tokens: [...this.tokens.values()],
    };
  }

  now(): number {
    return this.deps.now();
  }

  newId(prefix: IdPrefix): string {
    return newId(this.deps.rng, prefix, (id) => this.#taken(id));
  }

  newMac(): string {
    const mac = newMac(this.deps.rng, (m) => this.#macs.has(m));
    this.#macs.add(mac);
    return mac;
  }

  addSubnet(s: SubnetRec): void {
    this.subnets.set(s.subnetId, s);
    this.addresses.addSubnet(s.subnetId, s.cidr);
  }

  /** Registers an ENI record with its addresses and attachment (it must be valid). */
  addEni(e: EniRec): void {
    this.enis.set(e.eniId, e);
    this.#macs.add(e.macAddress);
    for (const ip of e.ips) this.addresses.claim(e.subnetId, ip, e.eniId);
    if (e.attachment !== undefined) this.attachments.set(e.attachment.attachmentId, e.eniId);
  }

  /** Forgets an ENI: its addresses, attachment, association, permissions. */
  removeEni(e: EniRec): void {
    for (const ip of e.ips) this.addresses.release(e.subnetId, ip);
    if (e.attachment !== undefined) this.attachments.delete(e.attachment.attachmentId);
    const assoc = this.branchAssociation.get(e.eniId);
    if (assoc !== undefined) this.removeAssociation(assoc);
    for (const a of [...this.associations.values()]) if (a.trunkEniId === e.eniId) this.removeAssociation(a.associationId);
    for (const p of [...this.permissions.values()]) if (p.eniId === e.eniId) this.permissions.delete(p.permissionId);
    this.enis.delete(e.eniId);
  }

  removeAssociation(associationId: string): void {
    const a = this.associations.get(associationId);
    if (a === undefined) return;
    this.associations.delete(associationId);
    this.branchAssociation.delete(a.branchEniId);
  }

  /** Remembers an idempotency token (the oldest is forgotten past MAX_TOKENS). */
  rememberToken(t: TokenRec): void {
    this.tokens.set(t.token, t);
    if (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
  }

  eni(id: string): EniRec {
    if (!isWellFormedId("eni", id)) throw fault.eniMalformed(id);
    const e = this.enis.get(id);
    if (e === undefined) throw fault.eniNotFound(id);
    return e;
  }

  instance(id: string): InstanceRec {
    if (!isWellFormedId("i", id)) throw fault.instanceMalformed(id);
    const i = this.instances.get(id);
    if (i === undefined) throw fault.instanceNotFound(id);
    return i;
  }

  runningInstance(id: string): InstanceRec {
    const i = this.instance(id);
    if (i.state !== "running") throw fault.instanceState(id, i.state);
    return i;
  }

  subnet(id: string): SubnetRec {
    const s = this.subnets.get(id);
    if (s === undefined) throw fault.subnetNotFound(id);
    return s;
  }

  /** ENIs attached to an instance, by device index. */
  attachedTo(instanceId: string): EniRec[] {
    const out: EniRec[] = [];
    for (const e of this.enis.values()) if (e.attachment?.instanceId === instanceId) out.push(e);
    return out.sort((a, b) => (a.attachment?.deviceIndex ?? 0) - (b.attachment?.deviceIndex ?? 0));
  }

  /** n fresh addresses of the subnet (lowest free first), not yet claimed. */
  pickAddresses(subnetId: string, n: number): string[] {
    const picked = this.subnetExhausted ? undefined : this.addresses.pick(subnetId, n);
    if (picked === undefined) throw fault.subnetFull(subnetId);
    return picked;
  }

  /** The subnet's CIDR as EC2 prints it, and its AZ. */
  subnetCidr(subnetId: string): string {
    return this.subnet(subnetId).cidr;
  }

  #taken(id: string): boolean {
    return (
      id === this.vpc.vpcId || this.subnets.has(id) || this.instances.has(id) || this.enis.has(id) ||
      this.attachments.has(id) || this.associations.has(id) || this.permissions.has(id) ||
      [...this.instances.values()].some((i) => i.reservationId === id)
    );
  }
}

/** EC2's private DNS name of an address: ip-10-0-0-5.<region>.compute.internal (ec2.internal in us-east-1). */
export function privateDnsName(region: string, ip: string): string {
  const domain = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
  return `ip-${ip.replaceAll(".", "-")}.${domain}`;
}

