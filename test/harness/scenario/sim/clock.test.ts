// SimClock keeps FakeClock's contract: (time, creation) order, cancel, sleep with abort, async
// continuations settled between timers.

import { describe, expect, it } from "vitest";
import { SimClock } from "../../../../harness/scenario/sim/clock.js";

describe("SimClock", () => {
  it("fires timers in time order, creation order on ties, skipping cancelled ones", async () => {
    const c = new SimClock(100);
    const seen: string[] = [];
    c.setTimer(30, () => seen.push("c30"));
    c.setTimer(10, () => seen.push("a10"));
    const cancelled = c.setTimer(10, () => seen.push("x"));
    c.setTimer(10, () => seen.push("b10"));
    cancelled.cancel();
    expect(c.nextAt()).toBe(110);
    await c.advanceTo(120);
    expect(seen).toEqual(["a10", "b10"]);
    expect(c.now()).toBe(120);
    await c.advance(100);
    expect(seen).toEqual(["a10", "b10", "c30"]);
    expect(c.nextAt()).toBeUndefined();
    expect(c.fired).toBe(3);
  });

  it("runs timers scheduled by timers, and lets awaits settle before the next timer", async () => {
    const c = new SimClock();
    const seen: string[] = [];
    c.setTimer(5, () => {
      void (async () => {
        await Promise.resolve();
        await Promise.resolve();
        seen.push("after-awaits@" + c.now());
        c.setTimer(0, () => seen.push("chained@" + c.now()));
      })();
    });
    c.setTimer(5, () => seen.push("second@" + c.now()));
    await c.advanceTo(5);
    expect(seen).toEqual(["after-awaits@5", "second@5", "chained@5"]);
  });

  it("sleep resolves at its time and rejects on abort with the signal's reason", async () => {
    const c = new SimClock();
    let woke = -1;
    void c.sleep(50).then(() => (woke = c.now()));
    await c.advance(49);
    expect(woke).toBe(-1);
    await c.advance(1);
    expect(woke).toBe(50);
    const ac = new AbortController();
    const p = c.sleep(10, ac.signal);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(c.nextAt()).toBeUndefined();
    await expect(c.sleep(1, ac.signal)).rejects.toThrow("stop");
  });

  it("stays ordered over many random timers (heap)", async () => {
    const c = new SimClock();
    const fired: number[] = [];
    let x = 7;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const at = x % 1000;
      c.setTimer(at, () => fired.push(at));
    }
    await c.advanceTo(1000);
    expect(fired).toHaveLength(2000);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });
});
