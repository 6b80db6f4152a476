import { describe, expect, it } from "vitest";
import { createSeededRng, describeDelay, sampleDelay, validateDelay } from "../../controller/index.js";
import type { ProvisioningDelay } from "../../controller/index.js";
import { isHarnessError } from "../../common/errors.js";

const stats = (d: ProvisioningDelay, n = 20_000, seed = 3) => {
  const rng = createSeededRng(seed);
  const xs = Array.from({ length: n }, () => sampleDelay(d, rng));
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { xs, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
};

describe("provisioning delay", () => {
  it("fixed: always the value, no randomness used", () => {
    const rng = { next: () => { throw new Error("must not draw"); } };
    expect(sampleDelay({ kind: "fixed", fixedMs: 1500 }, rng)).toBe(1500);
  });

  it("uniform stays within [min, max] with the right mean", () => {
    const s = stats({ kind: "uniform", minMs: 1000, maxMs: 3000 });
    expect(s.min).toBeGreaterThanOrEqual(1000);
    expect(s.max).toBeLessThanOrEqual(3000);
    expect(s.mean).toBeGreaterThan(1970);
    expect(s.mean).toBeLessThan(2030);
  });

  it("normal has the mean and stddev asked for and is never negative", () => {
    const s = stats({ kind: "normal", meanMs: 2000, stddevMs: 300 });
    expect(s.mean).toBeGreaterThan(1980);
    expect(s.mean).toBeLessThan(2020);
    expect(s.sd).toBeGreaterThan(290);
    expect(s.sd).toBeLessThan(310);
    expect(stats({ kind: "normal", meanMs: 10, stddevMs: 100 }).min).toBe(0);
  });

  it("lognormal: mean and stddev are those of the delay, right-skewed, positive", () => {
    const s = stats({ kind: "lognormal", meanMs: 2000, stddevMs: 1000 }, 50_000);
    expect(s.min).toBeGreaterThan(0);
    expect(s.mean).toBeGreaterThan(1960);
    expect(s.mean).toBeLessThan(2040);
    expect(s.sd).toBeGreaterThan(900);
    expect(s.sd).toBeLessThan(1100);
    const sorted = [...s.xs].sort((a, b) => a - b);
    expect(sorted[sorted.length / 2]).toBeLessThan(s.mean); // median < mean
  });

  it("never samples past what a timer can wait, even in a distribution's tail", () => {
    const rng = createSeededRng(1);
    const xs = Array.from({ length: 200 }, () => sampleDelay({ kind: "lognormal", meanMs: 2e9, stddevMs: 2e10 }, rng));
    expect(Math.max(...xs)).toBe(2 ** 31 - 1);
  });

  it("is deterministic for a seed", () => {
    const d: ProvisioningDelay = { kind: "uniform", minMs: 0, maxMs: 1000 };
    expect(stats(d, 10, 42).xs).toEqual(stats(d, 10, 42).xs);
    expect(stats(d, 10, 42).xs).not.toEqual(stats(d, 10, 43).xs);
  });

  it("validation names the bad field", () => {
    const bad = (d: unknown): string => {
      try {
        validateDelay(d as ProvisioningDelay);
        return "ok";
      } catch (e) {
        return isHarnessError(e) && e.kind === "invalid-config" ? e.message : "wrong error";
      }
    };
    expect(bad({ kind: "fixed", fixedMs: -1 })).toContain("fixedMs");
    expect(bad({ kind: "uniform", minMs: 5, maxMs: 1 })).toContain("maxMs");
    expect(bad({ kind: "lognormal", meanMs: 0, stddevMs: 1 })).toContain("lognormal");
    expect(bad({ kind: "gamma" })).toContain("unknown kind");
    expect(bad({ kind: "normal", meanMs: 1, stddevMs: 0 })).toBe("ok");
    // Node's setTimeout fires anything over 2^31-1 ms after 1 ms: a 115-day delay would provision at once.
    expect(bad({ kind: "fixed", fixedMs: 1e10 })).toContain("fixedMs must be at most 2147483647 ms");
    expect(bad({ kind: "uniform", minMs: 0, maxMs: 2 ** 31 })).toContain("maxMs must be at most");
    expect(bad({ kind: "fixed", fixedMs: 2 ** 31 - 1 })).toBe("ok");
    expect(describeDelay({ kind: "uniform", minMs: 1, maxMs: 2 })).toBe("uniform 1ms..2ms");
  });
});
