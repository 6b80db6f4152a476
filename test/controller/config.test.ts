import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_CONFIG, resolveControllerConfig } from "../../controller/index.js";
import { isHarnessError } from "../../common/errors.js";

const message = (fn: () => unknown): string => {
  try {
    fn();
    return "ok";
  } catch (e) {
    return isHarnessError(e) && e.kind === "invalid-config" ? e.message : "wrong error";
  }
};

describe("controller config", () => {
  it("defaults are the real controller's", () => {
    const c = resolveControllerConfig();
    expect(c).toMatchObject({ workers: 30, cooldownMs: 60_000, deleteQueueIntervalMs: 30_000, maxRetries: 5, baseBackoffMs: 5 });
    expect(c.ec2).toMatchObject({ qps: 12, burst: 18, maxAttempts: 3, clientModel: "single" });
    expect(c).toEqual(DEFAULT_CONTROLLER_CONFIG);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("a cooldown below 30 s is raised to 30 s, as cooldown.go does", () => {
    expect(resolveControllerConfig({ cooldownMs: 5000 }).cooldownMs).toBe(30_000);
    expect(resolveControllerConfig({ cooldownMs: 45_000 }).cooldownMs).toBe(45_000);
  });

  it("bad values are refused naming the key", () => {
    expect(message(() => resolveControllerConfig({ workers: 0 }))).toContain("workers");
    expect(message(() => resolveControllerConfig({ faults: { ec2ThrottleRate: 1.5 } }))).toContain("faults.ec2ThrottleRate");
    expect(message(() => resolveControllerConfig({ faults: { branchCapacityOverride: -2 } }))).toContain("branchCapacityOverride");
    expect(message(() => resolveControllerConfig({ ec2: { qps: 0 } }))).toContain("ec2.qps");
    expect(message(() => resolveControllerConfig({ ec2: { clientModel: "double" as "single" } }))).toContain("clientModel");
    expect(message(() => resolveControllerConfig({ provisioningDelay: { kind: "uniform", minMs: 3, maxMs: 1 } }))).toContain("maxMs");
    expect(message(() => resolveControllerConfig({ ec2: { branchSubnetCidr: "10.0.0.0/30" } }))).toBe("ok"); // checked when EC2 is built
    expect(message(() => resolveControllerConfig({ recordLimit: 0 }))).toContain("recordLimit must be an integer >= 1");
    expect(message(() => resolveControllerConfig({ ec2: { callLogLimit: 2.5 } }))).toContain("ec2.callLogLimit");
    expect(message(() => resolveControllerConfig({ ec2: { deletedEniLimit: Number.POSITIVE_INFINITY } }))).toContain("ec2.deletedEniLimit");
  });
});
