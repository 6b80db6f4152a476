// Controller configuration: the real controller's defaults, and validation of options once, at
// the edge, into a frozen object.

import { HarnessError } from "../common/errors.js";
import { validateDelay } from "./delay.js";
import type { ControllerConfig, ControllerFaults, ControllerOptions, Ec2Config } from "./types.js";

/** The real cooldown bounds (cooldown.go: DefaultCoolDownPeriod 60 s, MinimalCoolDownPeriod 30 s). */
export const DEFAULT_COOLDOWN_MS = 60_000;
export const MIN_COOLDOWN_MS = 30_000;

export const DEFAULT_EC2_CONFIG: Readonly<Ec2Config> = Object.freeze({
  // main.go: --instance-client-qps 12, --instance-client-burst 18.
  qps: 12,
  burst: 18,
  clientModel: "single",
  callLatencyMs: 50,
  // wrapper.go: MaxRetries = 3 attempts with the SDK's standard retryer.
  maxAttempts: 3,
  primarySubnetCidr: "10.0.0.0/19",
  branchSubnetCidr: "10.0.32.0/19",
});

export const NO_FAULTS: Readonly<ControllerFaults> = Object.freeze({
  ec2ThrottleRate: 0,
  ec2FailureRate: 0,
  branchAllocationFailureRate: 0,
  annotationFailureRate: 0,
  branchCapacityOverride: -1,
  subnetExhausted: false,
});

export const DEFAULT_CONTROLLER_CONFIG: Readonly<ControllerConfig> = Object.freeze({
  workers: 30, // config/loader.go: PodENIDefaultWorker
  cooldownMs: DEFAULT_COOLDOWN_MS,
  deleteQueueIntervalMs: 30_000, // provider.go: deleteQueueRequeueRequest
  maxRetries: 5, // config/loader.go: WorkQueueDefaultMaxRetries
  baseBackoffMs: 5, // client-go DefaultControllerRateLimiter: 5 ms doubling...
  maxBackoffMs: 1_000_000, // ...up to 1000 s
  provisioningDelay: Object.freeze({ kind: "fixed", fixedMs: 1500 }),
  faults: NO_FAULTS,
  ec2: DEFAULT_EC2_CONFIG,
  resyncMs: 0,
});

const rate = (what: string, v: number): void => {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new HarnessError("invalid-config", `${what} must be a fraction in [0, 1], got ${v}`);
};
const positive = (what: string, v: number, min = 1): void => {
  if (!Number.isFinite(v) || v < min) throw new HarnessError("invalid-config", `${what} must be a number >= ${min}, got ${v}`);
};

export function validateFaults(f: ControllerFaults): ControllerFaults {
  rate("faults.ec2ThrottleRate", f.ec2ThrottleRate);
  rate("faults.ec2FailureRate", f.ec2FailureRate);
  rate("faults.branchAllocationFailureRate", f.branchAllocationFailureRate);
  rate("faults.annotationFailureRate", f.annotationFailureRate);
  if (!Number.isInteger(f.branchCapacityOverride) || f.branchCapacityOverride < -1) {
    throw new HarnessError("invalid-config", `faults.branchCapacityOverride must be -1 (none) or an integer >= 0, got ${f.branchCapacityOverride}`);
  }
  return Object.freeze({ ...f });
}

/** Defaults + options, validated; throws HarnessError("invalid-config") naming the key. */
export function resolveControllerConfig(options: ControllerOptions = {}): ControllerConfig {
  const d = DEFAULT_CONTROLLER_CONFIG;
  const ec2: Ec2Config = { ...d.ec2, ...options.ec2 };
  const cfg: ControllerConfig = {
    workers: options.workers ?? d.workers,
    cooldownMs: options.cooldownMs ?? d.cooldownMs,
    deleteQueueIntervalMs: options.deleteQueueIntervalMs ?? d.deleteQueueIntervalMs,
    maxRetries: options.maxRetries ?? d.maxRetries,
    baseBackoffMs: options.baseBackoffMs ?? d.baseBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? d.maxBackoffMs,
    provisioningDelay: validateDelay(options.provisioningDelay ?? d.provisioningDelay),
    faults: validateFaults({ ...d.faults, ...options.faults }),
    ec2: Object.freeze(ec2),
    resyncMs: options.resyncMs ?? d.resyncMs,
  };
  if (!Number.isFinite(cfg.resyncMs) || cfg.resyncMs < 0) throw new HarnessError("invalid-config", `resyncMs must be a number of ms >= 0, got ${cfg.resyncMs}`);
  positive("workers", cfg.workers);
  if (!Number.isFinite(cfg.cooldownMs) || cfg.cooldownMs < 0) {
    throw new HarnessError("invalid-config", `cooldownMs must be a number of ms >= 0, got ${cfg.cooldownMs}`);
  }
  // cooldown.go GetCoolDownPeriod: a period below 30 s is raised to the 30 s minimum.
  cfg.cooldownMs = Math.max(MIN_COOLDOWN_MS, cfg.cooldownMs);
  positive("deleteQueueIntervalMs", cfg.deleteQueueIntervalMs);
  positive("maxRetries", cfg.maxRetries, 0);
  positive("baseBackoffMs", cfg.baseBackoffMs, 0);
  positive("maxBackoffMs", cfg.maxBackoffMs, cfg.baseBackoffMs);
  positive("ec2.qps", ec2.qps, Number.MIN_VALUE);
  positive("ec2.burst", ec2.burst);
  positive("ec2.callLatencyMs", ec2.callLatencyMs, 0);
  positive("ec2.maxAttempts", ec2.maxAttempts);
  if (ec2.clientModel !== "single" && ec2.clientModel !== "split") {
    throw new HarnessError("invalid-config", `ec2.clientModel must be "single" or "split", got "${String(ec2.clientModel)}"`);
  }
  return Object.freeze(cfg);
}
