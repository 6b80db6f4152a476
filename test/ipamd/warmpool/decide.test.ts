// Warm pool decisions against the real ipamd's arithmetic: WARM_ENI_TARGET (default 1),
// WARM_IP_TARGET, MINIMUM_IP_TARGET, max ENIs (trunk slot), max pods, ENI removal rules.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { Datastore } from "../../../ipamd/datastore/index.js";
import type { EniSpec } from "../../../ipamd/datastore/index.js";
import { instanceLimits } from "../../../common/limits.js";
import { DEFAULT_WARM_POOL, decide, ipTargetState, warmPoolConfig, warmPoolConfigFromEnv } from "../../../ipamd/warmpool/index.js";
import type { PoolDecision, WarmPoolConfig } from "../../../ipamd/warmpool/index.js";

const M5L = instanceLimits("m5.large"); // 3 ENIs x 9 pod IPs

function eni(d: number, n: number, isTrunk = false): EniSpec {
  return {
    eniId: `eni-${d}`,
    mac: `02:00:00:00:00:0${d}`,
    deviceNumber: d,
    primaryIp: `10.0.${d}.10`,
    subnetCidr: `10.0.${d}.0/24`,
    secondaryIps: Array.from({ length: n }, (_, i) => `10.0.${d}.${11 + i}`),
    isTrunk,
  };
}

/** A node with `enis` full ENIs (device 0..) and `assigned` pods, at clock time `now`. */
function node(opts: { enis: number; assigned: number; trunk?: boolean; attachedAt?: number }): { ds: Datastore; clock: FakeClock } {
  const clock = new FakeClock(opts.attachedAt ?? 0);
  const ds = new Datastore({ clock });
  for (let d = 0; d < opts.enis; d++) ds.addEni(eni(d, 9));
  if (opts.trunk === true) ds.addEni(eni(opts.enis, 0, true));
  for (let i = 0; i < opts.assigned; i++) ds.assign({ networkName: "n", containerID: `c${i}`, ifName: "eth0" }, { k8sPodNamespace: "d", k8sPodName: `p${i}`, interfacesCount: 1 });
  return { ds, clock };
}

function decision(ds: Datastore, config: WarmPoolConfig, opts: { now?: number; podEni?: boolean } = {}): PoolDecision {
  return decide({
    stats: ds.stats(),
    enis: ds.enis(),
    limits: M5L,
    config,
    podEniEnabled: opts.podEni ?? false,
    now: opts.now ?? 3_600_000,
  });
}

describe("config", () => {
  it("defaults to WARM_ENI_TARGET 1 and reads the real variable names", () => {
    expect(warmPoolConfigFromEnv({})).toEqual(DEFAULT_WARM_POOL);
    expect(warmPoolConfigFromEnv({ WARM_ENI_TARGET: "2", WARM_IP_TARGET: "5", MINIMUM_IP_TARGET: "" })).toEqual({
      warmEniTarget: 2,
      warmIpTarget: 5,
      minimumIpTarget: 0,
    });
    expect(() => warmPoolConfigFromEnv({ WARM_IP_TARGET: "-1" })).toThrow('WARM_IP_TARGET: "-1" is not a non-negative integer');
    expect(() => warmPoolConfig({ warmEniTarget: 1.5 })).toThrow("WARM_ENI_TARGET");
  });
});

describe("WARM_ENI_TARGET", () => {
  it("attaches while fewer than WARM_ENI_TARGET x IPs-per-ENI are free", () => {
    // 1 ENI, 1 pod: 8 free < 1 x 9.
    expect(decision(node({ enis: 1, assigned: 1 }).ds, DEFAULT_WARM_POOL)).toMatchObject({ action: "attach", ipCount: 9 });
    // 2 ENIs, 9 pods: 9 free = 1 x 9: at target.
    expect(decision(node({ enis: 2, assigned: 9 }).ds, DEFAULT_WARM_POOL)).toMatchObject({ action: "none", reason: "pool at target" });
    // WARM_ENI_TARGET 2 wants 18 free.
    expect(decision(node({ enis: 2, assigned: 9 }).ds, warmPoolConfig({ warmEniTarget: 2 })).action).toBe("attach");
  });

  it("with WARM_ENI_TARGET 0 attaches only when nothing is free, and frees only what leaves one free", () => {
    const cfg = warmPoolConfig({ warmEniTarget: 0 });
    expect(decision(node({ enis: 1, assigned: 8 }).ds, cfg).action).toBe("none");
    expect(decision(node({ enis: 1, assigned: 9 }).ds, cfg).action).toBe("attach");
    // Freeing eni-1 would leave 0 free and re-attach at once: keep it.
    expect(decision(node({ enis: 2, assigned: 9 }).ds, cfg).action).toBe("none");
    expect(decision(node({ enis: 2, assigned: 8 }).ds, cfg)).toMatchObject({ action: "detach", eniId: "eni-1" });
  });

  it("frees an unused ENI only when (WARM_ENI_TARGET + 1) ENIs' worth of IPs are free", () => {
    expect(decision(node({ enis: 3, assigned: 0 }).ds, DEFAULT_WARM_POOL)).toMatchObject({ action: "detach", eniId: "eni-2" });
    // 2 ENIs, nothing assigned: 18 free >= 2 x 9, frees eni-1 (never the primary).
    expect(decision(node({ enis: 2, assigned: 0 }).ds, DEFAULT_WARM_POOL)).toMatchObject({ action: "detach", eniId: "eni-1" });
    // 17 free < 18: keep.
    expect(decision(node({ enis: 2, assigned: 1 }).ds, DEFAULT_WARM_POOL).action).toBe("none");
  });

  it("keeps a young ENI (minimum lifetime 1 min) and one with IPs in cooldown", async () => {
    const { ds } = node({ enis: 2, assigned: 0, attachedAt: 0 });
    expect(decision(ds, DEFAULT_WARM_POOL, { now: 59_999 }).action).toBe("none");
    expect(decision(ds, DEFAULT_WARM_POOL, { now: 60_000 }).action).toBe("detach");
    const busy = node({ enis: 2, assigned: 10 }); // c9 holds one IP of eni-1
    await busy.clock.advance(100_000);
    busy.ds.addEni(eni(2, 9)); // young until 160 s
    busy.ds.release({ networkName: "n", containerID: "c9", ifName: "eth0" }); // cooldown until 130 s
    // 18 free >= (1 + 1) x 9, but eni-1 has an IP cooling down and eni-2 is too young.
    expect(decision(busy.ds, DEFAULT_WARM_POOL, { now: 129_999 }).action).toBe("none");
    expect(decision(busy.ds, DEFAULT_WARM_POOL, { now: 130_000 })).toMatchObject({ action: "detach", eniId: "eni-1" });
  });
});

describe("WARM_IP_TARGET and MINIMUM_IP_TARGET", () => {
  it("computes short and over like datastoreTargetState", () => {
    const stats = node({ enis: 2, assigned: 5 }).ds.stats(); // total 18, available 13
    expect(ipTargetState(stats, warmPoolConfig({ warmIpTarget: 15 }))).toEqual({ short: 2, over: 0 });
    expect(ipTargetState(stats, warmPoolConfig({ warmIpTarget: 3 }))).toEqual({ short: 0, over: 10 });
    expect(ipTargetState(stats, warmPoolConfig({ warmIpTarget: 3, minimumIpTarget: 30 }))).toEqual({ short: 12, over: 0 });
    expect(ipTargetState(stats, warmPoolConfig({ warmIpTarget: 3, minimumIpTarget: 12 }))).toEqual({ short: 0, over: 6 });
  });

  it("replace WARM_ENI_TARGET: attach when short of free IPs, even if a whole ENI is free", () => {
    const cfg = warmPoolConfig({ warmEniTarget: 5, warmIpTarget: 3 });
    expect(decision(node({ enis: 1, assigned: 7 }).ds, cfg)).toMatchObject({ action: "attach" });
    expect(decision(node({ enis: 1, assigned: 6 }).ds, cfg)).toMatchObject({ action: "none" });
  });

  it("MINIMUM_IP_TARGET alone keeps at least that many IPs", () => {
    const cfg = warmPoolConfig({ minimumIpTarget: 10 });
    expect(decision(node({ enis: 1, assigned: 0 }).ds, cfg)).toMatchObject({ action: "attach", reason: expect.stringContaining("short of 1 IPs") });
    expect(decision(node({ enis: 2, assigned: 0 }).ds, cfg).action).toBe("none");
  });

  it("frees a whole unused ENI only when that stays within both targets", () => {
    const cfg = warmPoolConfig({ warmIpTarget: 2 });
    // 3 ENIs, 9 pods (all on eni-0): available 18, over 16 >= 9: free eni-2.
    expect(decision(node({ enis: 3, assigned: 9 }).ds, cfg)).toMatchObject({ action: "detach", eniId: "eni-2" });
    // MINIMUM_IP_TARGET 20 keeps total >= 20: over = min(16, 27 - 20) = 7 < 9: keep.
    expect(decision(node({ enis: 3, assigned: 9 }).ds, warmPoolConfig({ warmIpTarget: 2, minimumIpTarget: 20 })).action).toBe("none");
  });
});

describe("instance limits", () => {
  it("never attaches beyond the instance's ENIs", () => {
    expect(decision(node({ enis: 3, assigned: 27 }).ds, DEFAULT_WARM_POOL)).toMatchObject({
      action: "none",
      reason: expect.stringContaining("no room for another ENI"),
    });
  });

  it("keeps one ENI slot for the trunk when pod ENIs are on, attached or not", () => {
    const full = node({ enis: 2, assigned: 18 }).ds;
    expect(decision(full, DEFAULT_WARM_POOL).action).toBe("attach");
    expect(decision(full, DEFAULT_WARM_POOL, { podEni: true }).action).toBe("none");
    const withTrunk = node({ enis: 2, assigned: 18, trunk: true }).ds;
    expect(decision(withTrunk, DEFAULT_WARM_POOL).action).toBe("none");
  });

  it("stops growing at max pods", () => {
    const l = instanceLimits("t3.medium"); // 3 x 5 + 2 = 17
    const clock = new FakeClock();
    const ds = new Datastore({ clock });
    ds.addEni({ ...eni(0, 17) });
    const d = decide({ stats: ds.stats(), enis: ds.enis(), limits: l, config: DEFAULT_WARM_POOL, podEniEnabled: false, now: 0 });
    expect(d.action).toBe("none");
  });
});
