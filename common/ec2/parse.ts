// The SDK's reply shapes (every field optional) parsed into the typed values of types.ts: a field
// the caller relies on that is missing or malformed is an error naming the reply and the field,
// never an `undefined` that travels on.

import type {
  Instance, InstanceNetworkInterface, InstanceTypeInfo, NetworkInterface, NetworkInterfacePrivateIpAddress, Subnet, Tag,
  TrunkInterfaceAssociation, Vpc,
} from "@aws-sdk/client-ec2";
import { HarnessError } from "../errors.js";
import type {
  Ec2Eni, Ec2Instance, Ec2InstanceEni, Ec2InstanceType, Ec2PrivateIp, Ec2Subnet, Ec2TrunkAssociation, Ec2Vpc,
} from "./types.js";

function need<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null || (typeof v === "string" && v === "")) {
    throw new HarnessError("internal", `EC2 reply: ${what} is missing`);
  }
  return v;
}

function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

function ips(list: readonly NetworkInterfacePrivateIpAddress[] | undefined, what: string): Ec2PrivateIp[] {
  const out = (list ?? []).map((p, i) => ({ ip: need(p.PrivateIpAddress, `${what}.privateIpAddressesSet[${i}].privateIpAddress`), primary: p.Primary === true }));
  // The primary first, whatever order the reply used.
  return [...out.filter((p) => p.primary), ...out.filter((p) => !p.primary)];
}

export function parseEni(n: NetworkInterface): Ec2Eni {
  const id = need(n.NetworkInterfaceId, "networkInterface.networkInterfaceId");
  const what = `network interface ${id}`;
  const a = n.Attachment;
  return {
    eniId: id,
    subnetId: need(n.SubnetId, `${what}: subnetId`),
    vpcId: n.VpcId ?? "",
    availabilityZone: n.AvailabilityZone ?? "",
    macAddress: need(n.MacAddress, `${what}: macAddress`),
    interfaceType: n.InterfaceType ?? "interface",
    description: n.Description ?? "",
    status: n.Status ?? "",
    privateIp: need(n.PrivateIpAddress, `${what}: privateIpAddress`),
    privateIps: ips(n.PrivateIpAddresses, what),
    securityGroupIds: (n.Groups ?? []).map((g) => need(g.GroupId, `${what}: groupSet.groupId`)),
    tags: tagMap(n.TagSet),
    attachment: a === undefined || a.AttachmentId === undefined ? undefined : {
      attachmentId: a.AttachmentId,
      instanceId: a.InstanceId ?? "",
      deviceIndex: need(a.DeviceIndex, `${what}: attachment.deviceIndex`),
      deleteOnTermination: a.DeleteOnTermination === true,
      status: a.Status ?? "",
    },
  };
}

function parseInstanceEni(n: InstanceNetworkInterface, instanceId: string): Ec2InstanceEni {
  const id = need(n.NetworkInterfaceId, `instance ${instanceId}: networkInterfaceSet.networkInterfaceId`);
  const what = `instance ${instanceId}, interface ${id}`;
  return {
    eniId: id,
    macAddress: need(n.MacAddress, `${what}: macAddress`),
    interfaceType: n.InterfaceType ?? "interface",
    subnetId: n.SubnetId ?? "",
    deviceIndex: need(n.Attachment?.DeviceIndex, `${what}: attachment.deviceIndex`),
    attachmentId: need(n.Attachment?.AttachmentId, `${what}: attachment.attachmentId`),
    privateIps: ips(n.PrivateIpAddresses, what),
  };
}

export function parseInstance(i: Instance): Ec2Instance {
  const id = need(i.InstanceId, "instance.instanceId");
  return {
    instanceId: id,
    instanceType: need(i.InstanceType, `instance ${id}: instanceType`),
    state: i.State?.Name ?? "",
    subnetId: i.SubnetId ?? "",
    vpcId: i.VpcId ?? "",
    availabilityZone: i.Placement?.AvailabilityZone ?? "",
    privateIp: i.PrivateIpAddress ?? "",
    privateDnsName: i.PrivateDnsName ?? "",
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => need(g.GroupId, `instance ${id}: groupSet.groupId`)),
    tags: tagMap(i.Tags),
    networkInterfaces: (i.NetworkInterfaces ?? []).map((n) => parseInstanceEni(n, id)).sort((a, b) => a.deviceIndex - b.deviceIndex),
  };
}

export function parseSubnet(s: Subnet): Ec2Subnet {
  const id = need(s.SubnetId, "subnet.subnetId");
  return {
    subnetId: id,
    vpcId: need(s.VpcId, `subnet ${id}: vpcId`),
    cidr: need(s.CidrBlock, `subnet ${id}: cidrBlock`),
    availabilityZone: need(s.AvailabilityZone, `subnet ${id}: availabilityZone`),
    availableIps: s.AvailableIpAddressCount ?? 0,
    tags: tagMap(s.Tags),
  };
}

export function parseVpc(v: Vpc): Ec2Vpc {
  const id = need(v.VpcId, "vpc.vpcId");
  const primary = need(v.CidrBlock, `vpc ${id}: cidrBlock`);
  const others = (v.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === "associated")
    .map((a) => a.CidrBlock)
    .filter((c): c is string => c !== undefined && c !== primary);
  return { vpcId: id, cidrs: [primary, ...others] };
}

export function parseInstanceType(t: InstanceTypeInfo): Ec2InstanceType {
  const type = need(t.InstanceType, "instanceType.instanceType");
  const n = need(t.NetworkInfo, `instance type ${type}: networkInfo`);
  return {
    instanceType: type,
    maxEnis: need(n.MaximumNetworkInterfaces, `instance type ${type}: networkInfo.maximumNetworkInterfaces`),
    ipv4PerEni: need(n.Ipv4AddressesPerInterface, `instance type ${type}: networkInfo.ipv4AddressesPerInterface`),
    ipv6PerEni: n.Ipv6AddressesPerInterface ?? 0,
    maxNetworkCards: n.MaximumNetworkCards ?? 1,
    defaultNetworkCardIndex: n.DefaultNetworkCardIndex ?? 0,
    hypervisor: t.Hypervisor ?? "",
    bareMetal: t.BareMetal === true,
  };
}

export function parseAssociation(a: TrunkInterfaceAssociation): Ec2TrunkAssociation {
  const id = need(a.AssociationId, "interfaceAssociation.associationId");
  return {
    associationId: id,
    trunkEniId: need(a.TrunkInterfaceId, `association ${id}: trunkInterfaceId`),
    branchEniId: need(a.BranchInterfaceId, `association ${id}: branchInterfaceId`),
    vlanId: need(a.VlanId, `association ${id}: vlanId`),
  };
}
