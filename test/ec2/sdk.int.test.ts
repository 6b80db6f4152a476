// @aws-sdk/client-ec2, unchanged, against mock-ec2 run as its own process: every action's happy
// path and its error codes (with EC2's HTTP statuses), as the SDK itself parses them.

import * as ec2 from "@aws-sdk/client-ec2";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";

let svc: StartedMockEc2;
let c: EC2Client;
let subnetA = "";
let subnetB = "";

async function expectCode(p: Promise<unknown>, code: string, status = 400): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } });
  expect(e, `expected ${code}`).toBeDefined();
  expect([e?.name, e?.$metadata?.httpStatusCode]).toEqual([code, status]);
  expect(e?.$metadata?.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

async function launch(name: string, type = "m5.large"): Promise<{ id: string; primary: string }> {
  const r = await c.send(new ec2.RunInstancesCommand({
    ImageId: "ami-0123456789abcdef0", InstanceType: type as ec2._InstanceType, MinCount: 1, MaxCount: 1, SubnetId: subnetA,
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: name }] }],
  }));
  const i = r.Instances?.[0];
  return { id: i?.InstanceId ?? "", primary: i?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? "" };
}

const newEni = async (over: Partial<ec2.CreateNetworkInterfaceCommandInput> = {}) =>
  (await c.send(new ec2.CreateNetworkInterfaceCommand({ SubnetId: subnetA, ...over }))).NetworkInterface as ec2.NetworkInterface;

beforeAll(async () => {
  svc = await startMockEc2({ args: ["--qps", "0"] });
  c = svc.sdk("AKIDSDKTEST", { maxAttempts: 1 });
  const subnets = (await c.send(new ec2.DescribeSubnetsCommand({}))).Subnets ?? [];
  subnetA = subnets.find((s) => s.CidrBlock === "10.0.0.0/19")?.SubnetId ?? "";
  subnetB = subnets.find((s) => s.CidrBlock === "10.0.32.0/19")?.SubnetId ?? "";
});
afterAll(async () => {
  expect(await svc.stop()).toBe(0);
});

describe("mock-ec2 through @aws-sdk/client-ec2: VPC, subnets, instance types", () => {
  it("DescribeVpcs / DescribeSubnets: the default VPC 10.0.0.0/16 with its two /19 subnets", async () => {
    const vpcs = (await c.send(new ec2.DescribeVpcsCommand({}))).Vpcs ?? [];
    expect(vpcs.map((v) => v.CidrBlock)).toEqual(["10.0.0.0/16"]);
    const subnets = (await c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcs[0]?.VpcId ?? ""] }] }))).Subnets ?? [];
    expect(subnets.map((s) => [s.CidrBlock, s.AvailabilityZone]).sort()).toEqual([["10.0.0.0/19", "us-west-2a"], ["10.0.32.0/19", "us-west-2a"]]);
    expect(subnets[0]?.AvailableIpAddressCount).toBeGreaterThan(8000);
    await expectCode(c.send(new ec2.DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })), "InvalidSubnetID.NotFound");
    await expectCode(c.send(new ec2.DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })), "InvalidVpcID.NotFound");
    await expectCode(c.send(new ec2.DescribeSubnetsCommand({ Filters: [{ Name: "colour", Values: ["x"] }] })), "InvalidParameterValue");
  });

  it("DescribeInstanceTypes: the network limits ipamd reads", async () => {
    const t = (await c.send(new ec2.DescribeInstanceTypesCommand({ InstanceTypes: ["m5.large", "t3.medium"] }))).InstanceTypes ?? [];
    const m5 = t.find((x) => x.InstanceType === "m5.large")?.NetworkInfo;
    expect([m5?.MaximumNetworkInterfaces, m5?.Ipv4AddressesPerInterface, m5?.NetworkCards?.[0]?.MaximumNetworkInterfaces]).toEqual([3, 10, 3]);
    await expectCode(c.send(new ec2.DescribeInstanceTypesCommand({ InstanceTypes: ["z9.mega" as ec2._InstanceType] })), "InvalidInstanceType");
  });
});

describe("mock-ec2 through @aws-sdk/client-ec2: instances", () => {
  it("RunInstances / DescribeInstances / TerminateInstances", async () => {
    const { id, primary } = await launch("sdk-node-1");
    expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    const byTag = await c.send(new ec2.DescribeInstancesCommand({ Filters: [{ Name: "tag:Name", Values: ["sdk-node-1"] }] }));
    const inst = byTag.Reservations?.[0]?.Instances?.[0];
    expect([inst?.InstanceId, inst?.State?.Name, inst?.NetworkInterfaces?.[0]?.NetworkInterfaceId, inst?.NetworkInterfaces?.[0]?.Attachment?.DeviceIndex])
      .toEqual([id, "running", primary, 0]);
    const term = await c.send(new ec2.TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(term.TerminatingInstances?.[0]?.CurrentState?.Name).toBe("terminated");
    await expectCode(c.send(new ec2.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] })), "InvalidNetworkInterfaceID.NotFound");
    await expectCode(c.send(new ec2.DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })), "InvalidInstanceID.NotFound");
    await expectCode(c.send(new ec2.TerminateInstancesCommand({ InstanceIds: ["node-1"] })), "InvalidInstanceID.Malformed");
    await expectCode(c.send(new ec2.RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", InstanceType: "m5.large", MinCount: 1, MaxCount: 1, DryRun: true })),
      "DryRunOperation", 412);
  });
});

describe("mock-ec2 through @aws-sdk/client-ec2: interfaces and addresses", () => {
  it("CreateNetworkInterface / AttachNetworkInterface / ModifyNetworkInterfaceAttribute / DetachNetworkInterface / DeleteNetworkInterface", async () => {
    const { id } = await launch("sdk-node-2");
    const eni = await newEni({
      SecondaryPrivateIpAddressCount: 3, Groups: ["sg-0123456789abcdef0"], Description: "aws-K8S-test",
      TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "node.k8s.amazonaws.com/instance_id", Value: id }] }],
    });
    expect([eni.Status, eni.InterfaceType, eni.PrivateIpAddresses?.length, eni.Groups?.[0]?.GroupId]).toEqual(["available", "interface", 4, "sg-0123456789abcdef0"]);
    const eniId = eni.NetworkInterfaceId ?? "";
    const att = await c.send(new ec2.AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: id, DeviceIndex: 1 }));
    expect(att.AttachmentId).toMatch(/^eni-attach-/);
    await c.send(new ec2.ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Attachment: { AttachmentId: att.AttachmentId, DeleteOnTermination: true } }));
    const seen = (await c.send(new ec2.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces?.[0];
    expect([seen?.Status, seen?.Attachment?.InstanceId, seen?.Attachment?.DeviceIndex, seen?.Attachment?.DeleteOnTermination]).toEqual(["in-use", id, 1, true]);
    await expectCode(c.send(new ec2.DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })), "InvalidNetworkInterface.InUse");
    await expectCode(c.send(new ec2.AttachNetworkInterfaceCommand({ NetworkInterfaceId: (await newEni()).NetworkInterfaceId, InstanceId: id, DeviceIndex: 1 })),
      "InvalidParameterValue");
    await c.send(new ec2.DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId }));
    await c.send(new ec2.DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    await expectCode(c.send(new ec2.DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId })), "InvalidAttachmentID.NotFound");
    await expectCode(c.send(new ec2.DeleteNetworkInterfaceCommand({ NetworkInterfaceId: "eni-0123456789abcdef0" })), "InvalidNetworkInterfaceID.NotFound");
    await expectCode(c.send(new ec2.DeleteNetworkInterfaceCommand({ NetworkInterfaceId: "not-an-eni" })), "InvalidNetworkInterfaceID.Malformed");
    await expectCode(c.send(new ec2.CreateNetworkInterfaceCommand({ SubnetId: "subnet-0123456789abcdef0" })), "InvalidSubnetID.NotFound");
  });

  it("AttachmentLimitExceeded and PrivateIpAddressLimitExceeded at the instance type's limits", async () => {
    const { id, primary } = await launch("sdk-node-3");
    for (const i of [1, 2]) await c.send(new ec2.AttachNetworkInterfaceCommand({ NetworkInterfaceId: (await newEni()).NetworkInterfaceId, InstanceId: id, DeviceIndex: i }));
    await expectCode(c.send(new ec2.AttachNetworkInterfaceCommand({ NetworkInterfaceId: (await newEni()).NetworkInterfaceId, InstanceId: id, DeviceIndex: 3 })),
      "AttachmentLimitExceeded");
    await c.send(new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 9 }));
    await expectCode(c.send(new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 1 })), "PrivateIpAddressLimitExceeded");
  });

  it("AssignPrivateIpAddresses / UnassignPrivateIpAddresses", async () => {
    const eni = await newEni();
    const eniId = eni.NetworkInterfaceId ?? "";
    const got = await c.send(new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 2 }));
    const ips = (got.AssignedPrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress ?? "");
    expect(ips).toHaveLength(2);
    await c.send(new ec2.UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [ips[0] ?? ""] }));
    const after = (await c.send(new ec2.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces?.[0];
    expect(after?.PrivateIpAddresses?.map((p) => p.PrivateIpAddress)).toEqual([eni.PrivateIpAddress, ips[1]]);
    await expectCode(c.send(new ec2.UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [ips[0] ?? ""] })), "InvalidParameterValue");
    await expectCode(c.send(new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [ips[1] ?? ""], SecondaryPrivateIpAddressCount: 1 })),
      "InvalidParameterCombination");
    await expectCode(c.send(new ec2.AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [eni.PrivateIpAddress ?? ""] })),
      "InvalidParameterValue");
  });

  it("InsufficientFreeAddressesInSubnet when the harness says the subnet is exhausted", async () => {
    await svc.harness.setFaults({ subnetExhausted: true });
    try {
      await expectCode(newEni(), "InsufficientFreeAddressesInSubnet");
    } finally {
      await svc.harness.setFaults({ subnetExhausted: false });
    }
  });

  it("DescribeNetworkInterfaces: filters and pages", async () => {
    const tagged = await newEni({ SubnetId: subnetB, TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "page-test", Value: "yes" }] }] });
    for (let i = 0; i < 11; i++) await newEni({ SubnetId: subnetB, TagSpecifications: [{ ResourceType: "network-interface", Tags: [{ Key: "page-test", Value: "yes" }] }] });
    const ids: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const r = await c.send(new ec2.DescribeNetworkInterfacesCommand({ Filters: [{ Name: "tag:page-test", Values: ["yes"] }, { Name: "subnet-id", Values: [subnetB] }], MaxResults: 5, NextToken }));
      ids.push(...(r.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId ?? ""));
      NextToken = r.NextToken;
      pages++;
    } while (NextToken !== undefined);
    expect([ids.length, new Set(ids).size, pages]).toEqual([12, 12, 3]);
    expect(ids).toContain(tagged.NetworkInterfaceId);
    const avail = await c.send(new ec2.DescribeNetworkInterfacesCommand({ Filters: [{ Name: "status", Values: ["in-use"] }, { Name: "tag-key", Values: ["page-test"] }] }));
    expect(avail.NetworkInterfaces).toEqual([]);
  });
});

describe("mock-ec2 through @aws-sdk/client-ec2: tags, trunks, permissions", () => {
  it("CreateTags / DeleteTags", async () => {
    const eniId = (await newEni()).NetworkInterfaceId ?? "";
    await c.send(new ec2.CreateTagsCommand({ Resources: [eniId], Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }));
    await c.send(new ec2.DeleteTagsCommand({ Resources: [eniId], Tags: [{ Key: "a" }] }));
    const n = (await c.send(new ec2.DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces?.[0];
    expect(n?.TagSet).toEqual([{ Key: "b", Value: "2" }]);
    await expectCode(c.send(new ec2.CreateTagsCommand({ Resources: [eniId, "i-0123456789abcdef0"], Tags: [{ Key: "c", Value: "3" }] })), "InvalidInstanceID.NotFound");
    await expectCode(c.send(new ec2.CreateTagsCommand({ Resources: [eniId], Tags: [{ Key: "aws:x", Value: "3" }] })), "InvalidParameterValue");
  });

  it("CreateNetworkInterfacePermission / AssociateTrunkInterface / DescribeTrunkInterfaceAssociations / DisassociateTrunkInterface", async () => {
    const { id } = await launch("sdk-node-4");
    const t = await newEni({ InterfaceType: "trunk" });
    const trunkId = t.NetworkInterfaceId ?? "";
    expect(t.InterfaceType).toBe("trunk");
    await c.send(new ec2.AttachNetworkInterfaceCommand({ NetworkInterfaceId: trunkId, InstanceId: id, DeviceIndex: 1 }));
    const branchId = (await newEni({ SubnetId: subnetB, Groups: ["sg-0123456789abcdef0"] })).NetworkInterfaceId ?? "";
    const perm = await c.send(new ec2.CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: branchId, Permission: "INSTANCE-ATTACH", AwsAccountId: "123456789012" }));
    expect(perm.InterfacePermission?.PermissionState?.State).toBe("granted");
    const a = (await c.send(new ec2.AssociateTrunkInterfaceCommand({ TrunkInterfaceId: trunkId, BranchInterfaceId: branchId, VlanId: 1 }))).InterfaceAssociation;
    expect([a?.TrunkInterfaceId, a?.BranchInterfaceId, a?.VlanId, a?.InterfaceProtocol]).toEqual([trunkId, branchId, 1, "VLAN"]);
    const branch = (await c.send(new ec2.DescribeNetworkInterfacesCommand({ Filters: [{ Name: "interface-type", Values: ["branch"] }] }))).NetworkInterfaces ?? [];
    expect(branch.map((b) => b.NetworkInterfaceId)).toContain(branchId);
    const listed = await c.send(new ec2.DescribeTrunkInterfaceAssociationsCommand({
      Filters: [{ Name: "trunk-interface-association.trunk-interface-id", Values: [trunkId] }],
    }));
    expect(listed.InterfaceAssociations?.map((x) => x.AssociationId)).toEqual([a?.AssociationId]);
    const other = (await newEni({ SubnetId: subnetB })).NetworkInterfaceId ?? "";
    await expectCode(c.send(new ec2.AssociateTrunkInterfaceCommand({ TrunkInterfaceId: trunkId, BranchInterfaceId: other, VlanId: 1 })), "InvalidParameterValue");
    await expectCode(c.send(new ec2.AssociateTrunkInterfaceCommand({ TrunkInterfaceId: trunkId, BranchInterfaceId: branchId, VlanId: 2 })), "InvalidNetworkInterface.InUse");
    await c.send(new ec2.DisassociateTrunkInterfaceCommand({ AssociationId: a?.AssociationId }));
    await expectCode(c.send(new ec2.DisassociateTrunkInterfaceCommand({ AssociationId: a?.AssociationId })), "InvalidAssociationID.NotFound");
    await expectCode(c.send(new ec2.CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: branchId, Permission: "INSTANCE-ATTACH" })), "MissingParameter");
  });
});
