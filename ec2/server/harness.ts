// The harness's endpoints on the fake EC2 (not EC2 actions, JSON, on their own path):
//   GET /_harness/calls?since=N   the call log after record N (ring buffer; `dropped` counts lost ones)
//   GET /_harness/faults, PUT     throttleRate, failureRate, subnetExhausted (partial updates)
//   GET /_harness/limits, PUT     the account-wide rate limit {qps, burst}; qps 0 = none
//   GET /_harness/state           the durable state document (what ec2-state.json holds)
//   GET /_harness/health          {"ok":true}
//   GET /_harness/fabric?since=V&waitMs=N  the VPC's routing view (model/fabric.ts) and its version;
//                                 with since = the current version, waits up to waitMs for a change

import { errorMessage, isHarnessError } from "../../common/errors.js";
import { fabricView } from "../model/fabric.js";
import { mergeFaults, mergeRateLimit } from "./knobs.js";
import type { Ec2Service } from "./service.js";

export interface HarnessReply {
  readonly status: number;
  readonly body: unknown;
}

/** The longest a fabric long poll is held: well inside any client's deadline, and a shutdown ends it. */
export const MAX_FABRIC_WAIT_MS = 60_000;

async function fabric(svc: Ec2Service, url: URL, signal: AbortSignal | undefined): Promise<HarnessReply> {
  const since = url.searchParams.get("since") ?? "";
  const waitMs = Number(url.searchParams.get("waitMs") ?? "0");
  if (since.length > 64) return { status: 400, body: { error: "since must be a version this endpoint returned" } };
  if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > MAX_FABRIC_WAIT_MS) {
    return { status: 400, body: { error: `waitMs must be an integer from 0 to ${MAX_FABRIC_WAIT_MS}` } };
  }
  await svc.changes.wait(since, waitMs, signal);
  // What it shows is on disk: a change whose write fails is rolled back, never shown.
  await svc.state.commits.barrier();
  return { status: 200, body: { version: svc.changes.version, ...fabricView(svc.state.model) } };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e: unknown) {
    throw new SyntaxError(`body is not JSON: ${errorMessage(e)}`);
  }
}

export async function handleHarness(svc: Ec2Service, method: string, url: URL, body: string, signal?: AbortSignal): Promise<HarnessReply> {
  const what = url.pathname.slice("/_harness/".length);
  try {
    switch (`${method} ${what}`) {
      case "GET health":
        return { status: 200, body: { ok: true } };
      case "GET calls": {
        const since = Number(url.searchParams.get("since") ?? "0");
        if (!Number.isInteger(since) || since < 0) return { status: 400, body: { error: "since must be an integer >= 0" } };
        return { status: 200, body: svc.calls.since(since) };
      }
      case "GET faults":
        return { status: 200, body: svc.faults };
      case "PUT faults":
        svc.faults = mergeFaults(svc.faults, parseJson(body));
        return { status: 200, body: svc.faults };
      case "GET limits":
        return { status: 200, body: svc.rateLimit };
      case "PUT limits":
        svc.rateLimit = mergeRateLimit(svc.rateLimit, parseJson(body));
        return { status: 200, body: svc.rateLimit };
      case "GET state":
        await svc.state.commits.barrier();
        return { status: 200, body: JSON.parse(svc.state.snapshot()) as unknown };
      case "GET fabric":
        return await fabric(svc, url, signal);
      default:
        return { status: 404, body: { error: `no harness endpoint ${method} ${url.pathname}` } };
    }
  } catch (e: unknown) {
    if (e instanceof SyntaxError || (isHarnessError(e) && e.kind === "invalid-argument")) return { status: 400, body: { error: errorMessage(e) } };
    throw e;
  }
}
