// The provisioning delay: validation and sampling of a fixed delay or a distribution.

import { MAX_TIMER_MS } from "../common/clock.js";
import { HarnessError } from "../common/errors.js";
import { standardNormal } from "./rng.js";
import type { ProvisioningDelay, Rng } from "./types.js";

/** The longest provisioning delay: the longest a timer can wait (common/clock.ts). */
export const MAX_DELAY_MS = MAX_TIMER_MS;

const nonNegative = (what: string, v: number): void => {
  if (!Number.isFinite(v) || v < 0) throw new HarnessError("invalid-config", `provisioning delay: ${what} must be a number >= 0, got ${v}`);
  if (v > MAX_DELAY_MS) throw new HarnessError("invalid-config", `provisioning delay: ${what} must be at most ${MAX_DELAY_MS} ms (about 24.8 days), got ${v}`);
};

/** Checks a delay spec and returns a frozen copy; throws invalid-config naming the field. */
export function validateDelay(d: ProvisioningDelay): ProvisioningDelay {
  switch (d.kind) {
    case "fixed":
      nonNegative("fixedMs", d.fixedMs);
      return Object.freeze({ kind: "fixed", fixedMs: d.fixedMs });
    case "uniform":
      nonNegative("minMs", d.minMs);
      nonNegative("maxMs", d.maxMs);
      if (d.maxMs < d.minMs) throw new HarnessError("invalid-config", `provisioning delay: maxMs (${d.maxMs}) < minMs (${d.minMs})`);
      return Object.freeze({ kind: "uniform", minMs: d.minMs, maxMs: d.maxMs });
    case "normal":
    case "lognormal":
      nonNegative("meanMs", d.meanMs);
      nonNegative("stddevMs", d.stddevMs);
      if (d.kind === "lognormal" && d.meanMs <= 0) throw new HarnessError("invalid-config", "provisioning delay: lognormal meanMs must be > 0");
      return Object.freeze({ kind: d.kind, meanMs: d.meanMs, stddevMs: d.stddevMs });
    default:
      throw new HarnessError("invalid-config", `provisioning delay: unknown kind "${(d as { kind: string }).kind}" (fixed, uniform, normal, lognormal)`);
  }
}

/** One delay in ms, within 0..MAX_DELAY_MS (distribution tails included). Fixed delays draw nothing from the RNG. */
export function sampleDelay(d: ProvisioningDelay, rng: Rng): number {
  return Math.min(MAX_DELAY_MS, sampleUnbounded(d, rng));
}

function sampleUnbounded(d: ProvisioningDelay, rng: Rng): number {
  switch (d.kind) {
    case "fixed":
      return d.fixedMs;
    case "uniform":
      return d.minMs + (d.maxMs - d.minMs) * rng.next();
    case "normal":
      return Math.max(0, d.meanMs + d.stddevMs * standardNormal(rng));
    case "lognormal": {
      // Parameters of the underlying normal from the delay's own mean m and stddev s:
      // sigma^2 = ln(1 + s^2/m^2), mu = ln(m) - sigma^2/2.
      const sigma2 = Math.log(1 + (d.stddevMs * d.stddevMs) / (d.meanMs * d.meanMs));
      const mu = Math.log(d.meanMs) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(rng));
    }
  }
}

/** Short text for logs and events: "2s", "uniform 1s..3s", "lognormal mean 2s sd 500ms". */
export function describeDelay(d: ProvisioningDelay): string {
  switch (d.kind) {
    case "fixed":
      return `fixed ${d.fixedMs}ms`;
    case "uniform":
      return `uniform ${d.minMs}ms..${d.maxMs}ms`;
    case "normal":
    case "lognormal":
      return `${d.kind} mean ${d.meanMs}ms sd ${d.stddevMs}ms`;
  }
}
