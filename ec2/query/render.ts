// The model's records as EC2's reply elements (the element names the SDK's EC2 protocol reads:
// networkInterfaceSet/item, privateIpAddressesSet, attachment, instancesSet, …).

import { instanceLimits } from "../../common/limits.js";
import { eniStatus, stateCode } from "../model/describe.js";
import type { Ec2Model } from "../model/model.js";
import { privateDnsName } from "../model/model.js";
import type { AssociationRec, EniRec, InstanceRec, PermissionRec, SubnetRec, Tags, VpcRec } from "../model/types.js";
import type { XmlNode, XmlValue } from "./xml.js";

const iso = (ms: number): string => new Date(ms).toISOString();

export function tagSet(tags: Tags): XmlValue {
  return tags.size === 0 ? undefined : [...tags].map(([key, value]) => ({ key, value }));
}

function groupSet(groups: readonly string[], defaultGroup: string): XmlNode[] {
  return groups.map((groupId) => ({ groupId, groupName: groupId === defaultGroup ? "default" : groupId }));
}

function privateIps(m: Ec2Model, e: EniRec): XmlNode[] {
  return e.ips.map((ip, i) => ({ privateIpAddress: ip, privateDnsName: privateDnsName(m.region, ip), primary: i === 0 }));
}

export function eniXml(m: Ec2Model, e: EniRec): XmlNode {
  const subnet = m.subnet(e.subnetId);
  const a = e.attachment;
  return {
    networkInterfaceId: e.eniId,
    subnetId: e.subnetId,
    vpcId: m.vpc.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: e.description,
    ownerId: m.accountId,
    requesterManaged: false,
    status: eniStatus(m, e),
    macAddress: e.macAddress,
    privateIpAddress: e.ips[0],
    privateDnsName: e.ips[0] === undefined ? undefined : privateDnsName(m.region, e.ips[0]),
    sourceDestCheck: e.sourceDestCheck,
    groupSet: groupSet(e.groups, m.vpc.defaultSecurityGroupId),
    attachment: a === undefined ? undefined : {
      attachmentId: a.attachmentId, instanceId: a.instanceId, instanceOwnerId: m.accountId, deviceIndex: a.deviceIndex,
      networkCardIndex: 0, status: "attached", attachTime: iso(a.attachTime), deleteOnTermination: a.deleteOnTermination,
    },
    tagSet: tagSet(e.tags),
    privateIpAddressesSet: privateIps(m, e),
    ipv6AddressesSet: [],
    interfaceType: e.interfaceType,
  };
}

function instanceEniXml(m: Ec2Model, e: EniRec): XmlNode {
  const x = eniXml(m, e);
  const a = e.attachment;
  return {
    networkInterfaceId: e.eniId, subnetId: e.subnetId, vpcId: m.vpc.vpcId, description: e.description, ownerId: m.accountId,
    status: x["status"], macAddress: e.macAddress, privateIpAddress: e.ips[0], privateDnsName: x["privateDnsName"],
    sourceDestCheck: e.sourceDestCheck, groupSet: x["groupSet"], interfaceType: e.interfaceType,
    attachment: a === undefined ? undefined : {
      attachmentId: a.attachmentId, deviceIndex: a.deviceIndex, networkCardIndex: 0, status: "attached",
      attachTime: iso(a.attachTime), deleteOnTermination: a.deleteOnTermination,
    },
    privateIpAddressesSet: x["privateIpAddressesSet"],
    ipv6AddressesSet: [],
  };
}

export function instanceXml(m: Ec2Model, i: InstanceRec): XmlNode {
  const running = i.state === "running";
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: stateCode(i.state), name: i.state },
    privateDnsName: running ? privateDnsName(m.region, i.privateIp) : "",
    reason: running ? "" : `User initiated (${iso(i.stateChangedAt)})`,
    amiLaunchIndex: 0,
    instanceType: i.instanceType,
    launchTime: iso(i.launchTime),
    placement: { availabilityZone: m.subnet(i.subnetId).availabilityZone, tenancy: "default" },
    monitoring: { state: "disabled" },
    subnetId: running ? i.subnetId : undefined,
    vpcId: running ? m.vpc.vpcId : undefined,
    privateIpAddress: running ? i.privateIp : undefined,
    sourceDestCheck: true,
    groupSet: groupSet(i.groups, m.vpc.defaultSecurityGroupId),
    architecture: "x86_64",
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    virtualizationType: "hvm",
    hypervisor: "xen",
    tagSet: tagSet(i.tags),
    networkInterfaceSet: m.attachedTo(i.instanceId).map((e) => instanceEniXml(m, e)),
    ebsOptimized: false,
    enaSupport: true,
  };
}

/** Instances grouped by reservation, in order (DescribeInstances reservationSet). */
export function reservationsXml(m: Ec2Model, instances: readonly InstanceRec[]): XmlNode[] {
  const byReservation = new Map<string, InstanceRec[]>();
  for (const i of instances) byReservation.set(i.reservationId, [...(byReservation.get(i.reservationId) ?? []), i]);
  return [...byReservation].map(([reservationId, list]) => ({
    reservationId, ownerId: m.accountId, groupSet: [], instancesSet: list.map((i) => instanceXml(m, i)),
  }));
}

export function subnetXml(m: Ec2Model, s: SubnetRec): XmlNode {
  return {
    subnetId: s.subnetId,
    subnetArn: `arn:aws:ec2:${m.region}:${m.accountId}:subnet/${s.subnetId}`,
    state: "available",
    vpcId: m.vpc.vpcId,
    ownerId: m.accountId,
    cidrBlock: s.cidr,
    availableIpAddressCount: m.addresses.available(s.subnetId),
    availabilityZone: s.availabilityZone,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    tagSet: tagSet(s.tags),
  };
}

export function vpcXml(m: Ec2Model, v: VpcRec): XmlNode {
  return {
    vpcId: v.vpcId,
    ownerId: m.accountId,
    state: "available",
    cidrBlock: v.cidrs[0],
    cidrBlockAssociationSet: v.cidrs.map((cidrBlock, i) => ({
      associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}${i}`, cidrBlock, cidrBlockState: { state: "associated" },
    })),
    dhcpOptionsId: "default",
    instanceTenancy: "default",
    isDefault: false,
    tagSet: tagSet(v.tags),
  };
}

/** The fields of DescribeInstanceTypes the VPC CNI reads (networkInfo), and a few around them. */
export function instanceTypeXml(type: string): XmlNode {
  const l = instanceLimits(type);
  return {
    instanceType: type,
    currentGeneration: true,
    bareMetal: false,
    hypervisor: "nitro",
    networkInfo: {
      networkPerformance: "Up to 10 Gigabit",
      maximumNetworkInterfaces: l.maxEnis,
      maximumNetworkCards: 1,
      defaultNetworkCardIndex: 0,
      networkCards: [{ networkCardIndex: 0, networkPerformance: "Up to 10 Gigabit", maximumNetworkInterfaces: l.maxEnis }],
      ipv4AddressesPerInterface: l.ipv4PerEni,
      ipv6AddressesPerInterface: l.ipv4PerEni,
      ipv6Supported: true,
      enaSupport: "required",
      efaSupported: false,
    },
  };
}

export function associationXml(a: AssociationRec): XmlNode {
  return {
    associationId: a.associationId, branchInterfaceId: a.branchEniId, trunkInterfaceId: a.trunkEniId,
    interfaceProtocol: "VLAN", vlanId: a.vlanId,
  };
}

export function permissionXml(p: PermissionRec): XmlNode {
  return {
    networkInterfacePermissionId: p.permissionId, networkInterfaceId: p.eniId,
    awsAccountId: p.awsAccountId === "" ? undefined : p.awsAccountId, awsService: p.awsService === "" ? undefined : p.awsService,
    permission: p.permission, permissionState: { state: "granted" },
  };
}
