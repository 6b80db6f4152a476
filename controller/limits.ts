// Branch-ENI limits per instance type (FACTS.md section 4). A local copy: ipamd/limits.ts (H3)
// holds the full ENI/IP table; this one only needs whether the type trunks and how many branches.

export const BRANCH_ENI_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  "t3.medium": 0,
  "m5.large": 9,
  "m5.xlarge": 18,
  "m5.2xlarge": 38,
  "m5.4xlarge": 54,
  "c5.4xlarge": 54,
});

/** The trunk's VLAN ids are 1..120 (the controller's MaxAllocatableVlanIds = 121, id 0 unusable). */
export const MAX_VLAN_ID = 120;

/** Branch limit of an instance type, or undefined when the type is unknown. */
export function branchLimit(instanceType: string): number | undefined {
  return BRANCH_ENI_LIMITS[instanceType];
}
