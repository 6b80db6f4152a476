// The harness's knobs on the fake EC2, read and changed at run time through /_harness/…: faults
// (as the in-process controller's EC2 faults: a throttle rate, a failure rate, an exhausted
// subnet) and the account-wide rate limit. Values from outside are validated, never trusted.

import { HarnessError } from "../../common/errors.js";

export interface Ec2Faults {
  /** Fraction of calls answered RequestLimitExceeded (503) on top of the rate limit. */
  readonly throttleRate: number;
  /** Fraction of calls answered InternalError (500). */
  readonly failureRate: number;
  /** Every address request answers InsufficientFreeAddressesInSubnet. */
  readonly subnetExhausted: boolean;
}

export const NO_FAULTS: Ec2Faults = Object.freeze({ throttleRate: 0, failureRate: 0, subnetExhausted: false });

export interface RateLimit {
  /** Requests per second refilled into the account's bucket; 0 = no limit. */
  readonly qps: number;
  readonly burst: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function fraction(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) throw new HarnessError("invalid-argument", `${name} must be a number in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

/** current + a partial update from a JSON body; unknown keys and bad values are refused. */
export function mergeFaults(current: Ec2Faults, patch: unknown): Ec2Faults {
  if (!isRecord(patch)) throw new HarnessError("invalid-argument", "faults must be a JSON object");
  for (const k of Object.keys(patch)) {
    if (!["throttleRate", "failureRate", "subnetExhausted"].includes(k)) throw new HarnessError("invalid-argument", `unknown fault "${k}" (known: throttleRate, failureRate, subnetExhausted)`);
  }
  const out = { ...current };
  if (patch["throttleRate"] !== undefined) out.throttleRate = fraction("throttleRate", patch["throttleRate"]);
  if (patch["failureRate"] !== undefined) out.failureRate = fraction("failureRate", patch["failureRate"]);
  if (patch["subnetExhausted"] !== undefined) {
    if (typeof patch["subnetExhausted"] !== "boolean") throw new HarnessError("invalid-argument", "subnetExhausted must be true or false");
    out.subnetExhausted = patch["subnetExhausted"];
  }
  return Object.freeze(out);
}

export function validateRateLimit(r: RateLimit): RateLimit {
  if (!Number.isFinite(r.qps) || r.qps < 0) throw new HarnessError("invalid-argument", `qps must be a number >= 0 (0: no limit), got ${r.qps}`);
  if (!Number.isInteger(r.burst) || r.burst < 1) throw new HarnessError("invalid-argument", `burst must be an integer >= 1, got ${r.burst}`);
  return Object.freeze({ qps: r.qps, burst: r.burst });
}

export function mergeRateLimit(current: RateLimit, patch: unknown): RateLimit {
  if (!isRecord(patch)) throw new HarnessError("invalid-argument", "limits must be a JSON object");
  for (const k of Object.keys(patch)) if (k !== "qps" && k !== "burst") throw new HarnessError("invalid-argument", `unknown limit "${k}" (known: qps, burst)`);
  const qps = patch["qps"] ?? current.qps;
  const burst = patch["burst"] ?? current.burst;
  if (typeof qps !== "number" || typeof burst !== "number") throw new HarnessError("invalid-argument", "qps and burst must be numbers");
  return validateRateLimit({ qps, burst });
}
