// Trunk interfaces (Security Groups for Pods): AssociateTrunkInterface puts a branch interface on an
// attached trunk with a VLAN id unique on that trunk, DisassociateTrunkInterface takes it off, and
// CreateNetworkInterfacePermission records the permission the controller asks for before
// associating (docs/REFERENCE.md §1, §9).

import { fault } from "./faults.js";
import { once } from "./idempotency.js";
import { limitsOf } from "./instances.js";
import type { Ec2Model } from "./model.js";
import type { AssociationRec, PermissionRec } from "./types.js";

/** 802.1Q VLAN ids a trunk carries. */
export const MIN_VLAN_ID = 1;
export const MAX_VLAN_ID = 4094;

export interface AssociateRequest {
  readonly branchEniId: string;
  readonly trunkEniId: string;
  readonly vlanId: number | undefined;
  readonly greKey: number | undefined;
  readonly clientToken: string | undefined;
}

export function associateTrunkInterface(m: Ec2Model, req: AssociateRequest): AssociationRec {
  return once(m, "AssociateTrunkInterface", req.clientToken, req, () => {
    const a = associate(m, req);
    return { result: a, ids: [a.associationId] };
  }, ([id]) => {
    const a = m.associations.get(id ?? "");
    if (a === undefined) throw fault.associationNotFound(id ?? "");
    return a;
  });
}

function associate(m: Ec2Model, req: AssociateRequest): AssociationRec {
  const trunk = m.eni(req.trunkEniId);
  const branch = m.eni(req.branchEniId);
  if (req.greKey !== undefined) throw fault.invalidValue("GreKey is not supported here: trunks on this path carry VLANs");
  if (req.vlanId === undefined) throw fault.missingParameter("VlanId");
  if (!Number.isInteger(req.vlanId) || req.vlanId < MIN_VLAN_ID || req.vlanId > MAX_VLAN_ID) {
    throw fault.badValue("VlanId", String(req.vlanId), `It must be between ${MIN_VLAN_ID} and ${MAX_VLAN_ID}.`);
  }
  if (trunk.interfaceType !== "trunk") throw fault.invalidValue(`Network interface ${trunk.eniId} is not a trunk interface`);
  if (trunk.attachment === undefined) throw fault.invalidValue(`Trunk interface ${trunk.eniId} is not attached to an instance`);
  if (branch.interfaceType === "trunk") throw fault.invalidValue(`A trunk interface (${branch.eniId}) cannot be a branch`);
  if (branch.attachment !== undefined || m.branchAssociation.has(branch.eniId)) throw fault.eniInUse(branch.eniId);
  if (m.subnet(branch.subnetId).availabilityZone !== m.subnet(trunk.subnetId).availabilityZone) {
    throw fault.combination("The branch and trunk interfaces must be in the same availability zone");
  }
  const onTrunk = [...m.associations.values()].filter((a) => a.trunkEniId === trunk.eniId);
  for (const a of onTrunk) {
    if (a.vlanId === req.vlanId) throw fault.invalidValue(`VLAN id ${req.vlanId} is already associated with trunk ${trunk.eniId} (${a.branchEniId})`);
  }
  // The instance type's branch interface limit (common/limits.ts, docs/REFERENCE.md §4).
  const type = m.instance(trunk.attachment.instanceId).instanceType;
  const limit = limitsOf(type).branchEnis;
  if (onTrunk.length >= limit) throw fault.branchLimit(type, limit);
  const assoc: AssociationRec = { associationId: m.newId("trunk-assoc"), trunkEniId: trunk.eniId, branchEniId: branch.eniId, vlanId: req.vlanId };
  m.associations.set(assoc.associationId, assoc);
  m.branchAssociation.set(branch.eniId, assoc.associationId);
  // EC2 reports an interface on a trunk as a branch (the controller creates it as a plain interface).
  branch.interfaceType = "branch";
  return assoc;
}

export function disassociateTrunkInterface(m: Ec2Model, associationId: string): void {
  if (!m.associations.has(associationId)) throw fault.associationNotFound(associationId);
  m.removeAssociation(associationId);
}

export interface PermissionRequest {
  readonly eniId: string;
  readonly permission: string;
  readonly awsAccountId: string | undefined;
  readonly awsService: string | undefined;
}

export function createNetworkInterfacePermission(m: Ec2Model, req: PermissionRequest): PermissionRec {
  m.eni(req.eniId);
  if (req.permission !== "INSTANCE-ATTACH" && req.permission !== "EIP-ASSOCIATE") {
    throw fault.badValue("Permission", req.permission, "It must be INSTANCE-ATTACH or EIP-ASSOCIATE.");
  }
  if (req.awsAccountId === undefined && req.awsService === undefined) throw fault.missingParameter("AwsAccountId");
  if (req.awsAccountId !== undefined && req.awsService !== undefined) throw fault.combination("Specify either AwsAccountId or AwsService, not both");
  if (req.awsAccountId !== undefined && !/^\d{12}$/.test(req.awsAccountId)) throw fault.badValue("AwsAccountId", req.awsAccountId);
  const p: PermissionRec = {
    permissionId: m.newId("eni-perm"), eniId: req.eniId, permission: req.permission,
    awsAccountId: req.awsAccountId ?? "", awsService: req.awsService ?? "",
  };
  m.permissions.set(p.permissionId, p);
  return p;
}
