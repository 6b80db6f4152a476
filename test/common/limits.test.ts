// Instance type limits (common/limits.ts: the datastore's and the controller's bounds) and the EKS max-pods formula (docs/REFERENCE.md §4).

import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../common/errors.js";
import { KNOWN_INSTANCE_TYPES, instanceLimits, maxPods, secondaryIpsPerEni, supportsTrunking } from "../../common/limits.js";

describe("instanceLimits", () => {
  it.each([
    ["t3.medium", 3, 6, 0, 17],
    ["m5.large", 3, 10, 9, 29],
    ["m5.xlarge", 4, 15, 18, 58],
    ["m5.2xlarge", 4, 15, 38, 58],
    ["m5.4xlarge", 8, 30, 54, 234],
    ["c5.4xlarge", 8, 30, 54, 234],
  ])("%s: %i ENIs, %i IPv4 per ENI, %i branch ENIs, max pods %i", (type, enis, ips, branches, pods) => {
    const l = instanceLimits(type);
    expect([l.maxEnis, l.ipv4PerEni, l.branchEnis]).toEqual([enis, ips, branches]);
    expect(maxPods(l)).toBe(pods);
    expect(secondaryIpsPerEni(l)).toBe(ips - 1);
    expect(supportsTrunking(l)).toBe(branches > 0);
  });

  it("refuses an unknown type, naming the known ones", () => {
    let caught: unknown;
    try {
      instanceLimits("z9.huge");
    } catch (e: unknown) {
      caught = e;
    }
    expect(isHarnessError(caught) && caught.kind).toBe("invalid-config");
    const msg = (caught as Error).message;
    expect(msg).toContain('"z9.huge"');
    for (const t of KNOWN_INSTANCE_TYPES) expect(msg).toContain(t);
  });

  it("does not treat Object.prototype keys as instance types", () => {
    expect(() => instanceLimits("constructor")).toThrow(/not known/);
  });
});
