// Per instance type limits (ENIs, IPv4 addresses per ENI, branch ENIs) as EC2 publishes them and
// the VPC CNI / VPC resource controller use them (docs/REFERENCE.md §4), and the derived max pods.

import { HarnessError } from "./errors.js";

export interface InstanceLimits {
  readonly instanceType: string;
  /** Network interfaces the instance can attach (the primary ENI included). */
  readonly maxEnis: number;
  /** IPv4 addresses per ENI, the ENI's own primary address included. */
  readonly ipv4PerEni: number;
  /** Branch ENIs (pod ENIs) a trunk can carry; 0 = the type does not support trunking. */
  readonly branchEnis: number;
}

/** What the datastore hands out per ENI: every address but the ENI's primary (GetENIIPv4Limit - 1). */
export function secondaryIpsPerEni(limits: InstanceLimits): number {
  return limits.ipv4PerEni - 1;
}

/** EKS's max-pods formula: ENIs x (IPv4 per ENI - 1) + 2 (the +2 are host-network pods). */
export function maxPods(limits: InstanceLimits): number {
  return limits.maxEnis * (limits.ipv4PerEni - 1) + 2;
}

/** True when the type supports a trunk ENI (Security Groups for Pods). */
export function supportsTrunking(limits: InstanceLimits): boolean {
  return limits.branchEnis > 0;
}

// [maxEnis, ipv4PerEni, branchEnis]; the figures of docs/REFERENCE.md §4 first, then a few common
// neighbours from the same public tables (vpc-resource-controller's limits.go, eni-max-pods.txt).
const TABLE: Readonly<Record<string, readonly [number, number, number]>> = {
  "t3.medium": [3, 6, 0],
  "t3.large": [3, 12, 0],
  "m5.large": [3, 10, 9],
  "m5.xlarge": [4, 15, 18],
  "m5.2xlarge": [4, 15, 38],
  "m5.4xlarge": [8, 30, 54],
  "c5.large": [3, 10, 9],
  "c5.xlarge": [4, 15, 18],
  "c5.2xlarge": [4, 15, 38],
  "c5.4xlarge": [8, 30, 54],
};

export const KNOWN_INSTANCE_TYPES: readonly string[] = Object.freeze(Object.keys(TABLE).sort());

/** The limits of a known instance type; an unknown one is a configuration error naming the known ones. */
export function instanceLimits(instanceType: string): InstanceLimits {
  const row = Object.hasOwn(TABLE, instanceType) ? TABLE[instanceType] : undefined;
  if (row === undefined) {
    throw new HarnessError(
      "invalid-config",
      `instance type "${instanceType}" is not known; known types: ${KNOWN_INSTANCE_TYPES.join(", ")}`,
    );
  }
  const [maxEnis, ipv4PerEni, branchEnis] = row;
  return Object.freeze({ instanceType, maxEnis, ipv4PerEni, branchEnis });
}
