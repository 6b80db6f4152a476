// Network interfaces: CreateNetworkInterface, AttachNetworkInterface, DetachNetworkInterface,
// DeleteNetworkInterface and ModifyNetworkInterfaceAttribute, with EC2's rules: addresses unique in
// the VPC, the instance type's interface and per-interface address limits, one interface per
// device index, the primary interface never detached, an attached interface never deleted.

import { fault } from "./faults.js";
import { once } from "./idempotency.js";
import { checkGroups, claimable, limitsOf } from "./instances.js";
import type { Ec2Model } from "./model.js";
import type { TagSpec } from "./tags.js";
import { tagsFor, toTags } from "./tags.js";
import type { EniRec, InterfaceType } from "./types.js";

/** Addresses on an interface not attached to any instance (the largest type's per-interface limit). */
export const MAX_IPS_UNATTACHED = 50;

export interface CreateEniRequest {
  readonly subnetId: string;
  readonly description: string | undefined;
  readonly groups: readonly string[];
  readonly privateIpAddress: string | undefined;
  readonly privateIpAddresses: readonly { readonly ip: string; readonly primary: boolean }[];
  readonly secondaryCount: number | undefined;
  readonly interfaceType: string | undefined;
  readonly tagSpecifications: readonly TagSpec[];
  readonly clientToken: string | undefined;
}

export function createNetworkInterface(m: Ec2Model, req: CreateEniRequest): EniRec {
  return once(m, "CreateNetworkInterface", req.clientToken, req, () => {
    const eni = create(m, req);
    return { result: eni, ids: [eni.eniId] };
  }, ([id]) => m.eni(id ?? ""));
}

function create(m: Ec2Model, req: CreateEniRequest): EniRec {
  m.subnet(req.subnetId);
  checkGroups(req.groups);
  const interfaceType = creationType(req.interfaceType);
  const tags = toTags(tagsFor(req.tagSpecifications, "network-interface", ["network-interface"]));
  const ips = addressesFor(m, req);
  const eni: EniRec = {
    eniId: m.newId("eni"), subnetId: req.subnetId, macAddress: m.newMac(), interfaceType, description: req.description ?? "",
    groups: req.groups.length > 0 ? [...req.groups] : [m.vpc.defaultSecurityGroupId],
    ips, sourceDestCheck: true, tags, attachment: undefined, createdAt: m.now(),
  };
  m.addEni(eni);
  return eni;
}

/** InterfaceType values CreateNetworkInterface takes on this path (efa needs hardware we do not fake). */
function creationType(t: string | undefined): InterfaceType {
  if (t === undefined) return "interface";
  if (t === "trunk" || t === "branch") return t;
  throw fault.badValue("InterfaceType", t, "Supported here: trunk, branch (or none for an ordinary interface).");
}

/** The addresses a new interface gets: explicit ones (one of them primary) or fresh ones. */
function addressesFor(m: Ec2Model, req: CreateEniRequest): string[] {
  const explicit = [...req.privateIpAddresses];
  if (req.privateIpAddress !== undefined) explicit.unshift({ ip: req.privateIpAddress, primary: true });
  if (explicit.length > 0 && req.secondaryCount !== undefined) {
    throw fault.combination("You can't specify a count of private IPv4 addresses together with specific private IPv4 addresses");
  }
  const primaries = explicit.filter((a) => a.primary);
  if (primaries.length > 1) throw fault.invalidValue("Only one private IPv4 address can be designated as primary");
  const count = req.secondaryCount ?? 0;
  if (count < 0) throw fault.badValue("SecondaryPrivateIpAddressCount", String(count));
  if (explicit.length + count + (explicit.length === 0 ? 1 : 0) > MAX_IPS_UNATTACHED) throw fault.ipLimit();
  const seen = new Set<string>();
  for (const a of explicit) {
    if (seen.has(a.ip)) throw fault.invalidValue(`Address ${a.ip} is specified more than once`);
    seen.add(a.ip);
    claimable(m, req.subnetId, a.ip);
  }
  // The primary first: the one marked primary, else the first given.
  const ordered = primaries.length === 1 ? [primaries[0], ...explicit.filter((a) => !a.primary)] : explicit;
  const given = ordered.map((a) => (a as { ip: string }).ip);
  const fresh = m.pickAddresses(req.subnetId, given.length === 0 ? 1 + count : count);
  return [...given, ...fresh];
}

export function deleteNetworkInterface(m: Ec2Model, eniId: string): void {
  const eni = m.eni(eniId);
  // A branch interface is deleted straight from its association (the controller does just that).
  if (eni.attachment !== undefined) throw fault.eniInUse(eniId, `The network interface '${eniId}' is currently in use.`);
  if (eni.interfaceType === "trunk" && [...m.associations.values()].some((a) => a.trunkEniId === eniId)) {
    throw fault.eniInUse(eniId);
  }
  m.removeEni(eni);
}

export interface AttachRequest {
  readonly eniId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number | undefined;
}

export function attachNetworkInterface(m: Ec2Model, req: AttachRequest): { attachmentId: string; networkCardIndex: number } {
  const eni = m.eni(req.eniId);
  const inst = m.runningInstance(req.instanceId);
  const limits = limitsOf(inst.instanceType);
  if (req.networkCardIndex !== undefined && req.networkCardIndex !== 0) {
    throw fault.badValue("NetworkCardIndex", String(req.networkCardIndex), `${inst.instanceType} has one network card (index 0).`);
  }
  if (eni.attachment !== undefined || m.branchAssociation.has(eni.eniId)) throw fault.eniInUse(eni.eniId);
  if (m.subnet(eni.subnetId).availabilityZone !== m.subnet(inst.subnetId).availabilityZone) {
    throw fault.combination(`You may not attach a network interface to an instance if they are not in the same availability zone`);
  }
  if (eni.interfaceType === "branch") throw fault.invalidValue(`A branch interface (${eni.eniId}) is associated with a trunk, not attached`);
  if (eni.interfaceType === "trunk" && limits.branchEnis === 0) {
    throw fault.invalidValue(`Instance type ${inst.instanceType} does not support trunk interfaces`);
  }
  if (!Number.isInteger(req.deviceIndex) || req.deviceIndex < 1 || req.deviceIndex > 127) {
    throw fault.badValue("DeviceIndex", String(req.deviceIndex), "It must be between 1 and 127 (0 is the primary interface).");
  }
  const attached = m.attachedTo(inst.instanceId);
  if (attached.some((e) => e.attachment?.deviceIndex === req.deviceIndex)) {
    throw fault.invalidValue(`Instance '${inst.instanceId}' already has an interface attached at device index '${req.deviceIndex}'.`);
  }
  if (attached.length >= limits.maxEnis) throw fault.attachmentLimit(inst.instanceType, limits.maxEnis);
  if (eni.ips.length > limits.ipv4PerEni) throw fault.ipLimit();
  const attachmentId = m.newId("eni-attach");
  eni.attachment = { attachmentId, instanceId: inst.instanceId, deviceIndex: req.deviceIndex, deleteOnTermination: false, attachTime: m.now() };
  m.attachments.set(attachmentId, eni.eniId);
  return { attachmentId, networkCardIndex: 0 };
}

function byAttachment(m: Ec2Model, attachmentId: string): EniRec {
  const eniId = m.attachments.get(attachmentId);
  const eni = eniId === undefined ? undefined : m.enis.get(eniId);
  if (eni?.attachment === undefined) throw fault.attachmentNotFound(attachmentId);
  return eni;
}

export function detachNetworkInterface(m: Ec2Model, attachmentId: string): void {
  const eni = byAttachment(m, attachmentId);
  if (eni.attachment?.deviceIndex === 0) throw fault.notPermitted(`The network interface at device index 0 cannot be detached.`);
  m.attachments.delete(attachmentId);
  eni.attachment = undefined;
}

export interface ModifyEniRequest {
  readonly eniId: string;
  readonly attachment: { readonly attachmentId: string | undefined; readonly deleteOnTermination: boolean | undefined } | undefined;
  readonly description: string | undefined;
  readonly sourceDestCheck: boolean | undefined;
  readonly groups: readonly string[];
}

/** One attribute per call, as EC2 takes it. */
export function modifyNetworkInterfaceAttribute(m: Ec2Model, req: ModifyEniRequest): void {
  const eni = m.eni(req.eniId);
  const given = [req.attachment, req.description, req.sourceDestCheck, req.groups.length > 0 ? req.groups : undefined].filter((v) => v !== undefined);
  if (given.length === 0) throw fault.missingParameter("Attribute (Attachment, Description, SourceDestCheck or SecurityGroupId)");
  if (given.length > 1) throw fault.combination("Fields for multiple attribute types specified: modify one attribute per request");
  if (req.attachment !== undefined) {
    const { attachmentId, deleteOnTermination } = req.attachment;
    if (attachmentId === undefined) throw fault.missingParameter("Attachment.AttachmentId");
    if (deleteOnTermination === undefined) throw fault.missingParameter("Attachment.DeleteOnTermination");
    if (eni.attachment?.attachmentId !== attachmentId) throw fault.attachmentNotFound(attachmentId);
    eni.attachment.deleteOnTermination = deleteOnTermination;
  } else if (req.description !== undefined) {
    eni.description = req.description;
  } else if (req.sourceDestCheck !== undefined) {
    eni.sourceDestCheck = req.sourceDestCheck;
  } else {
    checkGroups(req.groups);
    eni.groups = [...req.groups];
  }
}
