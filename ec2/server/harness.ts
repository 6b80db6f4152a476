// The harness's endpoints on the fake EC2 (not EC2 actions, JSON, on their own path):
//   GET /_harness/calls?since=N   the call log after record N (ring buffer; `dropped` counts lost ones)
//   GET /_harness/faults, PUT     throttleRate, failureRate, subnetExhausted (partial updates)
//   GET /_harness/limits, PUT     the account-wide rate limit {qps, burst}; qps 0 = none
//   GET /_harness/state           the durable state document (what ec2-state.json holds)
//   GET /_harness/health          {"ok":true}

import { errorMessage, isHarnessError } from "../../common/errors.js";
import { mergeFaults, mergeRateLimit } from "./knobs.js";
import type { Ec2Service } from "./service.js";

export interface HarnessReply {
  readonly status: number;
  readonly body: unknown;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e: unknown) {
    throw new SyntaxError(`body is not JSON: ${errorMessage(e)}`);
  }
}

export async function handleHarness(svc: Ec2Service, method: string, url: URL, body: string): Promise<HarnessReply> {
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
      default:
        return { status: 404, body: { error: `no harness endpoint ${method} ${url.pathname}` } };
    }
  } catch (e: unknown) {
    if (e instanceof SyntaxError || (isHarnessError(e) && e.kind === "invalid-argument")) return { status: 400, body: { error: errorMessage(e) } };
    throw e;
  }
}
