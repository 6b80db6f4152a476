// Secondary private addresses: AssignPrivateIpAddresses (a count, or specific addresses, optionally
// taken over from another interface with AllowReassignment) and UnassignPrivateIpAddresses. An
// address is held by one interface in the whole VPC at a time (docs/REFERENCE.md §9).

import { fault } from "./faults.js";
import { MAX_IPS_UNATTACHED } from "./enis.js";
import { claimable, limitsOf } from "./instances.js";
import type { Ec2Model } from "./model.js";
import type { EniRec } from "./types.js";

export interface AssignRequest {
  readonly eniId: string;
  readonly privateIpAddresses: readonly string[];
  readonly secondaryCount: number | undefined;
  readonly allowReassignment: boolean;
}

/** The most addresses the interface may hold: its instance type's limit, or the unattached cap. */
function addressLimit(m: Ec2Model, eni: EniRec): number {
  const instanceId = eni.attachment?.instanceId;
  return instanceId === undefined ? MAX_IPS_UNATTACHED : limitsOf(m.instance(instanceId).instanceType).ipv4PerEni;
}

export function assignPrivateIpAddresses(m: Ec2Model, req: AssignRequest): string[] {
  const eni = m.eni(req.eniId);
  const given = req.privateIpAddresses;
  if (given.length > 0 && req.secondaryCount !== undefined) {
    throw fault.combination("Specify either PrivateIpAddress or SecondaryPrivateIpAddressCount, not both");
  }
  if (given.length === 0 && req.secondaryCount === undefined) throw fault.missingParameter("PrivateIpAddress or SecondaryPrivateIpAddressCount");
  if (req.secondaryCount !== undefined && req.secondaryCount < 1) throw fault.badValue("SecondaryPrivateIpAddressCount", String(req.secondaryCount));
  const wanted = given.length + (req.secondaryCount ?? 0);
  if (eni.ips.length + wanted > addressLimit(m, eni)) throw fault.ipLimit();
  const moves: { ip: string; from: EniRec }[] = [];
  const seen = new Set<string>();
  for (const ip of given) {
    if (seen.has(ip)) throw fault.invalidValue(`Address ${ip} is specified more than once`);
    seen.add(ip);
    const owner = m.addresses.ownerOf(ip);
    if (owner === eni.eniId) throw fault.invalidValue(`Address ${ip} is already assigned to ${eni.eniId}`);
    if (owner === undefined) {
      claimable(m, eni.subnetId, ip);
      continue;
    }
    const from = m.enis.get(owner) as EniRec;
    // A primary address never moves; others only with AllowReassignment, within the subnet.
    if (!req.allowReassignment || from.ips[0] === ip || from.subnetId !== eni.subnetId) throw fault.addressInUse(ip);
    moves.push({ ip, from });
  }
  const fresh = req.secondaryCount === undefined ? [] : m.pickAddresses(eni.subnetId, req.secondaryCount);
  for (const { ip, from } of moves) {
    from.ips = from.ips.filter((a) => a !== ip);
    m.addresses.release(from.subnetId, ip);
  }
  const added = [...given, ...fresh];
  for (const ip of added) m.addresses.claim(eni.subnetId, ip, eni.eniId);
  eni.ips = [...eni.ips, ...added];
  return added;
}

export function unassignPrivateIpAddresses(m: Ec2Model, req: { eniId: string; privateIpAddresses: readonly string[] }): void {
  const eni = m.eni(req.eniId);
  if (req.privateIpAddresses.length === 0) throw fault.missingParameter("PrivateIpAddress");
  for (const ip of req.privateIpAddresses) {
    if (!eni.ips.includes(ip)) throw fault.invalidValue(`Some of the specified addresses are not assigned to interface ${eni.eniId}`);
    if (eni.ips[0] === ip) throw fault.invalidValue(`The primary address ${ip} of ${eni.eniId} cannot be unassigned`);
  }
  const gone = new Set(req.privateIpAddresses);
  for (const ip of gone) m.addresses.release(eni.subnetId, ip);
  eni.ips = eni.ips.filter((ip) => !gone.has(ip));
}
