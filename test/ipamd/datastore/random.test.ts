// Randomised interleavings of ADD/DEL bursts with failing checkpoint writes: after everything has
// settled, memory and the checkpoint agree, no IP is held twice, and every resolved ADD is saved.

import { describe, expect, it } from "vitest";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { MemoryCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";
import { eni, key, meta } from "./fixtures.js";

/** Small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function run(seed: number): Promise<void> {
  const rnd = prng(seed);
  const clock = new FakeClock();
  const ds = new Datastore({ clock, cooldownMs: 0 });
  ds.addEni(eni(0, 6));
  ds.addEni(eni(1, 6));
  const cp = new MemoryCheckpoint();
  const durable = new DurableDatastore(ds, cp);
  const confirmed = new Map<string, string>(); // container -> IP of the last ADD that resolved
  const pending: Array<Promise<unknown>> = [];
  for (let step = 0; step < 200; step++) {
    if (rnd() < 0.15) cp.failNext(1);
    const c = `c${Math.floor(rnd() * 16)}`;
    if (rnd() < 0.6) {
      pending.push(durable.assign(key(c), meta(c)).then((a) => confirmed.set(c, a.lease.ip), () => undefined));
    } else {
      pending.push(durable.release(key(c)).then(() => confirmed.delete(c), () => undefined));
    }
    if (rnd() < 0.3) await flushMicrotasks(Math.floor(rnd() * 5));
  }
  await Promise.all(pending);
  cp.stopFailing();
  await durable.flush();

  const memory = new Map(ds.leases().map((l) => [l.key.containerID, l.ip]));
  const saved = new Map((cp.data?.allocations ?? []).map((a) => [a.containerID, a.ipv4]));
  expect(saved).toEqual(memory);
  expect(new Set(memory.values()).size).toBe(memory.size);
  expect(ds.stats().assignedIps).toBe(memory.size);
  for (const [c, ip] of confirmed) expect(memory.get(c)).toBe(ip);
}

describe("DurableDatastore under random bursts and write failures", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])("seed %i: memory and checkpoint agree, no IP twice", async (seed) => {
    await run(seed);
  });
});
