// The Describe* actions: which records answer, by id or filter, one page at a time. The filter
// names are EC2's for each resource (the actions' pages in the EC2 API reference); the ones on this
// path are covered, any other name is refused (InvalidParameterValue), never ignored.

import { KNOWN_INSTANCE_TYPES } from "../../common/limits.js";
import { fault } from "./faults.js";
import type { Filter, FilterTable, PageRequest } from "./filters.js";
import { checkFilters, checkMaxResults, matchesAll, page } from "./filters.js";
import { isWellFormedId } from "./ids.js";
import type { Ec2Model } from "./model.js";
import { privateDnsName } from "./model.js";
import type { AssociationRec, EniRec, InstanceRec, SubnetRec, VpcRec } from "./types.js";

export interface DescribeRequest extends PageRequest {
  readonly ids: readonly string[];
  readonly filters: readonly Filter[];
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/** EC2's status of an interface: in use when attached or on a trunk. */
export function eniStatus(m: Ec2Model, e: EniRec): "available" | "in-use" {
  return e.attachment !== undefined || m.branchAssociation.has(e.eniId) ? "in-use" : "available";
}

const eniFilters = (m: Ec2Model): FilterTable<EniRec> => ({
  "network-interface-id": (e) => [e.eniId],
  "attachment.instance-id": (e) => (e.attachment === undefined ? [] : [e.attachment.instanceId]),
  "attachment.attachment-id": (e) => (e.attachment === undefined ? [] : [e.attachment.attachmentId]),
  "attachment.device-index": (e) => (e.attachment === undefined ? [] : [String(e.attachment.deviceIndex)]),
  "attachment.status": (e) => (e.attachment === undefined ? [] : ["attached"]),
  "attachment.delete-on-termination": (e) => (e.attachment === undefined ? [] : [String(e.attachment.deleteOnTermination)]),
  "interface-type": (e) => [e.interfaceType],
  "subnet-id": (e) => [e.subnetId],
  "vpc-id": () => [m.vpc.vpcId],
  "availability-zone": (e) => [m.subnet(e.subnetId).availabilityZone],
  status: (e) => [eniStatus(m, e)],
  description: (e) => [e.description],
  "mac-address": (e) => [e.macAddress],
  "private-ip-address": (e) => e.ips,
  "addresses.private-ip-address": (e) => e.ips,
  "addresses.primary": (e) => (e.ips.length > 0 ? ["true"] : []),
  "private-dns-name": (e) => e.ips.slice(0, 1).map((ip) => privateDnsName(m.region, ip)),
  "group-id": (e) => e.groups,
  "owner-id": () => [m.accountId],
  "requester-managed": () => ["false"],
  "source-dest-check": (e) => [String(e.sourceDestCheck)],
});

export function describeNetworkInterfaces(m: Ec2Model, req: DescribeRequest): Page<EniRec> {
  if (req.ids.length > 0 && req.maxResults !== undefined) {
    throw fault.combination("The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults");
  }
  checkMaxResults(req.maxResults, 5, 1000);
  const table = eniFilters(m);
  checkFilters(req.filters, table);
  const base = req.ids.length > 0 ? req.ids.map((id) => m.eni(id)) : [...m.enis.values()];
  const hits = base.filter((e) => matchesAll(e, req.filters, table, (r) => r.tags));
  return page(hits, (e) => e.eniId, req);
}

const instanceFilters = (m: Ec2Model): FilterTable<InstanceRec> => ({
  "instance-id": (i) => [i.instanceId],
  "instance-type": (i) => [i.instanceType],
  "instance-state-name": (i) => [i.state],
  "instance-state-code": (i) => [String(stateCode(i.state))],
  "image-id": (i) => [i.imageId],
  "subnet-id": (i) => [i.subnetId],
  "vpc-id": () => [m.vpc.vpcId],
  "availability-zone": (i) => [m.subnet(i.subnetId).availabilityZone],
  "private-ip-address": (i) => [i.privateIp],
  "private-dns-name": (i) => [privateDnsName(m.region, i.privateIp)],
  "reservation-id": (i) => [i.reservationId],
  "network-interface.network-interface-id": (i) => m.attachedTo(i.instanceId).map((e) => e.eniId),
  "network-interface.addresses.private-ip-address": (i) => m.attachedTo(i.instanceId).flatMap((e) => e.ips),
  "owner-id": () => [m.accountId],
});

/** EC2's state codes: 16 running, 48 terminated. */
export function stateCode(state: InstanceRec["state"]): number {
  return state === "running" ? 16 : 48;
}

export function describeInstances(m: Ec2Model, req: DescribeRequest): Page<InstanceRec> {
  if (req.ids.length > 0 && req.maxResults !== undefined) {
    throw fault.combination("The parameter instancesSet cannot be used with the parameter maxResults");
  }
  checkMaxResults(req.maxResults, 5, 1000);
  const table = instanceFilters(m);
  checkFilters(req.filters, table);
  const base = req.ids.length > 0 ? req.ids.map((id) => m.instance(id)) : [...m.instances.values()];
  const hits = base.filter((i) => matchesAll(i, req.filters, table, (r) => r.tags));
  return page(hits, (i) => i.instanceId, req);
}

const subnetFilters = (m: Ec2Model): FilterTable<SubnetRec> => ({
  "subnet-id": (s) => [s.subnetId],
  "vpc-id": () => [m.vpc.vpcId],
  "availability-zone": (s) => [s.availabilityZone],
  "cidr-block": (s) => [s.cidr],
  cidr: (s) => [s.cidr],
  state: () => ["available"],
  "owner-id": () => [m.accountId],
  "available-ip-address-count": (s) => [String(m.addresses.available(s.subnetId))],
  "default-for-az": () => ["false"],
});

export function describeSubnets(m: Ec2Model, req: DescribeRequest): Page<SubnetRec> {
  checkMaxResults(req.maxResults, 5, 1000);
  const table = subnetFilters(m);
  checkFilters(req.filters, table);
  const base = req.ids.length > 0 ? req.ids.map((id) => m.subnet(id)) : [...m.subnets.values()];
  const hits = base.filter((s) => matchesAll(s, req.filters, table, (r) => r.tags));
  return page(hits, (s) => s.subnetId, req);
}

const vpcFilters: FilterTable<VpcRec> = {
  "vpc-id": (v) => [v.vpcId],
  "cidr": (v) => v.cidrs.slice(0, 1),
  "cidr-block-association.cidr-block": (v) => v.cidrs,
  state: () => ["available"],
  "is-default": () => ["false"],
};

export function describeVpcs(m: Ec2Model, req: DescribeRequest): Page<VpcRec> {
  checkMaxResults(req.maxResults, 5, 1000);
  checkFilters(req.filters, vpcFilters);
  for (const id of req.ids) if (id !== m.vpc.vpcId) throw fault.vpcNotFound(id);
  const hits = [m.vpc].filter((v) => matchesAll(v, req.filters, vpcFilters, (r) => r.tags));
  return page(hits, (v) => v.vpcId, req);
}

export function describeInstanceTypes(req: DescribeRequest): Page<string> {
  checkMaxResults(req.maxResults, 5, 100);
  const table: FilterTable<string> = { "instance-type": (t) => [t] };
  checkFilters(req.filters, table);
  const unknown = req.ids.filter((t) => !KNOWN_INSTANCE_TYPES.includes(t));
  if (unknown.length > 0) throw fault.instanceType(unknown);
  const base = req.ids.length > 0 ? [...new Set(req.ids)] : [...KNOWN_INSTANCE_TYPES];
  const hits = base.filter((t) => matchesAll(t, req.filters, table, () => new Map()));
  return page(hits, (t) => t, req);
}

const assocFilters: FilterTable<AssociationRec> = {
  "trunk-interface-association.id": (a) => [a.associationId],
  "trunk-interface-association.branch-interface-id": (a) => [a.branchEniId],
  "trunk-interface-association.trunk-interface-id": (a) => [a.trunkEniId],
  "vlan-id": (a) => [String(a.vlanId)],
  "gre-key": () => [],
};

export function describeTrunkInterfaceAssociations(m: Ec2Model, req: DescribeRequest): Page<AssociationRec> {
  checkMaxResults(req.maxResults, 5, 255);
  checkFilters(req.filters, assocFilters);
  const base = req.ids.map((id) => {
    const a = m.associations.get(id);
    if (a === undefined) throw isWellFormedId("trunk-assoc", id) ? fault.associationNotFound(id) : fault.resourceId(id);
    return a;
  });
  const hits = (req.ids.length > 0 ? base : [...m.associations.values()]).filter((a) => matchesAll(a, req.filters, assocFilters, () => new Map()));
  return page(hits, (a) => a.associationId, req);
}
