import { describe, expect, it } from "vitest";
import { BRANCH_ENI_LIMITS, branchLimit } from "../../controller/index.js";
import { rig } from "./helpers.js";

describe("EniAttacher for ipamd's warm pool", () => {
  it("creates and attaches an ordinary ENI with ipsPerEni addresses at the next free device; detach deletes it", async () => {
    const { clock, ctl } = await rig();
    const attacher = ctl.eniAttacher("node-1", { ipsPerEni: 10 });
    const p = attacher.attachEni();
    await clock.runUntilIdle();
    const eni = await p;
    expect(eni.deviceNumber).toBe(2); // 0 primary, 1 trunk
    expect(eni.ips).toHaveLength(10);
    expect(eni.subnetCidr).toBe(ctl.config.ec2.primarySubnetCidr);
    expect(eni.mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(ctl.ec2CallLog().slice(2).map((c) => [c.client, c.action])).toEqual([
      ["aws-node/node-1", "CreateNetworkInterface"],
      ["aws-node/node-1", "AttachNetworkInterface"],
    ]);
    const d = attacher.detachEni(eni.eniId);
    await clock.runUntilIdle();
    await d;
    expect(ctl.ec2.describe(eni.eniId)?.state).toBe("deleted");
    expect(ctl.ec2CallLog().slice(-2).map((c) => c.action)).toEqual(["DetachNetworkInterface", "DeleteNetworkInterface"]);
  });

  it("a failed attach deletes the created ENI and rejects", async () => {
    const { clock, ctl } = await rig();
    const attacher = ctl.eniAttacher("node-1", { ipsPerEni: 10 });
    const p = attacher.attachEni().catch((e: unknown) => e);
    // Fail every call after the create (the attach and its retries).
    while (ctl.ec2CallLog().length < 3) await clock.advance(1);
    ctl.setFaults({ ec2FailureRate: 1 });
    await clock.runUntilIdle();
    const err = await p;
    expect(String(err)).toMatch(/failed to attach ENI eni-[0-9a-f]{17}: api error InternalError/);
    const attaches = ctl.ec2CallLog().filter((c) => c.action === "AttachNetworkInterface");
    expect(attaches.map((c) => c.errorCode)).toEqual(["", "InternalError", "InternalError", "InternalError"]); // the trunk's, then 3 SDK attempts
    expect(ctl.ec2CallLog().filter((c) => c.action === "DeleteNetworkInterface").length).toBeGreaterThan(0);
  });
});

describe("branch limits", () => {
  it("match docs/REFERENCE.md §4", () => {
    expect(branchLimit("t3.medium")).toBe(0);
    expect(branchLimit("m5.large")).toBe(9);
    expect(branchLimit("m5.xlarge")).toBe(18);
    expect(branchLimit("m5.2xlarge")).toBe(38);
    expect(branchLimit("m5.4xlarge")).toBe(54);
    expect(branchLimit("c5.4xlarge")).toBe(54);
    expect(branchLimit("x9.huge")).toBeUndefined();
    expect(Object.keys(BRANCH_ENI_LIMITS)).toContain("m5.large");
  });
});
