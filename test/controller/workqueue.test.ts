import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createWorkQueue } from "../../controller/workqueue.js";
import type { JobResult } from "../../controller/workqueue.js";

describe("work queue", () => {
  it("runs at most `workers` jobs at once and one job per key", async () => {
    const clock = new FakeClock(0);
    let running = 0;
    let peak = 0;
    const done: string[] = [];
    const q = createWorkQueue<{ k: string }>({
      clock, workers: 3, key: (j) => j.k, baseBackoffMs: 5, maxBackoffMs: 1000, maxRetries: 5,
      handle: async (j) => {
        running++;
        peak = Math.max(peak, running);
        await clock.sleep(100);
        running--;
        done.push(j.k);
        return { kind: "done" };
      },
    });
    for (let i = 0; i < 7; i++) q.add({ k: `k${i}` });
    expect(q.add({ k: "k0" })).toBe(false);
    await clock.runUntilIdle();
    expect(peak).toBe(3);
    expect(done).toHaveLength(7);
    expect(clock.now()).toBe(300);
    q.stop();
  });

  it("retries with exponential back-off 5, 10, 20 ms, then gives up after maxRetries", async () => {
    const clock = new FakeClock(0);
    const at: number[] = [];
    const gaveUp: string[] = [];
    const q = createWorkQueue<{ k: string }>({
      clock, workers: 1, key: (j) => j.k, baseBackoffMs: 5, maxBackoffMs: 1000, maxRetries: 3,
      handle: async (): Promise<JobResult> => {
        at.push(clock.now());
        return { kind: "retry" };
      },
      onGiveUp: (j) => gaveUp.push(j.k),
    });
    q.add({ k: "a" });
    await clock.runUntilIdle();
    expect(at).toEqual([0, 5, 15, 35]);
    expect(gaveUp).toEqual(["a"]);
    expect(q.has("a")).toBe(false);
  });

  it("'after' requeues on the clock without using the retry budget; stop cancels timers", async () => {
    const clock = new FakeClock(0);
    const at: number[] = [];
    const q = createWorkQueue<{ k: string }>({
      clock, workers: 1, key: (j) => j.k, baseBackoffMs: 5, maxBackoffMs: 1000, maxRetries: 0,
      handle: async () => {
        at.push(clock.now());
        return at.length < 3 ? { kind: "after", ms: 60_000 } : { kind: "done" };
      },
    });
    q.add({ k: "a" });
    await clock.runUntilIdle();
    expect(at).toEqual([0, 60_000, 120_000]);
    q.add({ k: "b" });
    q.stop();
    expect(q.stats()).toEqual({ queued: 0, running: 0, timers: 0 });
  });
});
