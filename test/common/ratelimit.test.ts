import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createTokenBucket } from "../../common/ratelimit.js";

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

describe("token bucket, server side (tryTake: refuse, never queue)", () => {
  it("takes the burst at once, refuses the next, and gives one more every 1/qps s", async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(clock, 12, 18);
    const first = Array.from({ length: 20 }, () => bucket.tryTake());
    expect(first.filter(Boolean)).toHaveLength(18);
    expect(first.slice(18)).toEqual([false, false]);
    await clock.advance(1000 / 12 - 1);
    expect(bucket.tryTake()).toBe(false);
    await clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it("a refused request takes nothing: refusals do not delay the next token", async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(clock, 10, 1);
    expect(bucket.tryTake()).toBe(true);
    for (let i = 0; i < 50; i++) expect(bucket.tryTake()).toBe(false);
    await clock.advance(100);
    expect(bucket.tryTake()).toBe(true);
  });

  it("in any window of w ms, at most burst + qps * w / 1000 requests are let through", async () => {
    const clock = new FakeClock(0);
    const bucket = createTokenBucket(clock, 12, 18);
    const granted: number[] = [];
    // Bursty callers: 40 requests every 700 ms, then a quiet spell, for 30 s of fake time.
    for (let t = 0; t < 30_000; t += 700) {
      for (let i = 0; i < 40; i++) if (bucket.tryTake()) granted.push(clock.now());
      await clock.advance(t % 7000 === 0 ? 2100 : 700);
    }
    expect(granted.length).toBeGreaterThan(18);
    for (let i = 0; i < granted.length; i++) {
      for (let j = i; j < granted.length; j++) {
        const w = (granted[j] as number) - (granted[i] as number);
        expect(j - i + 1).toBeLessThanOrEqual(18 + (12 * w) / 1000 + 1e-9);
      }
    }
  });
});

