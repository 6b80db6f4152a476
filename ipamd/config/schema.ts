// The config file's schema (YAML or JSON), validated with zod: unknown keys are errors so typos
// are caught, durations are Go-style strings ("1.5s") or milliseconds, and every error names its key.

import { z } from "zod";
import { parseDuration } from "../../common/duration.js";
import { errorMessage } from "../../common/errors.js";

const duration = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: errorMessage(e) });
    return z.NEVER;
  }
});

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "must be an IPv4 CIDR like 10.0.0.0/19");
const labels = z.record(z.string(), z.string());
const fraction = z.number().min(0).max(1);
const count = z.number().int().nonnegative();

const delay = z.union([
  duration,
  z.strictObject({ kind: z.literal("fixed"), fixed: duration }),
  z.strictObject({ kind: z.literal("uniform"), min: duration, max: duration }),
  z.strictObject({ kind: z.enum(["normal", "lognormal"]), mean: duration, stddev: duration }),
]);

export const fileSchema = z.strictObject({
  node: z
    .strictObject({
      name: z.string().min(1),
      instanceType: z.string().min(1),
      subnetCidr: cidr,
      branchSubnetCidr: cidr,
      vpcCidrs: z.array(cidr).min(1),
      trunk: z.boolean(),
    })
    .partial()
    .optional(),
  securityGroupPolicies: z
    .array(
      z.strictObject({
        namespace: z.string().min(1),
        name: z.string().min(1),
        podSelector: labels.default({}),
        serviceAccountSelector: labels.default({}),
        securityGroupIds: z.array(z.string()).default(["sg-harness"]),
      }),
    )
    .optional(),
  /** Shorthand: every pod of these namespaces matches a SecurityGroupPolicy. */
  sgpNamespaces: z.array(z.string().min(1)).optional(),
  controller: z
    .strictObject({ provisioningDelay: delay, branchCooldown: duration, seed: z.number().int() })
    .partial()
    .optional(),
  ec2: z.strictObject({ qps: z.number().positive(), burst: count.min(1), callLatency: duration }).partial().optional(),
  faults: z
    .strictObject({
      ec2ThrottleRate: fraction,
      ec2FailureRate: fraction,
      branchAllocationFailureRate: fraction,
      annotationFailureRate: fraction,
      branchCapacityOverride: z.number().int().min(-1),
      subnetExhausted: z.boolean(),
      ipamdDown: z.boolean(),
    })
    .partial()
    .optional(),
  /** The real ipamd's environment variable names. */
  warmPool: z
    .strictObject({ WARM_ENI_TARGET: count, WARM_IP_TARGET: count, MINIMUM_IP_TARGET: count, WARM_PREFIX_TARGET: count })
    .partial()
    .optional(),
  ipamd: z
    .strictObject({
      listen: z.string().min(1),
      stateDir: z.string().min(1),
      ipCooldown: duration,
      waitForBranchEni: duration,
      hostLinks: z.enum(["auto", "on", "off"]),
      hostLinkPrefix: z.string().min(1),
      introspection: z.string().min(1),
      metrics: z.string().min(1),
      logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
    })
    .partial()
    .optional(),
});

export type ConfigFile = z.infer<typeof fileSchema>;

/** "key.path: problem" lines for every issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`).join("; ");
}
