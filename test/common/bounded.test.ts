import { describe, expect, it } from "vitest";
import { pushBounded } from "../../common/bounded.js";

describe("pushBounded", () => {
  it("keeps the newest cap entries, oldest first, trimming in batches of an eighth", () => {
    const log: number[] = [];
    const lengths: number[] = [];
    for (let i = 0; i < 100; i++) {
      pushBounded(log, i, 16);
      lengths.push(log.length);
    }
    expect(Math.max(...lengths)).toBe(18);
    expect(log.length).toBeGreaterThanOrEqual(16);
    expect(log).toEqual(Array.from({ length: log.length }, (_, i) => 100 - log.length + i));
    const one: number[] = [];
    for (let i = 0; i < 5; i++) pushBounded(one, i, 1);
    expect(one.length).toBeLessThanOrEqual(2);
    expect(one.at(-1)).toBe(4);
  });
});
