// EC2's replies as typed values (docs/REFERENCE.md §9): what the controller, ipamd and the harness
// read from DescribeInstances, DescribeNetworkInterfaces, DescribeSubnets, … once parsed from the
// SDK's optional-everything shapes (parse.ts). Nothing here depends on the SDK.

export interface Ec2Attachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly deleteOnTermination: boolean;
  readonly status: string;
}

export interface Ec2PrivateIp {
  readonly ip: string;
  readonly primary: boolean;
}

export interface Ec2Eni {
  readonly eniId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly macAddress: string;
  /** "interface", "trunk", "branch" (or another type EC2 reports). */
  readonly interfaceType: string;
  readonly description: string;
  /** "available" | "in-use" | … */
  readonly status: string;
  /** The primary private IPv4 address. */
  readonly privateIp: string;
  /** Every private IPv4 address, the primary first. */
  readonly privateIps: readonly Ec2PrivateIp[];
  readonly securityGroupIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment: Ec2Attachment | undefined;
}

export interface Ec2Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  /** "running", "terminated", … */
  readonly state: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly privateIp: string;
  readonly privateDnsName: string;
  readonly securityGroupIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Attached interfaces by device index (the primary at 0). */
  readonly networkInterfaces: readonly Ec2InstanceEni[];
}

export interface Ec2InstanceEni {
  readonly eniId: string;
  readonly macAddress: string;
  readonly interfaceType: string;
  readonly subnetId: string;
  readonly deviceIndex: number;
  readonly attachmentId: string;
  readonly privateIps: readonly Ec2PrivateIp[];
}

export interface Ec2Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  readonly availableIps: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Ec2Vpc {
  readonly vpcId: string;
  /** The primary CIDR first, then the associated secondary ones. */
  readonly cidrs: readonly string[];
}

/** The fields of DescribeInstanceTypes the VPC CNI reads. */
export interface Ec2InstanceType {
  readonly instanceType: string;
  readonly maxEnis: number;
  readonly ipv4PerEni: number;
  readonly ipv6PerEni: number;
  readonly maxNetworkCards: number;
  readonly defaultNetworkCardIndex: number;
  readonly hypervisor: string;
  readonly bareMetal: boolean;
}

export interface Ec2TrunkAssociation {
  readonly associationId: string;
  readonly trunkEniId: string;
  readonly branchEniId: string;
  readonly vlanId: number;
}

export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** One HTTP attempt of a client (retries are separate records with attempt > 1). */
export interface Ec2ClientCall {
  readonly client: string;
  readonly action: string;
  readonly attempt: number;
  /** When the attempt was asked for, when it got its client-side token, when it answered (clock ms). */
  readonly requestedAt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** "" on success, else EC2's error code (or the client's, e.g. a timeout). */
  readonly errorCode: string;
  readonly eniId: string;
}
