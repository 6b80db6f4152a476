// The scenario file format (YAML or JSON), as zod schemas: nodes, policies, pods over time,
// controller timing, faults at times, options and expectations. Durations are Go-style strings
// ("1.5s", "5m30s") or numbers of seconds; the parsed form holds milliseconds.

import { z } from "zod";
import { parseDuration } from "../../common/duration.js";
import { isHarnessError } from "../../common/errors.js";

/** A duration field: "250ms" / "1m30s" / 2.5 (seconds) -> milliseconds. */
export const duration = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  if (typeof v === "number") return v * 1000;
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: isHarnessError(e) ? e.message.replace(/^duration: /, "") : String(e) });
    return z.NEVER;
  }
});

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.{}]*[a-z0-9}])?$/, "must be a DNS-1123 name (lower case, digits, '-', '.'; '{i}' allowed in patterns)");
const labels = z.record(z.string(), z.string());
const fraction = z.number().min(0).max(1);

export const nodeSchema = z.strictObject({
  /** With count > 1, "{i}" is replaced by 1..count (default pattern "<name>-{i}"). */
  name,
  instanceType: z.string().default("m5.large"),
  count: z.number().int().positive().default(1),
  /** Join time (a node added later, e.g. by a cluster autoscaler). */
  at: duration.default(0),
  labels: labels.default({}),
});

export const policySchema = z.strictObject({
  namespace: name,
  name,
  podSelector: labels.default({}),
  serviceAccountSelector: labels.default({}),
  securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, "must look like sg-0123abcd")).min(1),
});

export const podSchema = z.strictObject({
  at: duration.default(0),
  namespace: name.default("default"),
  /** With count > 1, "{i}" is replaced by 1..count (default pattern "<name>-{i}"). */
  name,
  count: z.number().int().positive().default(1),
  /** Time between two pods of a bulk; 0 creates them all at once. */
  interval: duration.default(0),
  labels: labels.default({}),
  serviceAccount: z.string().default("default"),
  /** Pin to a node (skips the scheduler, like spec.nodeName set by the user). */
  node: z.string().optional(),
  /** Delete the pod(s) this long after creation. */
  deleteAfter: duration.optional(),
});

export const delaySchema = z.union([
  duration.transform((ms) => ({ kind: "fixed" as const, fixedMs: ms })),
  z.strictObject({ kind: z.literal("fixed"), value: duration }).transform((d) => ({ kind: "fixed" as const, fixedMs: d.value })),
  z.strictObject({ kind: z.literal("uniform"), min: duration, max: duration }).transform((d) => ({ kind: "uniform" as const, minMs: d.min, maxMs: d.max })),
  z.strictObject({ kind: z.enum(["normal", "lognormal"]), mean: duration, stddev: duration }).transform((d) => ({ kind: d.kind, meanMs: d.mean, stddevMs: d.stddev })),
]);

export const controllerSchema = z.strictObject({
  provisioningDelay: delaySchema.optional(),
  workers: z.number().int().positive().optional(),
  ec2: z.strictObject({ qps: z.number().positive().optional(), burst: z.number().int().positive().optional(), callLatency: duration.optional() }).default({}),
});

/** A fault window: the settings hold from `at` for `for` (to the end when absent). */
export const faultSchema = z.strictObject({
  at: duration.default(0),
  for: duration.optional(),
  ec2ThrottleRate: fraction.optional(),
  ec2FailureRate: fraction.optional(),
  branchAllocationFailureRate: fraction.optional(),
  annotationFailureRate: fraction.optional(),
  /** Pretend every node has this many branch ENIs (capacity exhausted). */
  branchCapacity: z.number().int().nonnegative().optional(),
  /** ipamd answers UNAVAILABLE for the window. */
  ipamdDown: z.boolean().optional(),
  /** ipamd restarts at `at`: down for `for` (default 2s), then back with its checkpoint. */
  ipamdRestart: z.boolean().optional(),
}).refine((f) => Object.keys(f).some((k) => k !== "at" && k !== "for"), { message: "a fault needs at least one setting (ec2ThrottleRate, ipamdRestart, ...)" });

const count = z.union([z.number().int().nonnegative(), z.strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })]);

export const podExpectationSchema = z.strictObject({
  /** Pod name or glob ("sgp-*"); every matching pod must satisfy the rest. */
  pods: z.string(),
  namespace: z.string().default("default"),
  /** How many pods must match (default: at least one). */
  matching: count.optional(),
  running: z.boolean().optional(),
  runningBy: duration.optional(),
  /** Event counts per reason per pod (aggregated counts summed), e.g. FailedCreatePodSandBox: 1. */
  events: z.record(z.string(), count).default({}),
  /** Every failed sandbox of these pods must have this classification. */
  failures: z.enum(["transient-expected", "real"]).optional(),
});

export const expectSchema = z.strictObject({
  allRunning: z.boolean().optional(),
  allRunningBy: duration.optional(),
  lastRunningAfter: duration.optional(),
  lastRunningBefore: duration.optional(),
  realFailures: count.optional(),
  transientFailures: count.optional(),
  /** Totals over the run per event reason. */
  events: z.record(z.string(), count).default({}),
  pods: z.array(podExpectationSchema).default([]),
});

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().default(""),
  /** Modes the scenario is meant for; real time suits a handful of pods only. */
  modes: z.array(z.enum(["real", "simulated"])).min(1).default(["simulated"]),
  /** Run for at most this long (simulated or wall time); the run ends earlier once everything settled. */
  limit: duration.default(600_000),
  seed: z.number().int().default(1),
  nodes: z.array(nodeSchema).min(1),
  policies: z.array(policySchema).default([]),
  pods: z.array(podSchema).default([]),
  controller: controllerSchema.default({ ec2: {} }),
  ipamd: z.strictObject({ waitForBranchEni: duration.default(0) }).default({ waitForBranchEni: 0 }),
  kubelet: z.strictObject({ backoff: duration.optional(), networkNotReady: duration.optional() }).default({}),
  faults: z.array(faultSchema).default([]),
  expect: expectSchema.default({ events: {}, pods: [] }),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioNode = z.output<typeof nodeSchema>;
export type ScenarioPod = z.output<typeof podSchema>;
export type ScenarioFault = z.output<typeof faultSchema>;
export type ScenarioExpect = z.output<typeof expectSchema>;
export type PodExpectation = z.output<typeof podExpectationSchema>;
export type CountExpectation = z.output<typeof count>;
