// Branch-ENI limits per instance type, from common/limits.ts (docs/REFERENCE.md §4), plus the trunk's
// VLAN id range.

import { instanceLimits, KNOWN_INSTANCE_TYPES } from "../common/limits.js";

/** The trunk's VLAN ids are 1..120 (the controller's MaxAllocatableVlanIds = 121, id 0 unusable). */
export const MAX_VLAN_ID = 120;

export const BRANCH_ENI_LIMITS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(KNOWN_INSTANCE_TYPES.map((t) => [t, instanceLimits(t).branchEnis])),
);

/** Branch limit of an instance type (0: no trunking), or undefined when the type is unknown. */
export function branchLimit(instanceType: string): number | undefined {
  return Object.hasOwn(BRANCH_ENI_LIMITS, instanceType) ? BRANCH_ENI_LIMITS[instanceType] : undefined;
}
