// The durable datastore over the memory checkpoint: concurrent assigns never share an IP, bursts
// share writes, no caller resolves before its lease is saved, failed writes roll back, restore.

import { describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { MemoryCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore, NO_AVAILABLE_IP_MSG, UNKNOWN_POD_MSG } from "../../../ipamd/datastore/index.js";
import { eni, key, meta } from "./fixtures.js";

function setup(ips = 50): { clock: FakeClock; ds: Datastore; cp: MemoryCheckpoint; durable: DurableDatastore } {
  const clock = new FakeClock(1_700_000_000_000);
  const ds = new Datastore({ clock });
  ds.addEni(eni(0, ips));
  const cp = new MemoryCheckpoint();
  return { clock, ds, cp, durable: new DurableDatastore(ds, cp) };
}

const savedIps = (cp: MemoryCheckpoint): string[] => (cp.data?.allocations ?? []).map((a) => a.ipv4).sort();

describe("DurableDatastore concurrency", () => {
  it("200 concurrent assigns for 50 IPs: 50 distinct IPs, 150 exhaustion errors, every success saved", async () => {
    const { cp, durable } = setup(50);
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => durable.assign(key(`c${i}`), meta(`p${i}`))));
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.lease.ip] : []));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
    expect(new Set(ok).size).toBe(50);
    expect(failed).toEqual(Array(150).fill(NO_AVAILABLE_IP_MSG));
    expect(savedIps(cp)).toEqual([...ok].sort());
    // Group commit: the first write goes alone, everything that arrived behind it shares one more.
    expect(cp.saves).toBe(2);
  });

  it("the same key concurrently gets one IP and one lease", async () => {
    const { cp, durable } = setup(5);
    const all = await Promise.all(Array.from({ length: 10 }, () => durable.assign(key("same"), meta("p"))));
    expect(new Set(all.map((a) => a.lease.ip)).size).toBe(1);
    expect(all.filter((a) => a.created)).toHaveLength(1);
    expect(cp.data?.allocations).toHaveLength(1);
  });

  it("resolves no caller before the write holding its lease has finished", async () => {
    const { cp, durable } = setup(10);
    cp.hold();
    let resolved = 0;
    const first = durable.assign(key("a"), meta("a")).then(() => resolved++);
    const rest = [durable.assign(key("b"), meta("b")), durable.assign(key("c"), meta("c"))].map((p) => p.then(() => resolved++));
    await flushMicrotasks();
    expect(resolved).toBe(0);
    expect(cp.release()).toBe(1);
    cp.hold(); // the second write (b and c) starts once the first has finished
    await first;
    expect(resolved).toBe(1);
    expect(savedIps(cp)).toHaveLength(1);
    await flushMicrotasks();
    expect(resolved).toBe(1); // b and c wait for the second (held) write
    expect(cp.release()).toBe(1);
    await Promise.all(rest);
    expect(savedIps(cp)).toHaveLength(3);
    expect(cp.saves).toBe(2);
  });
});

describe("DurableDatastore rollback", () => {
  it("a failed write rolls the assignment back: error to the caller, IP free again, key unknown", async () => {
    const { ds, cp, durable } = setup(1);
    cp.failNext(1);
    await expect(durable.assign(key("x"), meta("x"))).rejects.toThrow(/injected write failure/);
    expect(ds.lookup(key("x"))).toBeUndefined();
    // Free at once, not cooling down: the IP was never really given out.
    expect(ds.stats()).toMatchObject({ assignedIps: 0, cooldownIps: 0 });
    expect(cp.data).toBeUndefined();
    const again = await durable.assign(key("y"), meta("y"));
    expect(again.lease.ip).toBe("10.0.0.11");
    expect(savedIps(cp)).toEqual(["10.0.0.11"]);
    expect(durable.commitStats).toEqual({ writes: 2, committed: 1, rolledBack: 1 });
  });

  it("a failed write in a burst rolls back every change of that write and none of the next", async () => {
    const { ds, cp, durable } = setup(10);
    cp.hold();
    const first = durable.assign(key("a"), meta("a"));
    const burst = ["b", "c", "d"].map((c) => durable.assign(key(c), meta(c)));
    await flushMicrotasks();
    cp.failNext(1, new Error("disk full")); // fails the held first write only
    cp.release();
    await expect(first).rejects.toThrow("disk full");
    await flushMicrotasks();
    cp.release();
    const ok = await Promise.all(burst);
    expect(ds.lookup(key("a"))).toBeUndefined();
    expect(savedIps(cp)).toEqual(ok.map((a) => a.lease.ip).sort());
  });

  it("a failed write rolls a release back: the lease stays, DEL can be retried", async () => {
    const { ds, cp, durable } = setup(3);
    const a = await durable.assign(key("a"), meta("a"));
    cp.failNext(1);
    await expect(durable.release(key("a"))).rejects.toThrow(/injected/);
    expect(ds.lookup(key("a"))?.ip).toBe(a.lease.ip);
    expect(ds.stats()).toMatchObject({ assignedIps: 1, cooldownIps: 0 });
    expect(savedIps(cp)).toEqual([a.lease.ip]);
    await durable.release(key("a"));
    expect(savedIps(cp)).toEqual([]);
    await expect(durable.release(key("a"))).rejects.toThrow(UNKNOWN_POD_MSG);
  });

  it("does not hand out an IP whose release is not durable yet, even with no cooldown", async () => {
    const clock = new FakeClock();
    const ds = new Datastore({ clock, cooldownMs: 0 });
    ds.addEni(eni(0, 1));
    const cp = new MemoryCheckpoint();
    const durable = new DurableDatastore(ds, cp);
    await durable.assign(key("a"), meta("a"));
    cp.hold();
    const released = durable.release(key("a"));
    await expect(durable.assign(key("b"), meta("b"))).rejects.toThrow(NO_AVAILABLE_IP_MSG);
    expect(ds.stats()).toMatchObject({ assignedIps: 0, cooldownIps: 1 });
    cp.failNext(1);
    cp.release();
    await expect(released).rejects.toThrow(/injected/);
    expect(ds.lookup(key("a"))?.ip).toBe("10.0.0.11"); // rolled back: still a's
    await durable.release(key("a"));
    expect((await durable.assign(key("b"), meta("b"))).lease.ip).toBe("10.0.0.11");
  });

  it("a release waits for the key's pending assign", async () => {
    const { cp, durable } = setup(3);
    cp.hold();
    const assigned = durable.assign(key("a"), meta("a"));
    const released = durable.release(key("a"));
    await flushMicrotasks();
    cp.release();
    await assigned;
    await flushMicrotasks();
    cp.release();
    await released;
    expect(savedIps(cp)).toEqual([]);
    expect(cp.saves).toBe(2);
  });
});

describe("DurableDatastore restore", () => {
  it("restores every lease from the checkpoint with its timestamp and metadata", async () => {
    const { clock, cp, durable } = setup(5);
    const leases = await Promise.all(["a", "b", "c"].map((c) => durable.assign(key(c), meta(`pod-${c}`, "ns1"))));
    await durable.release(key("b"));
    const ds2 = new Datastore({ clock });
    ds2.addEni(eni(0, 5));
    const restarted = new DurableDatastore(ds2, cp);
    expect(await restarted.restore()).toEqual({ restored: 2, unbacked: [] });
    for (const c of ["a", "c"]) {
      const before = leases.find((l) => l.lease.key.containerID === c)?.lease;
      expect(ds2.lookup(key(c))).toEqual(before);
    }
    expect(ds2.lookup(key("b"))).toBeUndefined();
    expect(ds2.stats().assignedIps).toBe(2);
  });

  it("starts empty without a checkpoint", async () => {
    const empty = new DurableDatastore(new Datastore({ clock: new FakeClock() }), new MemoryCheckpoint());
    expect(await empty.restore()).toEqual({ restored: 0, unbacked: [] });
    expect(empty.datastore.leases()).toEqual([]);
  });

  it("flush writes the current state even with nothing pending", async () => {
    const { cp, durable } = setup(2);
    await durable.flush();
    expect(cp.data).toEqual({ version: "vpc-cni-ipam/1", allocations: [] });
    expect(durable.commitStats.writes).toBe(1);
  });
});

describe("DurableDatastore deadlines", () => {
  it("an already aborted call assigns nothing", async () => {
    const { ds, cp, durable } = setup(3);
    const ac = new AbortController();
    ac.abort(new Error("deadline exceeded"));
    await expect(durable.assign(key("a"), meta("a"), ac.signal)).rejects.toThrow("deadline exceeded");
    expect(ds.leases()).toEqual([]);
    expect(cp.saves).toBe(0);
  });

  it("aborting during the write answers the caller at once; the lease stays and becomes durable", async () => {
    const { ds, cp, durable } = setup(3);
    cp.hold();
    const ac = new AbortController();
    const call = durable.assign(key("a"), meta("a"), ac.signal);
    const again = durable.assign(key("a"), meta("a")); // a retry of the same ADD, without deadline
    await flushMicrotasks();
    ac.abort(new Error("deadline exceeded"));
    await expect(call).rejects.toThrow("deadline exceeded");
    let retried = false;
    void again.then(() => (retried = true));
    await flushMicrotasks();
    expect(retried).toBe(false); // still serialized behind the pending write
    cp.release();
    const a = await again;
    expect(a.created).toBe(false);
    expect(ds.lookup(key("a"))?.ip).toBe(a.lease.ip);
    expect(savedIps(cp)).toEqual([a.lease.ip]);
  });
});

