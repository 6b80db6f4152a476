import { describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import type { IpPort } from "../../../ipamd/fabric/netlink.js";
import { createFabric } from "../../../ipamd/fabric/reconciler.js";
import type { VpcRouting } from "../../../ipamd/fabric/types.js";
import { VIEW } from "./fixtures.js";

/** VIEW and one more branch ENI on node-b (10.0.32.6, VLAN 2). */
const VIEW2: VpcRouting = {
  ...VIEW,
  version: "e.2",
  interfaces: [...VIEW.interfaces, { ...(VIEW.interfaces[5] as VpcRouting["interfaces"][number]), eniId: "eni-0b0000000000000b4", mac: "02:bb:00:00:00:04", ips: ["10.0.32.6"], vlanId: 2 }],
};

interface Fetch {
  since: string;
  waitMs: number;
  resolve: (v: VpcRouting) => void;
  reject: (e: unknown) => void;
}

/** A source whose replies the test hands out, and a node that answers every read with nothing. */
function rig(batchExit: () => number) {
  const fetches: Fetch[] = [];
  const batches: string[] = [];
  const reads: string[] = [];
  const ip: IpPort = async (args, { input }) => {
    if (args[0] === "-force") {
      batches.push(input ?? "");
      const code = batchExit();
      return { exitCode: code, stdout: "", stderr: code === 0 ? "" : "Error: boom\nCommand failed -:1\n" };
    }
    reads.push(args.join(" "));
    // The links: the uplink and the trunk's VPC side, neither with an address yet.
    if (args.join(" ") === "-j addr show") return { exitCode: 0, stdout: JSON.stringify([{ ifname: "eth0", addr_info: [] }, { ifname: "mh-trunk1p", addr_info: [] }]), stderr: "" };
    return { exitCode: 0, stdout: "[]", stderr: "" };
  };
  const clock = new FakeClock(0);
  const warnings: string[] = [];
  const fabric = createFabric({
    source: {
      // As the HTTP source does: an aborted poll rejects with the signal's reason.
      fetch: (since, waitMs, signal) => new Promise((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        fetches.push({ since, waitMs, resolve, reject });
      }),
    },
    ip, sysctl: { read: async () => "0", write: async () => undefined },
    self: () => ({ instanceId: "i-0aaaaaaaaaaaaaaaa", uplink: "eth0", trunkPeer: "mh-trunk1p" }),
    log: { info: () => undefined, warn: (o) => void warnings.push(JSON.stringify(o)) },
    clock, waitMs: 20_000, backoff: { minMs: 1_000, maxMs: 4_000 },
  });
  /** Starts the loop and lets it apply VIEW, its first round. */
  const firstRound = async (): Promise<void> => {
    fabric.start();
    await flushMicrotasks();
    fetches[0]?.resolve(VIEW);
    await flushMicrotasks(50);
  };
  return { fetches, batches, reads, clock, fabric, warnings, firstRound };
}

describe("fabric reconciler", () => {
  it("asks for the view at once, applies it, then long-polls from the version it applied", async () => {
    const r = rig(() => 0);
    r.fabric.start();
    await flushMicrotasks();
    expect(r.fetches.map((f) => [f.since, f.waitMs])).toEqual([["", 0]]);
    r.fetches[0]?.resolve(VIEW);
    await flushMicrotasks(50);
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]).toContain("route replace 10.0.32.5/32 via 10.0.0.8 dev eth0 onlink table 5000");
    expect(r.fabric.status()).toMatchObject({ version: "e.1", rounds: 1, lastError: "" });
    expect(r.fetches.map((f) => [f.since, f.waitMs])).toEqual([["", 0], ["e.1", 20_000]]);
    await r.fabric.stop();
  });

  it("backs off after a failed round, doubling up to its cap, and then asks without waiting for a change", async () => {
    let failing = true;
    const r = rig(() => (failing ? 1 : 0));
    r.fabric.start();
    for (const delay of [1_000, 2_000, 4_000, 4_000]) {
      await flushMicrotasks(50);
      r.fetches.at(-1)?.resolve(VIEW);
      await flushMicrotasks(50);
      expect(r.fabric.status().lastError).toMatch(/step\(s\) failed/);
      const before = r.fetches.length;
      await r.clock.advance(delay - 1);
      expect(r.fetches.length).toBe(before);
      await r.clock.advance(1);
      await flushMicrotasks(50);
      expect(r.fetches.at(-1)?.since).toBe("");
    }
    failing = false;
    r.fetches.at(-1)?.resolve(VIEW);
    await flushMicrotasks(50);
    expect(r.fabric.status()).toMatchObject({ lastError: "", consecutiveFailures: 0, rounds: 1 });
    await r.fabric.stop();
  });

  it("after a clean round, a VPC change is applied against what that round left, without reading the node; the resync reads it", async () => {
    const r = rig(() => 0);
    await r.firstRound();
    const firstReads = r.reads.length;
    expect(firstReads).toBeGreaterThan(0);
    r.fetches[1]?.resolve(VIEW2);
    await flushMicrotasks(50);
    // Only the new branch's route: the node was taken to hold what the first round wrote.
    expect(r.batches).toHaveLength(2);
    expect(r.batches[1]).toBe("route replace 10.0.32.6/32 via 10.0.0.8 dev eth0 onlink table 5000\n");
    expect(r.reads).toHaveLength(firstReads);
    expect(r.fabric.status()).toMatchObject({ version: "e.2", rounds: 2, reads: 1 });
    // The poll ends with no change (the resync): the node is read, and what it lacks (it answers
    // every read with nothing) is written again.
    r.fetches[2]?.resolve(VIEW2);
    await flushMicrotasks(50);
    expect(r.reads.length).toBe(2 * firstReads);
    expect(r.batches).toHaveLength(3);
    expect(r.batches[2]).toContain("route replace 10.0.32.5/32 via 10.0.0.8 dev eth0 onlink table 5000");
    expect(r.fabric.status()).toMatchObject({ rounds: 3, reads: 2 });
    await r.fabric.stop();
  });

  it("a failed round, then a nudge during a round: each next round reads the node, and the nudge is not lost", async () => {
    let exits = [1, 0, 0];
    let nudgeInBatch = false;
    const r = rig(() => {
      if (nudgeInBatch) {
        nudgeInBatch = false;
        r.fabric.nudge();
      }
      return exits.shift() ?? 0;
    });
    r.fabric.start();
    await flushMicrotasks();
    r.fetches[0]?.resolve(VIEW);
    await flushMicrotasks(50);
    expect(r.fabric.status().consecutiveFailures).toBe(1);
    const readsPerRound = r.reads.length;
    await r.clock.advance(1_000);
    await flushMicrotasks(50);
    r.fetches.at(-1)?.resolve(VIEW);
    await flushMicrotasks(50);
    expect(r.reads.length).toBe(2 * readsPerRound);
    expect(r.fabric.status()).toMatchObject({ rounds: 1, reads: 1, lastError: "" });
    // A VPC change, and a nudge while its batch runs: the round lands, but the next one asks at once
    // and reads the node again.
    exits = [0, 0];
    nudgeInBatch = true;
    r.fetches.at(-1)?.resolve(VIEW2);
    await flushMicrotasks(50);
    expect(r.fetches.at(-1)?.since).toBe("");
    r.fetches.at(-1)?.resolve(VIEW2);
    await flushMicrotasks(50);
    expect(r.reads.length).toBe(3 * readsPerRound);
    await r.fabric.stop();
  });

  it("re-plans at once when nudged (its trunk appeared), abandoning the long poll", async () => {
    const r = rig(() => 0);
    await r.firstRound();
    expect(r.fetches).toHaveLength(2);
    r.fabric.nudge();
    await flushMicrotasks(50);
    // The abandoned poll's reply is never used: the new round asked afresh, without waiting.
    expect(r.fetches.map((f) => f.since)).toEqual(["", "e.1", ""]);
    await r.fabric.stop();
  });
});
