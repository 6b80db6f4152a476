// The load runner's statistics (pure).
import { describe, expect, it } from "vitest";
import { percentile } from "./load.js";

describe("percentile (nearest rank)", () => {
  it("picks the sample at rank ceil(q*n)", () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 0.5)).toBe(5);
    expect(percentile(xs, 0.9)).toBe(9);
    expect(percentile(xs, 0.99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
  });

  it("is NaN for no samples and does not reorder its input", () => {
    expect(percentile([], 0.5)).toBeNaN();
    const xs = [3, 1, 2];
    percentile(xs, 0.5);
    expect(xs).toEqual([3, 1, 2]);
  });
});
