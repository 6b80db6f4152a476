import { describe, expect, it } from "vitest";
import { earliestAdmissionMs, levelAt, worstWindow } from "./bucket.js";

describe("token-bucket observer", () => {
  it("accepts a burst of 18 then 12 per second, and flags one call more", () => {
    const ok = [...Array.from({ length: 18 }, () => 0), ...Array.from({ length: 12 }, (_, i) => ((i + 1) * 1000) / 12)];
    expect(worstWindow(ok, 12, 18).excess).toBeLessThanOrEqual(1e-9);
    const over = [...ok, 1000];
    const w = worstWindow(over, 12, 18);
    expect(w.excess).toBeCloseTo(1, 9);
    expect([w.from, w.to, w.count]).toEqual([0, 1000, 31]);
  });

  it("knows the level before a moment and when the model admits the k-th call", () => {
    const calls = Array.from({ length: 18 }, () => 1000);
    expect(levelAt(calls, 12, 18, 1000)).toBe(18);
    expect(levelAt(calls, 12, 18, 1500)).toBeCloseTo(6, 9);
    expect(levelAt(calls, 12, 18, 10_000)).toBe(18);
    // 90 calls from a full bucket: the 90th no sooner than (90 - 18) / 12 s.
    expect(earliestAdmissionMs(90, 18, 12)).toBe(6000);
    expect(earliestAdmissionMs(10, 18, 12)).toBe(0);
  });
});
