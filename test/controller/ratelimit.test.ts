import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createTokenBucket } from "../../controller/ratelimit.js";

describe("token bucket (12 QPS, burst 18)", () => {
  it("grants the burst at once, then one token every 1/12 s", () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(clock, 12, 18);
    const waits = Array.from({ length: 30 }, () => bucket.reserve());
    expect(waits.slice(0, 18)).toEqual(Array(18).fill(0));
    waits.slice(18).forEach((w, i) => expect(w).toBeCloseTo(((i + 1) * 1000) / 12, 9));
  });

  it("refills at 12/s up to the burst and no further", async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(clock, 12, 18);
    for (let i = 0; i < 18; i++) bucket.reserve();
    expect(bucket.tokens()).toBeCloseTo(0, 9);
    await clock.advance(500);
    expect(bucket.tokens()).toBeCloseTo(6, 9);
    await clock.advance(60_000);
    expect(bucket.tokens()).toBe(18);
  });

  it("3000 reservations: the last waits (3000 - 18) / 12 s", () => {
    const bucket = createTokenBucket(new FakeClock(0), 12, 18);
    let last = 0;
    for (let i = 0; i < 3000; i++) last = bucket.reserve();
    expect(last).toBeCloseTo(248_500, 6);
  });
});
