// A client of mock-ec2's harness endpoints (/_harness/…: not EC2 actions): the call log, faults,
// the account-wide rate limit and the state document, each reply parsed before use, with a
// deadline and the caller's signal on every request.

import { z } from "zod";
import { HarnessError, errorMessage } from "../errors.js";

const callSchema = z.object({
  seq: z.number().int(), at: z.number(), caller: z.string(), action: z.string(), status: z.number().int(), code: z.string(),
  tokened: z.boolean(), requestId: z.string(), durationMs: z.number(),
});
const callsSchema = z.object({ calls: z.array(callSchema), dropped: z.number().int(), last: z.number().int() });
const faultsSchema = z.object({ throttleRate: z.number(), failureRate: z.number(), subnetExhausted: z.boolean() });
const limitsSchema = z.object({ qps: z.number(), burst: z.number() });
const fabricSchema = z.object({
  version: z.string(),
  vpcId: z.string(),
  cidrs: z.array(z.string()),
  instances: z.array(z.object({ instanceId: z.string(), name: z.string(), privateIp: z.string() })),
  interfaces: z.array(z.object({
    eniId: z.string(), interfaceType: z.enum(["interface", "trunk", "branch"]), macAddress: z.string(), subnetCidr: z.string(),
    ips: z.array(z.string()), instanceId: z.string(), trunkEniId: z.string().optional(), vlanId: z.number().int().optional(),
  })),
});

export type HarnessCall = z.infer<typeof callSchema>;
export type HarnessFaults = z.infer<typeof faultsSchema>;
export type HarnessLimits = z.infer<typeof limitsSchema>;
/** The VPC's routing view as sent (strings not yet checked as addresses: ipamd/fabric parses them). */
export type HarnessFabric = z.infer<typeof fabricSchema>;

export interface Ec2HarnessClient {
  /** Call-log records after `since` (0: all still held), with how many were dropped from the ring. */
  calls(since?: number, signal?: AbortSignal): Promise<z.infer<typeof callsSchema>>;
  faults(signal?: AbortSignal): Promise<HarnessFaults>;
  setFaults(patch: Partial<HarnessFaults>, signal?: AbortSignal): Promise<HarnessFaults>;
  limits(signal?: AbortSignal): Promise<HarnessLimits>;
  setLimits(patch: Partial<HarnessLimits>, signal?: AbortSignal): Promise<HarnessLimits>;
  /** The durable state document (mock-ec2-state/1), as JSON. */
  state(signal?: AbortSignal): Promise<Record<string, unknown>>;
  /**
   * The VPC's routing view. With `since` = the version last seen and waitMs > 0, the reply waits (up
   * to waitMs) for a change; the deadline is waitMs plus the client's timeout.
   */
  fabric(since?: string, waitMs?: number, signal?: AbortSignal): Promise<HarnessFabric>;
}

export function createEc2HarnessClient(endpoint: string, opts: { timeoutMs?: number } = {}): Ec2HarnessClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  async function request<T>(method: string, path: string, schema: z.ZodType<T>, body: unknown, signal: AbortSignal | undefined, extraMs = 0): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs + extraMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    let res: Response;
    try {
      res = await fetch(new URL(path, endpoint), {
        method, signal: combined,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
    } catch (e: unknown) {
      if (deadline.aborted) throw new HarnessError("deadline", `mock-ec2 ${method} ${path}: no answer within ${timeoutMs + extraMs} ms`, { cause: e });
      if (signal?.aborted === true) throw signal.reason;
      throw new HarnessError("unavailable", `mock-ec2 ${method} ${path} at ${endpoint}: ${errorMessage(e)}`, { cause: e });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HarnessError("internal", `mock-ec2 ${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const msg = typeof json === "object" && json !== null && typeof (json as { error?: unknown }).error === "string" ? (json as { error: string }).error : text;
      throw new HarnessError(res.status === 400 ? "invalid-argument" : "internal", `mock-ec2 ${method} ${path}: HTTP ${res.status}: ${msg}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new HarnessError("internal", `mock-ec2 ${method} ${path}: unexpected reply: ${parsed.error.issues[0]?.message ?? ""}`);
    return parsed.data;
  }
  return {
    calls: (since = 0, signal) => request("GET", `/_harness/calls?since=${since}`, callsSchema, undefined, signal),
    faults: (signal) => request("GET", "/_harness/faults", faultsSchema, undefined, signal),
    setFaults: (patch, signal) => request("PUT", "/_harness/faults", faultsSchema, patch, signal),
    limits: (signal) => request("GET", "/_harness/limits", limitsSchema, undefined, signal),
    setLimits: (patch, signal) => request("PUT", "/_harness/limits", limitsSchema, patch, signal),
    state: (signal) => request("GET", "/_harness/state", z.record(z.string(), z.unknown()), undefined, signal),
    fabric: (since = "", waitMs = 0, signal) =>
      request("GET", `/_harness/fabric?since=${encodeURIComponent(since)}&waitMs=${waitMs}`, fabricSchema, undefined, signal, waitMs),
  };
}
