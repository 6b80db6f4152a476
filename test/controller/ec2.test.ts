import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createFakeEc2, createSeededRng, DEFAULT_EC2_CONFIG, isEc2Error } from "../../controller/index.js";
import type { Ec2Config } from "../../controller/index.js";

function setup(cfg: Partial<Ec2Config> = {}, seed = 1) {
  const clock = new FakeClock(0);
  const ec2 = createFakeEc2({ clock, rng: createSeededRng(seed) }, { ...DEFAULT_EC2_CONFIG, callLatencyMs: 0, ...cfg });
  return { clock, ec2 };
}

async function settle<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  await clock.runUntilIdle();
  return p;
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return "";
  } catch (e) {
    return isEc2Error(e) ? e.code : `not an Ec2Error: ${String(e)}`;
  }
};

describe("fake EC2", () => {
  it("branch ENI lifecycle: create, permission, associate on the trunk, delete frees the IP", async () => {
    const { clock, ec2 } = setup({ branchSubnetCidr: "10.9.0.0/28" });
    ec2.launchInstance("n1");
    const trunk = await settle(clock, ec2.createNetworkInterface({ kind: "trunk", subnet: "primary" }));
    expect(await settle(clock, ec2.attachNetworkInterface({ eniId: trunk.eniId, nodeName: "n1" }))).toBe(1); // 0 is the primary
    const b = await settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch", securityGroupIds: ["sg-1"] }));
    expect(b).toMatchObject({ kind: "branch", subnetCidr: "10.9.0.0/28", privateIps: ["10.9.0.4"], securityGroupIds: ["sg-1"] });
    await settle(clock, ec2.createNetworkInterfacePermission(b.eniId));
    const assoc = await settle(clock, ec2.associateTrunkInterface({ trunkEniId: trunk.eniId, branchEniId: b.eniId, vlanId: 1 }));
    expect(assoc).toMatch(/^trunk-assoc-/);
    expect(ec2.describe(b.eniId)).toMatchObject({ nodeName: "n1", vlanId: 1, state: "associated" });
    // The same VLAN twice on one trunk is refused.
    const b2 = await settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }));
    expect(await codeOf(settle(clock, ec2.associateTrunkInterface({ trunkEniId: trunk.eniId, branchEniId: b2.eniId, vlanId: 1 })))).toBe("InvalidParameterValue");
    await settle(clock, ec2.deleteNetworkInterface(b.eniId));
    expect(ec2.describe(b.eniId)?.state).toBe("deleted");
    expect(await codeOf(settle(clock, ec2.deleteNetworkInterface(b.eniId)))).toBe("InvalidNetworkInterfaceID.NotFound");
    const b3 = await settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }));
    expect(b3.privateIps).toEqual(["10.9.0.4"]);
    expect(ec2.list({ kind: "branch" }).map((e) => e.eniId).sort()).toEqual([b2.eniId, b3.eniId].sort());
  });

  it("calls wait for rate-limit tokens and take their latency; the log shows each attempt", async () => {
    const { clock, ec2 } = setup({ callLatencyMs: 40 });
    const calls = Array.from({ length: 20 }, () => ec2.createNetworkInterface({ kind: "secondary", subnet: "primary" }));
    await clock.runUntilIdle();
    await Promise.all(calls);
    const log = ec2.callLog();
    expect(log).toHaveLength(20);
    expect(log.slice(0, 18).every((r) => r.startedAt === 0 && r.endedAt === 40)).toBe(true);
    expect(log[18]?.startedAt).toBeCloseTo(1000 / 12, 6);
    expect(log[19]?.startedAt).toBeCloseTo(2000 / 12, 6);
    expect(log[19]?.endedAt).toBeCloseTo(2000 / 12 + 40, 6);
    expect(log.every((r) => r.errorCode === "" && r.eniId.startsWith("eni-"))).toBe(true);
  });

  it("throttling: RequestLimitExceeded is retried by the SDK up to 3 attempts, then surfaces", async () => {
    const { clock, ec2 } = setup();
    ec2.setFaults({ throttleRate: 1 });
    const code = await codeOf(settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" })));
    expect(code).toBe("RequestLimitExceeded");
    const log = ec2.callLog();
    expect(log.map((r) => [r.attempt, r.errorCode])).toEqual([
      [1, "RequestLimitExceeded"],
      [2, "RequestLimitExceeded"],
      [3, "RequestLimitExceeded"],
    ]);
    // Full-jitter back-off: attempt n+1 starts within 2^n s of attempt n's answer.
    expect((log[1]?.startedAt ?? 0) - (log[0]?.endedAt ?? 0)).toBeLessThanOrEqual(2000);
    expect((log[2]?.startedAt ?? 0) - (log[1]?.endedAt ?? 0)).toBeLessThanOrEqual(4000);
    expect(ec2.list()).toHaveLength(0);
  });

  it("a throttled call that succeeds on retry creates exactly one ENI", async () => {
    const { clock, ec2 } = setup({}, 5);
    ec2.setFaults({ throttleRate: 0.5 });
    const results = await settle(clock, Promise.allSettled(Array.from({ length: 40 }, () => ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }))));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const log = ec2.callLog();
    expect(log.filter((r) => r.errorCode === "").length).toBe(ok);
    expect(ec2.list()).toHaveLength(ok);
    expect(log.some((r) => r.attempt > 1 && r.errorCode === "")).toBe(true);
    expect(ok).toBeLessThan(40);
  });

  it("failed calls answer InternalError; subnet exhaustion answers InsufficientFreeAddressesInSubnet without retry", async () => {
    const { clock, ec2 } = setup({ branchSubnetCidr: "10.9.0.0/28" });
    ec2.setFaults({ failureRate: 1 });
    expect(await codeOf(settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" })))).toBe("InternalError");
    ec2.setFaults({ failureRate: 0, subnetExhausted: true });
    const before = ec2.callLog().length;
    expect(await codeOf(settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" })))).toBe("InsufficientFreeAddressesInSubnet");
    expect(ec2.callLog().length - before).toBe(1);
    ec2.setFaults({ subnetExhausted: false });
    for (let i = 0; i < 11; i++) await settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }));
    expect(await codeOf(settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" })))).toBe("InsufficientFreeAddressesInSubnet");
  });

  it("attach picks the lowest free device index; detach frees it; an attached ordinary ENI cannot be deleted", async () => {
    const { clock, ec2 } = setup();
    ec2.launchInstance("n1", 2);
    expect(ec2.launchInstance("n1").privateIps).toHaveLength(3);
    const a = await settle(clock, ec2.createNetworkInterface({ kind: "secondary", subnet: "primary", secondaryIpCount: 9 }));
    const b = await settle(clock, ec2.createNetworkInterface({ kind: "secondary", subnet: "primary" }));
    expect(a.privateIps).toHaveLength(10);
    expect(await settle(clock, ec2.attachNetworkInterface({ eniId: a.eniId, nodeName: "n1" }))).toBe(1);
    expect(await settle(clock, ec2.attachNetworkInterface({ eniId: b.eniId, nodeName: "n1" }))).toBe(2);
    expect(await codeOf(settle(clock, ec2.deleteNetworkInterface(a.eniId)))).toBe("InvalidNetworkInterface.InUse");
    await settle(clock, ec2.detachNetworkInterface(a.eniId));
    await settle(clock, ec2.deleteNetworkInterface(a.eniId));
    const c = await settle(clock, ec2.createNetworkInterface({ kind: "secondary", subnet: "primary" }));
    expect(await settle(clock, ec2.attachNetworkInterface({ eniId: c.eniId, nodeName: "n1" }))).toBe(1);
  });

  it("an aborted call rejects with the signal's reason", async () => {
    const { clock, ec2 } = setup({ callLatencyMs: 1000 });
    const ac = new AbortController();
    const p = ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }, ac.signal);
    ac.abort(new Error("deadline"));
    await expect(settle(clock, p)).rejects.toThrow("deadline");
  });

  it("clients share ENIs, faults and the log but each has its own rate limit", async () => {
    const { clock, ec2 } = setup();
    const ipamd = ec2.client("aws-node/n1");
    const limited = ec2.client("other", { qps: 1, burst: 1 });
    for (let i = 0; i < 18; i++) void ec2.createNetworkInterface({ kind: "secondary", subnet: "primary" });
    const mine = Array.from({ length: 5 }, () => ipamd.createNetworkInterface({ kind: "secondary", subnet: "primary" }));
    const slow = [limited.createNetworkInterface({ kind: "secondary", subnet: "primary" }), limited.createNetworkInterface({ kind: "secondary", subnet: "primary" })];
    await clock.runUntilIdle();
    const made = await Promise.all(mine);
    await Promise.all(slow);
    // The controller's burst is spent, yet ipamd's calls are not delayed by it.
    expect(ec2.callLog().filter((r) => r.client === "aws-node/n1").every((r) => r.startedAt === 0)).toBe(true);
    expect(ec2.callLog().filter((r) => r.client === "other").map((r) => r.startedAt)).toEqual([0, 1000]);
    expect(ec2.callLog().filter((r) => r.client === "vpc-resource-controller")).toHaveLength(18);
    expect(ec2.describe(made[0]?.eniId ?? "")?.kind).toBe("secondary");
    ec2.setFaults({ failureRate: 1 });
    expect(ipamd.getFaults().failureRate).toBe(1);
    expect(ec2.list()).toHaveLength(25);
  });
  it("keeps the newest callLogLimit call records (a long run's log stays bounded)", async () => {
    const { clock, ec2 } = setup({ callLogLimit: 16, qps: 1000, burst: 1000 });
    for (let i = 0; i < 100; i++) await settle(clock, ec2.createNetworkInterface({ kind: "secondary", subnet: "primary", secondaryIpCount: 0 }));
    const log = ec2.callLog();
    expect(log.length).toBeGreaterThanOrEqual(16);
    expect(log.length).toBeLessThanOrEqual(18); // trimmed in batches of an eighth
    expect(log.at(-1)?.eniId).toBe(ec2.list().at(-1)?.eniId); // the newest call is kept
    expect(ec2.list()).toHaveLength(100); // the ENIs themselves are not the log's
  });

  it("describe() answers for the newest deletedEniLimit deleted ENIs, and forgets older ones", async () => {
    const { clock, ec2 } = setup({ deletedEniLimit: 2, qps: 1000, burst: 1000 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await settle(clock, ec2.createNetworkInterface({ kind: "branch", subnet: "branch" }));
      await settle(clock, ec2.deleteNetworkInterface(e.eniId));
      ids.push(e.eniId);
    }
    expect(ids.map((id) => ec2.describe(id)?.state)).toEqual([undefined, undefined, undefined, "deleted", "deleted"]);
    expect(await codeOf(settle(clock, ec2.deleteNetworkInterface(ids[0] ?? "")))).toBe("InvalidNetworkInterfaceID.NotFound");
    expect(ec2.list()).toEqual([]);
  });
});

