// The warm pool loop on a FakeClock with a hand-written EC2 stand-in: converges to the targets,
// backs off exactly after failures, enforces the call deadline, frees surplus ENIs, stops cleanly.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import type { Clock } from "../../../common/clock.js";
import { Datastore } from "../../../ipamd/datastore/index.js";
import { instanceLimits } from "../../../common/limits.js";
import { WarmPoolReconciler, warmPoolConfig } from "../../../ipamd/warmpool/index.js";
import type { AttachedEni, EniAttacher, WarmPoolConfig } from "../../../ipamd/warmpool/index.js";

/** EC2 stand-in: each attach takes delayMs, may fail (queued errors), hands out device 1, 2, ... */
class FakeAttacher implements EniAttacher {
  readonly calls: Array<{ op: string; at: number }> = [];
  readonly detached: string[] = [];
  failures: Error[] = [];
  hang = false;
  #next = 1;
  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
    private readonly ipsPerEni: number,
  ) {}

  async attachEni(signal?: AbortSignal): Promise<AttachedEni> {
    this.calls.push({ op: "attach", at: this.clock.now() });
    if (this.hang) await new Promise(() => undefined);
    await this.clock.sleep(this.delayMs, signal);
    const err = this.failures.shift();
    if (err !== undefined) throw err;
    const d = this.#next++;
    return {
      eniId: `eni-${d}`,
      mac: `02:00:00:00:01:0${d}`,
      deviceNumber: d,
      subnetCidr: "10.0.0.0/16",
      ips: Array.from({ length: this.ipsPerEni + 1 }, (_, i) => `10.0.${d}.${10 + i}`),
    };
  }

  async detachEni(eniId: string): Promise<void> {
    this.calls.push({ op: "detach", at: this.clock.now() });
    const err = this.failures.shift();
    if (err !== undefined) throw err;
    this.detached.push(eniId);
  }
}

function setup(config: WarmPoolConfig, opts: { delayMs?: number; podEni?: boolean; callTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const ds = new Datastore({ clock, cooldownMs: 0 });
  ds.addEni({ eniId: "eni-0", mac: "02:00:00:00:01:00", deviceNumber: 0, primaryIp: "10.0.0.10", subnetCidr: "10.0.0.0/16", secondaryIps: Array.from({ length: 9 }, (_, i) => `10.0.0.${11 + i}`) });
  const attacher = new FakeAttacher(clock, opts.delayMs ?? 2_000, 9);
  const attached: string[] = [];
  const pool = new WarmPoolReconciler({
    datastore: ds,
    attacher,
    clock,
    limits: instanceLimits("m5.large"),
    config,
    podEniEnabled: opts.podEni ?? false,
    minEniLifetimeMs: 0,
    ...(opts.callTimeoutMs === undefined ? {} : { callTimeoutMs: opts.callTimeoutMs }),
    hooks: { eniAttached: (e) => void attached.push(e.eniId) },
  });
  return { clock, ds, attacher, pool, attached };
}

const KEY = (c: string) => ({ networkName: "n", containerID: c, ifName: "eth0" });
const META = { k8sPodNamespace: "d", k8sPodName: "p", interfacesCount: 1 };

describe("WarmPoolReconciler", () => {
  it("keeps WARM_ENI_TARGET 1: attaches a second ENI after the EC2 delay, then stays put", async () => {
    const { clock, ds, attacher, pool, attached } = setup(warmPoolConfig({}), { delayMs: 2_000 });
    ds.assign(KEY("a"), META); // 8 free < 9
    pool.start();
    await clock.advance(1_999);
    expect(ds.stats().enis).toBe(1);
    await clock.advance(1);
    expect(ds.stats()).toMatchObject({ enis: 2, totalIps: 18 });
    expect(attached).toEqual(["eni-1"]);
    await clock.advance(60_000);
    expect(attacher.calls.filter((c) => c.op === "attach")).toHaveLength(1);
    expect(pool.status()).toMatchObject({ running: true, consecutiveFailures: 0, lastOutcome: { result: "none" } });
    await pool.stop();
    expect(pool.status().nextRunAt).toBeUndefined();
  });

  it("MINIMUM_IP_TARGET 25 on m5.large converges to 3 ENIs in back-to-back passes", async () => {
    const { clock, ds, pool } = setup(warmPoolConfig({ minimumIpTarget: 25 }), { delayMs: 1_000 });
    pool.start();
    await clock.advance(2_000);
    expect(ds.stats().totalIps).toBe(27);
    await clock.advance(60_000);
    expect(ds.stats().enis).toBe(3);
    await pool.stop();
  });

  it("backs off 1 s, 2 s, 4 s after failures, then recovers", async () => {
    const { clock, ds, attacher, pool } = setup(warmPoolConfig({ warmIpTarget: 10 }), { delayMs: 0 });
    attacher.failures = [new Error("RequestLimitExceeded"), new Error("RequestLimitExceeded"), new Error("InternalError")];
    pool.start();
    await clock.advance(0);
    expect(pool.status()).toMatchObject({ consecutiveFailures: 1, nextRunAt: 1_000, lastOutcome: { result: "failed", error: "RequestLimitExceeded" } });
    await clock.advance(10_000);
    expect(attacher.calls.map((c) => c.at)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(ds.stats().enis).toBe(2);
    expect(pool.status().consecutiveFailures).toBe(0);
    await pool.stop();
  });

  it("gives up on a call at its deadline even if EC2 never answers", async () => {
    const { clock, attacher, pool } = setup(warmPoolConfig({ warmIpTarget: 10 }), { callTimeoutMs: 5_000 });
    attacher.hang = true;
    const pass = pool.reconcileOnce();
    await clock.advance(5_000);
    expect(await pass).toMatchObject({ result: "failed", error: "attach ENI: no answer within 5000 ms" });
  });

  it("frees a surplus ENI, and puts it back in the datastore when EC2 refuses the detach", async () => {
    const { clock, ds, attacher, pool } = setup(warmPoolConfig({ warmEniTarget: 0 }));
    ds.addEni({ eniId: "eni-7", mac: "02:00:00:00:01:07", deviceNumber: 7, primaryIp: "10.0.7.10", subnetCidr: "10.0.0.0/16", secondaryIps: ["10.0.7.11"] });
    await clock.advance(1);
    attacher.failures = [new Error("IncorrectState")];
    expect(await pool.reconcileOnce()).toMatchObject({ result: "failed", decision: { action: "detach", eniId: "eni-7" } });
    expect(ds.eni("eni-7")?.secondaryIps).toEqual(["10.0.7.11"]);
    expect(await pool.reconcileOnce()).toMatchObject({ result: "detached", eniId: "eni-7" });
    expect(ds.eni("eni-7")).toBeUndefined();
    expect(attacher.detached).toEqual(["eni-7"]);
  });

  it("stop aborts the attach in flight and schedules nothing more", async () => {
    const { clock, ds, attacher, pool } = setup(warmPoolConfig({ warmIpTarget: 10 }), { delayMs: 10_000 });
    pool.start();
    await clock.advance(100);
    await pool.stop();
    await clock.advance(60_000);
    expect(attacher.calls).toHaveLength(1);
    expect(ds.stats().enis).toBe(1);
    expect(clock.pending()).toBe(0);
    pool.start(); // and it can be started again
    await clock.advance(10_000);
    expect(ds.stats().enis).toBe(2);
    await pool.stop();
  });

  it("nudge runs a pass at once instead of waiting for the interval", async () => {
    const { clock, ds, attacher, pool } = setup(warmPoolConfig({ warmEniTarget: 0 }), { delayMs: 0 });
    pool.start();
    await clock.advance(0);
    for (let i = 0; i < 9; i++) ds.assign(KEY(`c${i}`), META);
    pool.nudge();
    await clock.advance(0);
    expect(attacher.calls).toHaveLength(1);
    expect(ds.stats().enis).toBe(2);
    await clock.advance(120_000); // no flapping: the new ENI is what keeps one IP free
    expect(attacher.calls).toHaveLength(1);
    await pool.stop();
  });
});
