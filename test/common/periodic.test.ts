import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { runPeriodically } from "../../common/periodic.js";

describe("runPeriodically", () => {
  it("runs first after firstMs, then periodMs after each pass ends, never two at once", async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const loop = runPeriodically(clock, 0, 1_000, async () => {
      starts.push(clock.now());
      await clock.sleep(500); // a slow pass: the next is timed from its end
    });
    await clock.advance(0);
    expect(starts).toEqual([0]);
    await clock.advance(1_499);
    expect(starts).toEqual([0]);
    await clock.advance(1);
    await clock.advance(1_500);
    expect(starts).toEqual([0, 1_500, 3_000]);
    loop.stop();
    await clock.advance(60_000);
    expect(starts).toEqual([0, 1_500, 3_000]);
    expect(clock.pending()).toBe(0);
  });

  it("goes on after a pass that rejects", async () => {
    const clock = new FakeClock();
    let passes = 0;
    const loop = runPeriodically(clock, 10, 10, () => {
      passes++;
      return Promise.reject(new Error("boom"));
    });
    await clock.advance(30);
    expect(passes).toBe(3);
    loop.stop();
  });

  it("stopped during a pass, schedules no other", async () => {
    const clock = new FakeClock();
    let passes = 0;
    let release = (): void => {};
    const loop = runPeriodically(clock, 10, 10, () => {
      passes++;
      return new Promise<void>((r) => (release = r));
    });
    await clock.advance(10);
    loop.stop();
    release();
    await clock.advance(100);
    expect(passes).toBe(1);
    expect(clock.pending()).toBe(0);
  });
});
