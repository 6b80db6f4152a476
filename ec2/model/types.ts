// The fake EC2's records: one VPC with its subnets, instances, network interfaces (primary,
// secondary, trunk, branch), attachments, trunk associations and interface permissions, as EC2
// keeps them (docs/REFERENCE.md §9). Plain data: the model (model.ts) indexes them, the store
// (store/format.ts) writes them out as they are.

/** EC2's interface types on this path (DescribeNetworkInterfaces `interfaceType`). */
export type InterfaceType = "interface" | "trunk" | "branch";
export const INTERFACE_TYPES: readonly InterfaceType[] = ["interface", "trunk", "branch"];

/** Tags in insertion order (EC2 keys are case sensitive, at most 50 per resource). */
export type Tags = Map<string, string>;

export interface VpcRec {
  readonly vpcId: string;
  /** The primary CIDR first, then any secondary CIDR blocks. */
  readonly cidrs: readonly string[];
  /** The VPC's default security group (sg-…): what an interface created without groups gets. */
  readonly defaultSecurityGroupId: string;
  readonly tags: Tags;
}

export interface SubnetRec {
  readonly subnetId: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  readonly tags: Tags;
}

export interface AttachmentRec {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  deleteOnTermination: boolean;
  /** Clock time (ms) of the attach. */
  readonly attachTime: number;
}

export interface EniRec {
  readonly eniId: string;
  readonly subnetId: string;
  readonly macAddress: string;
  interfaceType: InterfaceType;
  description: string;
  /** Security group ids (sg-…). */
  groups: string[];
  /** The primary private IPv4 address first, then the secondary ones in assignment order. */
  ips: string[];
  sourceDestCheck: boolean;
  tags: Tags;
  attachment: AttachmentRec | undefined;
  readonly createdAt: number;
}

export type InstanceStateName = "running" | "terminated";

export interface InstanceRec {
  readonly instanceId: string;
  readonly reservationId: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly subnetId: string;
  readonly primaryEniId: string;
  /** The primary ENI's primary address (kept after termination, as EC2 shows it). */
  readonly privateIp: string;
  readonly groups: readonly string[];
  readonly launchTime: number;
  state: InstanceStateName;
  stateChangedAt: number;
  tags: Tags;
}

export interface AssociationRec {
  readonly associationId: string;
  readonly trunkEniId: string;
  readonly branchEniId: string;
  readonly vlanId: number;
}

export interface PermissionRec {
  readonly permissionId: string;
  readonly eniId: string;
  readonly permission: "INSTANCE-ATTACH" | "EIP-ASSOCIATE";
  readonly awsAccountId: string;
  readonly awsService: string;
}

/** An idempotency token seen (ClientToken): the action, what was asked, and what it made. */
export interface TokenRec {
  readonly token: string;
  readonly action: string;
  readonly fingerprint: string;
  readonly resultIds: readonly string[];
}

/** Who owns the VPC, where it is, and its address space: fixed when the state is first made. */
export interface VpcSpec {
  readonly accountId: string;
  readonly region: string;
  readonly vpcCidr: string;
  readonly subnets: readonly { readonly cidr: string; readonly availabilityZone: string }[];
}
