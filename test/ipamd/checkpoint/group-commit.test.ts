// Group commit: bursts share one write (counted as fsyncs on the real file), snapshots are taken
// when a write starts, failures undo newest first before the next write, and restore after a
// burst finds every lease.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { FileCheckpoint, GroupCommitter, MemoryCheckpoint, nodeCheckpointFs } from "../../../ipamd/checkpoint/index.js";
import type { CheckpointData, CheckpointFs } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";

const KEY = (c: string) => ({ networkName: "aws-cni", containerID: c, ifName: "eth0" });
const META = (n: string) => ({ k8sPodNamespace: "default", k8sPodName: n, interfacesCount: 1 });

function state(n: number): CheckpointData {
  return {
    version: "vpc-cni-ipam/1",
    allocations: Array.from({ length: n }, (_, i) => ({
      networkName: "n",
      containerID: `c${i}`,
      ifName: "eth0",
      ipv4: `10.0.0.${i + 1}`,
      allocationTimestampMs: i,
      metadata: {},
    })),
  };
}

describe("GroupCommitter", () => {
  it("takes the snapshot when a write starts, so a write covers everything committed before it", async () => {
    const cp = new MemoryCheckpoint();
    let n = 0;
    const gc = new GroupCommitter(cp, () => state(n));
    cp.hold();
    n = 1;
    const first = gc.commit();
    n = 3;
    const second = [gc.commit(), gc.commit()];
    await flushMicrotasks();
    cp.release();
    cp.hold();
    await first;
    expect(cp.data?.allocations).toHaveLength(1);
    await flushMicrotasks();
    cp.release();
    await Promise.all(second);
    expect(cp.data?.allocations).toHaveLength(3);
    expect(gc.stats).toEqual({ writes: 2, committed: 3, rolledBack: 0 });
  });

  it("undoes a failed write's changes newest first, before the next write's snapshot", async () => {
    const cp = new MemoryCheckpoint();
    const log: string[] = [];
    const gc = new GroupCommitter(cp, () => {
      log.push("snapshot");
      return state(0);
    });
    cp.hold();
    const lead = gc.commit(() => log.push("undo lead"));
    const a = gc.commit(() => log.push("undo a"));
    const b = gc.commit(() => log.push("undo b"));
    const c = gc.commit(() => log.push("undo c"));
    await flushMicrotasks();
    cp.release(); // lead's write succeeds
    cp.hold();
    await lead;
    cp.failNext(1, new Error("EIO")); // a, b and c share the second write, which fails
    cp.release();
    await Promise.allSettled([a, b, c]);
    await expect(a).rejects.toThrow("EIO");
    expect(log).toEqual(["snapshot", "snapshot", "undo c", "undo b", "undo a"]);
    const after = gc.commit(() => log.push("undo after"));
    await after;
    expect(log.at(-1)).toBe("snapshot");
    expect(gc.stats).toEqual({ writes: 3, committed: 2, rolledBack: 3 });
  });
});

describe("GroupCommitter with a deferred start (the daemon: once per event-loop turn)", () => {
  it("writes nothing until the deferred start runs, then one write covers every change before it", async () => {
    const cp = new MemoryCheckpoint();
    const starts: Array<() => void> = [];
    let n = 0;
    const gc = new GroupCommitter(cp, () => state(n), { defer: (start) => void starts.push(start) });
    const pending = Array.from({ length: 5 }, () => (n++, gc.commit()));
    await flushMicrotasks();
    expect(cp.saves).toBe(0);
    expect(starts).toHaveLength(1); // one start asked for, however many changes
    starts[0]?.();
    await Promise.all(pending);
    expect(cp.saves).toBe(1);
    expect(cp.data?.allocations).toHaveLength(5);
    const later = gc.commit();
    expect(starts).toHaveLength(2); // the next change asks for the next turn's write
    starts[1]?.();
    await later;
    expect(gc.stats).toEqual({ writes: 2, committed: 6, rolledBack: 0 });
  });

  it("flush waits for a write that is asked for but not started yet", async () => {
    const cp = new MemoryCheckpoint();
    const gc = new GroupCommitter(cp, () => state(1), { defer: (start) => void setImmediate(start) });
    const done = gc.commit();
    await gc.flush();
    expect(cp.saves).toBe(1);
    await done;
  });
});

describe("group commit on the real file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "h3-groupcommit-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("100 concurrent assigns share 2 file fsyncs, and a restart restores all 100 leases", async () => {
    let fsyncs = 0;
    const files = new Set<number>();
    const fs: CheckpointFs = {
      ...nodeCheckpointFs,
      openForWrite(file) {
        const fd = nodeCheckpointFs.openForWrite(file);
        files.add(fd);
        return fd;
      },
      fsync: (fd) => (files.has(fd) && fsyncs++, nodeCheckpointFs.fsync(fd)),
      close: (fd) => (files.delete(fd), nodeCheckpointFs.close(fd)),
    };
    const clock = new FakeClock(1_700_000_000_000);
    const eni = { eniId: "eni-1", mac: "02:00:00:00:00:01", deviceNumber: 0, primaryIp: "10.1.0.4", subnetCidr: "10.1.0.0/16" };
    const secondaryIps = Array.from({ length: 100 }, (_, i) => `10.1.1.${i + 1}`);
    const ds = new Datastore({ clock });
    ds.addEni({ ...eni, secondaryIps });
    const durable = new DurableDatastore(ds, new FileCheckpoint({ stateDir: dir, fs }));
    const got = await Promise.all(Array.from({ length: 100 }, (_, i) => durable.assign(KEY(`c${i}`), META(`p${i}`))));
    expect(new Set(got.map((g) => g.lease.ip)).size).toBe(100);
    expect(fsyncs).toBe(2);

    const ds2 = new Datastore({ clock });
    ds2.addEni({ ...eni, secondaryIps });
    const restarted = new DurableDatastore(ds2, new FileCheckpoint({ stateDir: dir }));
    expect((await restarted.restore()).restored).toBe(100);
    for (const g of got) expect(ds2.lookup(g.lease.key)?.ip).toBe(g.lease.ip);
    await expect(restarted.assign(KEY("one-more"), META("x"))).rejects.toThrow("no available IP");
  });

  it("while a write waits for its fsync the loop goes on: changes made meanwhile share the next write, started once the first is durable", async () => {
    let fileFsyncs = 0;
    const files = new Set<number>();
    let held: (() => void) | undefined;
    let started: (() => void) | undefined;
    const firstFsyncStarted = new Promise<void>((r) => (started = r));
    const fs: CheckpointFs = {
      ...nodeCheckpointFs,
      openForWrite(file) {
        const fd = nodeCheckpointFs.openForWrite(file);
        files.add(fd);
        return fd;
      },
      async fsync(fd) {
        if (files.has(fd) && fileFsyncs++ === 0) {
          started?.();
          await new Promise<void>((release) => (held = release));
        }
        return nodeCheckpointFs.fsync(fd);
      },
      close: (fd) => (files.delete(fd), nodeCheckpointFs.close(fd)),
    };
    const ds = new Datastore({ clock: new FakeClock(1_700_000_000_000) });
    ds.addEni({ eniId: "eni-1", mac: "02:00:00:00:00:01", deviceNumber: 0, primaryIp: "10.1.0.4", subnetCidr: "10.1.0.0/16", secondaryIps: Array.from({ length: 20 }, (_, i) => `10.1.1.${i + 1}`) });
    const durable = new DurableDatastore(ds, new FileCheckpoint({ stateDir: dir, fs }), { defer: (start) => void setImmediate(start) });
    let firstDone = false;
    const first = durable.assign(KEY("c0"), META("p0")).then((a) => ((firstDone = true), a));
    await firstFsyncStarted;
    // Later turns of the loop, with the first write still waiting for the disk.
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 10 }, (_, i) => durable.assign(KEY(`c${i + 1}`), META(`p${i + 1}`)));
    await new Promise((r) => setImmediate(r));
    expect(ds.leases()).toHaveLength(11); // applied in memory ...
    expect(firstDone).toBe(false); // ... while the first write is not durable
    expect(fileFsyncs).toBe(1); // and no second write started beside it
    held?.();
    await first;
    const got = await Promise.all(rest);
    expect(fileFsyncs).toBe(2);
    expect(durable.commitStats).toEqual({ writes: 2, committed: 11, rolledBack: 0 });
    const saved = await new FileCheckpoint({ stateDir: dir }).load();
    expect(saved?.allocations.map((a) => a.ipv4).sort()).toEqual([(await first).lease.ip, ...got.map((g) => g.lease.ip)].sort());
  });
});
