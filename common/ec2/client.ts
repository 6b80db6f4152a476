// The EC2 client the controller, ipamd and the harness share in cluster mode: the actions of
// docs/REFERENCE.md §9 with typed requests and typed replies (parse.ts), Describe* pages followed to
// the end, and every call through sdk.ts (deadline, signal, retries, call log, Ec2Error).

import {
  AssignPrivateIpAddressesCommand, AssociateTrunkInterfaceCommand, AttachNetworkInterfaceCommand, CreateNetworkInterfaceCommand,
  CreateNetworkInterfacePermissionCommand, CreateTagsCommand, DeleteNetworkInterfaceCommand, DeleteTagsCommand,
  DescribeInstanceTypesCommand, DescribeInstancesCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand,
  DescribeTrunkInterfaceAssociationsCommand, DescribeVpcsCommand, DetachNetworkInterfaceCommand, DisassociateTrunkInterfaceCommand,
  ModifyNetworkInterfaceAttributeCommand, RunInstancesCommand, TerminateInstancesCommand, UnassignPrivateIpAddressesCommand,
} from "@aws-sdk/client-ec2";
import type {
  AssignPrivateIpAddressesResult, AssociateTrunkInterfaceResult, AttachNetworkInterfaceResult, CreateNetworkInterfacePermissionResult, CreateNetworkInterfaceResult, DescribeInstanceTypesResult, DescribeInstancesResult, DescribeNetworkInterfacesResult, DescribeSubnetsResult, DescribeTrunkInterfaceAssociationsResult, DescribeVpcsResult, Filter, Instance, NetworkInterfaceCreationType, Tag, _InstanceType,
} from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { HarnessError } from "../errors.js";
import { parseAssociation, parseEni, parseInstance, parseInstanceType, parseSubnet, parseVpc } from "./parse.js";
import { createSdkEc2 } from "./sdk.js";
import type { Ec2ClientOptions, SdkEc2 } from "./sdk.js";
import type { Ec2ClientCall, Ec2Eni, Ec2Filter, Ec2Instance, Ec2InstanceType, Ec2Subnet, Ec2TrunkAssociation, Ec2Vpc } from "./types.js";

export type Tags = Readonly<Record<string, string>>;

export interface CreateEniInput {
  readonly subnetId: string;
  readonly description?: string;
  readonly securityGroupIds?: readonly string[];
  readonly secondaryIpCount?: number;
  readonly interfaceType?: "trunk" | "branch";
  readonly tags?: Tags;
}

export interface RunInstancesInput {
  readonly instanceType: string;
  readonly subnetId?: string;
  readonly imageId?: string;
  readonly count?: number;
  readonly securityGroupIds?: readonly string[];
  readonly tags?: Tags;
}

export interface Ec2Client {
  readonly name: string;
  readonly endpoint: string;
  runInstances(req: RunInstancesInput, signal?: AbortSignal): Promise<Ec2Instance[]>;
  terminateInstances(instanceIds: readonly string[], signal?: AbortSignal): Promise<void>;
  describeInstances(req: { instanceIds?: readonly string[]; filters?: readonly Ec2Filter[] }, signal?: AbortSignal): Promise<Ec2Instance[]>;
  describeInstanceTypes(types: readonly string[], signal?: AbortSignal): Promise<Ec2InstanceType[]>;
  describeSubnets(req: { subnetIds?: readonly string[]; filters?: readonly Ec2Filter[] }, signal?: AbortSignal): Promise<Ec2Subnet[]>;
  describeVpcs(vpcIds: readonly string[], signal?: AbortSignal): Promise<Ec2Vpc[]>;
  describeNetworkInterfaces(req: { eniIds?: readonly string[]; filters?: readonly Ec2Filter[] }, signal?: AbortSignal): Promise<Ec2Eni[]>;
  createNetworkInterface(req: CreateEniInput, signal?: AbortSignal): Promise<Ec2Eni>;
  attachNetworkInterface(req: { eniId: string; instanceId: string; deviceIndex: number }, signal?: AbortSignal): Promise<{ attachmentId: string }>;
  detachNetworkInterface(req: { attachmentId: string; force?: boolean }, signal?: AbortSignal): Promise<void>;
  deleteNetworkInterface(eniId: string, signal?: AbortSignal): Promise<void>;
  /** ModifyNetworkInterfaceAttribute Attachment.DeleteOnTermination. */
  setDeleteOnTermination(req: { eniId: string; attachmentId: string; deleteOnTermination: boolean }, signal?: AbortSignal): Promise<void>;
  /** A count of new addresses, or specific ones; resolves the addresses assigned. */
  assignPrivateIpAddresses(req: { eniId: string; count?: number; ips?: readonly string[] }, signal?: AbortSignal): Promise<string[]>;
  unassignPrivateIpAddresses(req: { eniId: string; ips: readonly string[] }, signal?: AbortSignal): Promise<void>;
  createTags(req: { resourceIds: readonly string[]; tags: Tags }, signal?: AbortSignal): Promise<void>;
  deleteTags(req: { resourceIds: readonly string[]; keys: readonly string[] }, signal?: AbortSignal): Promise<void>;
  /** INSTANCE-ATTACH for the given account (the controller's wrapper adds the account id). */
  createNetworkInterfacePermission(req: { eniId: string; accountId: string }, signal?: AbortSignal): Promise<{ permissionId: string }>;
  associateTrunkInterface(req: { trunkEniId: string; branchEniId: string; vlanId: number }, signal?: AbortSignal): Promise<Ec2TrunkAssociation>;
  disassociateTrunkInterface(associationId: string, signal?: AbortSignal): Promise<void>;
  describeTrunkInterfaceAssociations(req: { associationIds?: readonly string[]; trunkEniId?: string }, signal?: AbortSignal): Promise<Ec2TrunkAssociation[]>;
  /** Every HTTP attempt of this client (bounded). */
  callLog(): readonly Ec2ClientCall[];
  destroy(): void;
}

const sdkTags = (tags: Tags | undefined): Tag[] => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
const sdkFilters = (f: readonly Ec2Filter[] | undefined): Filter[] | undefined =>
  f === undefined || f.length === 0 ? undefined : f.map((x) => ({ Name: x.name, Values: [...x.values] }));
const list = (v: readonly string[] | undefined): string[] | undefined => (v === undefined || v.length === 0 ? undefined : [...v]);

/** Follows NextToken to the last page (a bounded number of pages, so a looping server cannot hang us). */
async function allPages<T>(page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const r = await page(token);
    out.push(...r.items);
    if (r.next === undefined || r.next === "") return out;
    token = r.next;
  }
  throw new HarnessError("internal", "EC2 reply: more than 10,000 pages");
}

export function createEc2Client(options: Ec2ClientOptions, clock?: Clock): Ec2Client {
  return wrap(createSdkEc2(options, clock));
}

function wrap(s: SdkEc2): Ec2Client {
  return { name: s.name, endpoint: s.endpoint, ...instanceCalls(s), ...eniCalls(s), ...trunkAndTagCalls(s), callLog: () => s.callLog(), destroy: () => s.destroy() };
}

/** Instances, instance types, subnets, the VPC. */
function instanceCalls(s: SdkEc2): Pick<Ec2Client, "runInstances" | "terminateInstances" | "describeInstances" | "describeInstanceTypes" | "describeSubnets" | "describeVpcs"> {
  return {
    async runInstances(req, signal) {
      const tags = sdkTags(req.tags);
      const out = await s.send<{ Instances?: Instance[] }>("RunInstances", {
        command: new RunInstancesCommand({
          ImageId: req.imageId ?? "ami-0123456789abcdef0", InstanceType: req.instanceType as _InstanceType, MinCount: req.count ?? 1, MaxCount: req.count ?? 1,
          SubnetId: req.subnetId, SecurityGroupIds: list(req.securityGroupIds),
          TagSpecifications: tags.length === 0 ? undefined : [{ ResourceType: "instance", Tags: tags }],
        }),
      }, signal);
      return (out.Instances ?? []).map(parseInstance);
    },
    async terminateInstances(instanceIds, signal) {
      await s.send("TerminateInstances", { command: new TerminateInstancesCommand({ InstanceIds: [...instanceIds] }) }, signal);
    },
    describeInstances(req, signal) {
      return allPages(async (NextToken) => {
        const out = await s.send<DescribeInstancesResult>("DescribeInstances", {
          command: new DescribeInstancesCommand({ InstanceIds: list(req.instanceIds), Filters: sdkFilters(req.filters), NextToken }),
        }, signal);
        return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map(parseInstance), next: out.NextToken };
      });
    },
    async describeInstanceTypes(types, signal) {
      const out = await s.send<DescribeInstanceTypesResult>("DescribeInstanceTypes", {
        command: new DescribeInstanceTypesCommand({ InstanceTypes: types.map((t) => t as _InstanceType) }),
      }, signal);
      return (out.InstanceTypes ?? []).map(parseInstanceType);
    },
    describeSubnets(req, signal) {
      return allPages(async (NextToken) => {
        const out = await s.send<DescribeSubnetsResult>("DescribeSubnets", {
          command: new DescribeSubnetsCommand({ SubnetIds: list(req.subnetIds), Filters: sdkFilters(req.filters), NextToken }),
        }, signal);
        return { items: (out.Subnets ?? []).map(parseSubnet), next: out.NextToken };
      });
    },
    async describeVpcs(vpcIds, signal) {
      const out = await s.send<DescribeVpcsResult>("DescribeVpcs", {
        command: new DescribeVpcsCommand({ VpcIds: list(vpcIds) }),
      }, signal);
      return (out.Vpcs ?? []).map(parseVpc);
    },
  };
}

/** Network interfaces, attachments and addresses. */
function eniCalls(s: SdkEc2): Pick<Ec2Client, "describeNetworkInterfaces" | "createNetworkInterface" | "attachNetworkInterface" | "detachNetworkInterface" | "deleteNetworkInterface" | "setDeleteOnTermination" | "assignPrivateIpAddresses" | "unassignPrivateIpAddresses"> {
  return {
    describeNetworkInterfaces(req, signal) {
      const byId = req.eniIds !== undefined && req.eniIds.length > 0;
      return allPages(async (NextToken) => {
        const out = await s.send<DescribeNetworkInterfacesResult>("DescribeNetworkInterfaces", {
          command: new DescribeNetworkInterfacesCommand({
            NetworkInterfaceIds: list(req.eniIds), Filters: sdkFilters(req.filters), NextToken, MaxResults: byId ? undefined : 1000,
          }),
        }, signal);
        return { items: (out.NetworkInterfaces ?? []).map(parseEni), next: out.NextToken };
      });
    },
    async createNetworkInterface(req, signal) {
      const tags = sdkTags(req.tags);
      const out = await s.send<CreateNetworkInterfaceResult>("CreateNetworkInterface", {
        command: new CreateNetworkInterfaceCommand({
          SubnetId: req.subnetId, Description: req.description, Groups: list(req.securityGroupIds),
          SecondaryPrivateIpAddressCount: req.secondaryIpCount === undefined || req.secondaryIpCount === 0 ? undefined : req.secondaryIpCount,
          InterfaceType: req.interfaceType as NetworkInterfaceCreationType | undefined,
          TagSpecifications: tags.length === 0 ? undefined : [{ ResourceType: "network-interface", Tags: tags }],
        }),
      }, signal);
      if (out.NetworkInterface === undefined) throw new HarnessError("internal", "EC2 reply: CreateNetworkInterface without networkInterface");
      return parseEni(out.NetworkInterface);
    },
    async attachNetworkInterface(req, signal) {
      const out = await s.send<AttachNetworkInterfaceResult>("AttachNetworkInterface", {
        command: new AttachNetworkInterfaceCommand({ NetworkInterfaceId: req.eniId, InstanceId: req.instanceId, DeviceIndex: req.deviceIndex }),
        eniId: req.eniId,
      }, signal);
      if (out.AttachmentId === undefined) throw new HarnessError("internal", `EC2 reply: AttachNetworkInterface of ${req.eniId} without attachmentId`);
      return { attachmentId: out.AttachmentId };
    },
    async detachNetworkInterface(req, signal) {
      await s.send("DetachNetworkInterface", { command: new DetachNetworkInterfaceCommand({ AttachmentId: req.attachmentId, Force: req.force }) }, signal);
    },
    async deleteNetworkInterface(eniId, signal) {
      await s.send("DeleteNetworkInterface", { command: new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }), eniId }, signal);
    },
    async setDeleteOnTermination(req, signal) {
      await s.send("ModifyNetworkInterfaceAttribute", {
        command: new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: req.eniId, Attachment: { AttachmentId: req.attachmentId, DeleteOnTermination: req.deleteOnTermination },
        }),
        eniId: req.eniId,
      }, signal);
    },
    async assignPrivateIpAddresses(req, signal) {
      const out = await s.send<AssignPrivateIpAddressesResult>("AssignPrivateIpAddresses", {
        command: new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: req.eniId, SecondaryPrivateIpAddressCount: req.count, PrivateIpAddresses: list(req.ips) }),
        eniId: req.eniId,
      }, signal);
      return (out.AssignedPrivateIpAddresses ?? []).map((a, i) => {
        if (a.PrivateIpAddress === undefined) throw new HarnessError("internal", `EC2 reply: assignedPrivateIpAddressesSet[${i}] without an address`);
        return a.PrivateIpAddress;
      });
    },
    async unassignPrivateIpAddresses(req, signal) {
      await s.send("UnassignPrivateIpAddresses", {
        command: new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: req.eniId, PrivateIpAddresses: [...req.ips] }), eniId: req.eniId,
      }, signal);
    },
  };
}

/** Trunk associations, interface permissions, tags. */
function trunkAndTagCalls(s: SdkEc2): Pick<Ec2Client, "createTags" | "deleteTags" | "createNetworkInterfacePermission" | "associateTrunkInterface" | "disassociateTrunkInterface" | "describeTrunkInterfaceAssociations"> {
  return {
    async createTags(req, signal) {
      await s.send("CreateTags", { command: new CreateTagsCommand({ Resources: [...req.resourceIds], Tags: sdkTags(req.tags) }) }, signal);
    },
    async deleteTags(req, signal) {
      await s.send("DeleteTags", { command: new DeleteTagsCommand({ Resources: [...req.resourceIds], Tags: req.keys.map((Key) => ({ Key })) }) }, signal);
    },
    async createNetworkInterfacePermission(req, signal) {
      const out = await s.send<CreateNetworkInterfacePermissionResult>("CreateNetworkInterfacePermission", {
        command: new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: req.eniId, Permission: "INSTANCE-ATTACH", AwsAccountId: req.accountId }),
        eniId: req.eniId,
      }, signal);
      const id = out.InterfacePermission?.NetworkInterfacePermissionId;
      if (id === undefined) throw new HarnessError("internal", `EC2 reply: CreateNetworkInterfacePermission of ${req.eniId} without a permission id`);
      return { permissionId: id };
    },
    async associateTrunkInterface(req, signal) {
      const out = await s.send<AssociateTrunkInterfaceResult>("AssociateTrunkInterface", {
        command: new AssociateTrunkInterfaceCommand({ TrunkInterfaceId: req.trunkEniId, BranchInterfaceId: req.branchEniId, VlanId: req.vlanId }),
        eniId: req.branchEniId,
      }, signal);
      if (out.InterfaceAssociation === undefined) throw new HarnessError("internal", "EC2 reply: AssociateTrunkInterface without interfaceAssociation");
      return parseAssociation(out.InterfaceAssociation);
    },
    async disassociateTrunkInterface(associationId, signal) {
      await s.send("DisassociateTrunkInterface", { command: new DisassociateTrunkInterfaceCommand({ AssociationId: associationId }) }, signal);
    },
    describeTrunkInterfaceAssociations(req, signal) {
      const filters = req.trunkEniId === undefined ? undefined : [{ Name: "trunk-interface-association.trunk-interface-id", Values: [req.trunkEniId] }];
      return allPages(async (NextToken) => {
        const out = await s.send<DescribeTrunkInterfaceAssociationsResult>("DescribeTrunkInterfaceAssociations", {
          command: new DescribeTrunkInterfaceAssociationsCommand({ AssociationIds: list(req.associationIds), Filters: filters, NextToken }),
        }, signal);
        return { items: (out.InterfaceAssociations ?? []).map(parseAssociation), next: out.NextToken };
      });
    },
  };
}
