// The scenario file format (YAML or JSON), as zod schemas: nodes, policies, pods over time,
// controller timing, faults at times, options and expectations. Durations are Go-style strings
// ("1.5s", "5m30s") or numbers of seconds; the parsed form holds milliseconds. Every message says
// which forms are accepted; checks within one object (min <= max, known instance types) are here,
// checks across sections are in parse.ts.

import { z } from "zod";
import { parseDuration } from "../../common/duration.js";
import { isHarnessError } from "../../common/errors.js";
import { KNOWN_INSTANCE_TYPES } from "../../common/limits.js";

export const DURATION_FORMS = "a duration: a string such as 250ms, 1.5s or 5m30s, or a number of seconds";

/** A duration field: "250ms" / "1m30s" / 2.5 (seconds) -> milliseconds. */
export const duration = z.union([z.string(), z.number().nonnegative({ error: `must be ${DURATION_FORMS} (not negative)` })], { error: `must be ${DURATION_FORMS}` })
  .transform((v, ctx) => {
    if (typeof v === "number") return v * 1000;
    try {
      return parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `${isHarnessError(e) ? e.message.replace(/^duration: /, "") : String(e)}; must be ${DURATION_FORMS}` });
      return z.NEVER;
    }
  });

/** strictObject whose unknown-key message lists the keys it accepts. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const keys = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `unknown key${iss.keys.length === 1 ? "" : "s"} ${iss.keys.map((k) => `"${k}"`).join(", ")}; accepted keys: ${keys}` : undefined),
  });
}

const NAME_FORMS = "must be a DNS-1123 name (lower case letters, digits, '-', '.'; '{i}' allowed in patterns)";
const name = z.string({ error: NAME_FORMS }).regex(/^[a-z0-9]([-a-z0-9.{}]*[a-z0-9}])?$/, NAME_FORMS);
const labels = z.record(z.string(), z.string(), { error: "must be a map of label names to string values, e.g. { app: sgp }" });
const fraction = z.number({ error: "must be a fraction from 0 to 1 (e.g. 0.4)" }).min(0, "must be a fraction from 0 to 1 (e.g. 0.4)").max(1, "must be a fraction from 0 to 1 (e.g. 0.4)");
const positiveInt = (what: string) => z.number({ error: `must be ${what}` }).int(`must be ${what}`).positive(`must be ${what}`);

export const instanceType = z.string().refine((t) => KNOWN_INSTANCE_TYPES.includes(t), {
  error: (iss) => `instance type ${JSON.stringify(iss.input)} is not known; known types: ${KNOWN_INSTANCE_TYPES.join(", ")}`,
});

export const nodeSchema = strict({
  /** With count > 1, "{i}" is replaced by 1..count (default pattern "<name>-{i}"). */
  name,
  instanceType: instanceType.default("m5.large"),
  count: positiveInt("a whole number of nodes, 1 or more").default(1),
  /** Join time (a node added later, e.g. by a cluster autoscaler). */
  at: duration.default(0),
  labels: labels.default({}),
});

export const policySchema = strict({
  namespace: name,
  name,
  podSelector: labels.default({}),
  serviceAccountSelector: labels.default({}),
  securityGroups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, "must look like sg-0123abcd"), { error: "must be a list of security group ids, e.g. [sg-0123abcd]" })
    .min(1, "must list at least one security group id, e.g. [sg-0123abcd]"),
});

export const podSchema = strict({
  at: duration.default(0),
  namespace: name.default("default"),
  /** With count > 1, "{i}" is replaced by 1..count (default pattern "<name>-{i}"). */
  name,
  count: positiveInt("a whole number of pods, 1 or more").default(1),
  /** Time between two pods of a bulk; 0 creates them all at once. */
  interval: duration.default(0),
  labels: labels.default({}),
  serviceAccount: z.string().default("default"),
  /** Pin to a node (skips the scheduler, like spec.nodeName set by the user). */
  node: z.string().optional(),
  /** Delete the pod(s) this long after creation. */
  deleteAfter: duration.optional(),
});

export const DELAY_FORMS = "a duration (2s), or { kind: fixed, value: 2s }, { kind: uniform, min: 1s, max: 3s }, or { kind: normal | lognormal, mean: 2s, stddev: 500ms }";

export const delaySchema = z.union([
  duration.transform((ms) => ({ kind: "fixed" as const, fixedMs: ms })),
  z.strictObject({ kind: z.literal("fixed"), value: duration }).transform((d) => ({ kind: "fixed" as const, fixedMs: d.value })),
  z.strictObject({ kind: z.literal("uniform"), min: duration, max: duration }).transform((d) => ({ kind: "uniform" as const, minMs: d.min, maxMs: d.max })),
  z.strictObject({ kind: z.enum(["normal", "lognormal"]), mean: duration, stddev: duration }).transform((d) => ({ kind: d.kind, meanMs: d.mean, stddevMs: d.stddev })),
], { error: `must be ${DELAY_FORMS}` }).superRefine((d, ctx) => {
  if (d.kind === "uniform" && d.minMs > d.maxMs) ctx.addIssue({ code: "custom", message: "uniform: min must not be above max" });
});

export const controllerSchema = strict({
  provisioningDelay: delaySchema.optional(),
  workers: positiveInt("a whole number of workers, 1 or more").optional(),
  ec2: strict({
    qps: z.number({ error: "must be a number of calls per second above 0" }).positive("must be a number of calls per second above 0").optional(),
    burst: positiveInt("a whole number of calls, 1 or more").optional(),
    callLatency: duration.optional(),
  }).default({}),
});

/** A fault window: the settings hold from `at` for `for` (to the end when absent). */
export const faultSchema = strict({
  at: duration.default(0),
  for: duration.optional(),
  ec2ThrottleRate: fraction.optional(),
  ec2FailureRate: fraction.optional(),
  branchAllocationFailureRate: fraction.optional(),
  annotationFailureRate: fraction.optional(),
  /** Pretend every node has this many branch ENIs (capacity exhausted). */
  branchCapacity: z.number({ error: "must be a whole number of branch ENIs, 0 or more" }).int("must be a whole number of branch ENIs, 0 or more").nonnegative("must be a whole number of branch ENIs, 0 or more").optional(),
  /** ipamd answers UNAVAILABLE for the window. */
  ipamdDown: z.boolean({ error: "must be true or false" }).optional(),
  /** ipamd restarts at `at`: down for `for` (default 2s), then back with its checkpoint. */
  ipamdRestart: z.boolean({ error: "must be true or false" }).optional(),
}).refine((f) => Object.keys(f).some((k) => k !== "at" && k !== "for"), {
  message: "a fault needs at least one setting: ec2ThrottleRate, ec2FailureRate, branchAllocationFailureRate, annotationFailureRate, branchCapacity, ipamdDown or ipamdRestart",
});

export const COUNT_FORMS = "a count (a whole number such as 0 or 3) or a range { min: N, max: N }";
const whole = z.number({ error: `must be ${COUNT_FORMS}` }).int(`must be ${COUNT_FORMS}`).nonnegative(`must be ${COUNT_FORMS}`);
const count = z.union([
  whole,
  z.strictObject({ min: whole.optional(), max: whole.optional() })
    .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, "min must not be above max"),
], { error: `must be ${COUNT_FORMS}` });

export const podExpectationSchema = strict({
  /** Pod name or glob ("sgp-*"); every matching pod must satisfy the rest. */
  pods: z.string({ error: "must be a pod name or a glob such as sgp-*" }),
  namespace: z.string().default("default"),
  /** How many pods must match (default: at least one). */
  matching: count.optional(),
  running: z.boolean({ error: "must be true or false" }).optional(),
  runningBy: duration.optional(),
  /** Event counts per reason per pod (aggregated counts summed), e.g. FailedCreatePodSandBox: 1. */
  events: z.record(z.string(), count, { error: "must be a map of event reasons to counts, e.g. { FailedCreatePodSandBox: 1 }" }).default({}),
  /** Every failed sandbox of these pods must have this classification. */
  failures: z.enum(["transient-expected", "real"], { error: "must be transient-expected or real" }).optional(),
});

const expectShape = {
  allRunning: z.boolean({ error: "must be true or false" }).optional(),
  allRunningBy: duration.optional(),
  lastRunningAfter: duration.optional(),
  lastRunningBefore: duration.optional(),
  realFailures: count.optional(),
  transientFailures: count.optional(),
  /** Totals over the run per event reason. */
  events: z.record(z.string(), count, { error: "must be a map of event reasons to counts, e.g. { BranchAllocationFailed: { min: 1 } }" }).default({}),
  pods: z.array(podExpectationSchema, { error: "must be a list of pod expectations" }).default([]),
};

export const expectSchema = strict(expectShape);

/**
 * Expectations that replace those of `expect`, key by key, when the run's settings match `when`
 * (e.g. the same scenario run with `--wait-for-branch-eni 0s`).
 */
export const expectIfSchema = strict({
  when: strict({ waitForBranchEni: duration }),
  expect: strict({ ...expectShape, events: expectShape.events.optional(), pods: expectShape.pods.optional() }),
});

export const MODES_FORMS = "a list of modes: [simulated], [real] or [real, simulated] (the first is the default)";

export const scenarioSchema = strict({
  name,
  description: z.string().default(""),
  /** Modes the scenario is meant for; real time suits a handful of pods only. Absent: simulated by default. */
  modes: z.array(z.enum(["real", "simulated"], { error: `must be ${MODES_FORMS}` }), { error: `must be ${MODES_FORMS}` }).min(1, `must be ${MODES_FORMS}`).optional(),
  /** Run for at most this long (simulated or wall time); the run ends earlier once everything settled. */
  limit: duration.default(600_000),
  seed: z.number({ error: "must be a whole number" }).int("must be a whole number").default(1),
  nodes: z.array(nodeSchema, { error: "must be a list of nodes, e.g. [{ name: node-1 }]" }).min(1, "must list at least one node, e.g. [{ name: node-1 }]"),
  policies: z.array(policySchema, { error: "must be a list of SecurityGroupPolicies" }).default([]),
  pods: z.array(podSchema, { error: "must be a list of pods" }).default([]),
  controller: controllerSchema.default({ ec2: {} }),
  ipamd: strict({ waitForBranchEni: duration.default(0) }).default({ waitForBranchEni: 0 }),
  kubelet: strict({ backoff: duration.optional(), networkNotReady: duration.optional() }).default({}),
  faults: z.array(faultSchema, { error: "must be a list of faults" }).default([]),
  expect: expectSchema.default({ events: {}, pods: [] }),
  expectIf: z.array(expectIfSchema, { error: "must be a list of { when: { waitForBranchEni: 0s }, expect: { ... } }" }).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioNode = z.output<typeof nodeSchema>;
export type ScenarioPod = z.output<typeof podSchema>;
export type ScenarioFault = z.output<typeof faultSchema>;
export type ScenarioExpect = z.output<typeof expectSchema>;
export type PodExpectation = z.output<typeof podExpectationSchema>;
export type CountExpectation = z.output<typeof count>;

/** The expectations that apply to this run: `expect`, with the matching `expectIf` entries laid over it. */
export function effectiveExpect(s: Scenario): { expect: ScenarioExpect; applied: number[] } {
  let out: ScenarioExpect = s.expect;
  const applied: number[] = [];
  s.expectIf.forEach((v, i) => {
    if (v.when.waitForBranchEni !== s.ipamd.waitForBranchEni) return;
    applied.push(i);
    const defined = Object.fromEntries(Object.entries(v.expect).filter(([, x]) => x !== undefined));
    out = { ...out, ...defined };
  });
  return { expect: out, applied };
}
