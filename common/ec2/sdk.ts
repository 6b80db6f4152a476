// One @aws-sdk/client-ec2 client behind the harness's rules: an endpoint override and static
// credentials (any access key works against mock-ec2; it names the caller in its call log), the
// SDK's standard retryer, a deadline and the caller's AbortSignal on every call (retries included),
// an optional client-side token bucket per HTTP attempt (as the VPC resource controller's rate
// limited client, docs/REFERENCE.md §1), a bounded per-attempt call log, and every error turned into
// an Ec2Error (EC2's code, message, status) or a HarnessError (deadline, unreachable).

import { AsyncLocalStorage } from "node:async_hooks";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { systemClock } from "../clock.js";
import { HarnessError, errorMessage } from "../errors.js";
import { createTokenBucket } from "../ratelimit.js";
import type { TokenBucket } from "../ratelimit.js";
import { Ec2Error } from "./errors.js";
import type { Ec2ClientCall } from "./types.js";

export interface Ec2ClientOptions {
  /** The EC2 endpoint, e.g. http://127.0.0.1:4566 (mock-ec2) — the SDK's endpoint override. */
  readonly endpoint: string;
  readonly region?: string;
  /** The access key id: any value works against mock-ec2, where it names the caller ("/" becomes "-"). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** The SDK standard retryer's attempts per call (throttling and 5xx are retried); default 3. */
  readonly maxAttempts?: number;
  /** Deadline of each call, its retries included; default 10 s. */
  readonly callTimeoutMs?: number;
  /** Client-side token bucket per HTTP attempt (reservation: callers wait their turn); none by default. */
  readonly rateLimit?: { readonly qps: number; readonly burst: number };
  /** Attempts kept in callLog(); default 10,000. */
  readonly callLogSize?: number;
}

/** What one SDK command needs to be sent: the command object and, for the log, the ENI it is about. */
export interface Ec2Call {
  /** An @aws-sdk/client-ec2 command object (e.g. new DescribeInstancesCommand({...})). */
  readonly command: object;
  readonly eniId?: string;
}

export interface SdkEc2 {
  readonly name: string;
  readonly endpoint: string;
  readonly region: string;
  /** Sends a command with the deadline and signal; resolves the SDK's output, rejects Ec2Error/HarnessError. */
  send<O>(action: string, call: Ec2Call, signal?: AbortSignal): Promise<O>;
  callLog(): readonly Ec2ClientCall[];
  /** Closes the SDK's sockets. */
  destroy(): void;
}

export const DEFAULT_REGION = "us-west-2";
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export function createSdkEc2(o: Ec2ClientOptions, clock: Clock = systemClock): SdkEc2 {
  const name = (o.accessKeyId ?? "mock-ec2-client").replaceAll("/", "-");
  if (name === "") throw new HarnessError("invalid-config", "EC2 client: the access key id must not be empty");
  const region = o.region ?? DEFAULT_REGION;
  const timeoutMs = o.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const cap = o.callLogSize ?? 10_000;
  const sdk = new EC2Client({
    endpoint: o.endpoint, region, maxAttempts: o.maxAttempts ?? 3, retryMode: "standard",
    credentials: { accessKeyId: name, secretAccessKey: o.secretAccessKey ?? "mock-ec2-secret" },
  });
  const bucket: TokenBucket | undefined = o.rateLimit === undefined ? undefined : createTokenBucket(clock, o.rateLimit.qps, o.rateLimit.burst);
  const log: Ec2ClientCall[] = [];
  const signals = new AsyncLocalStorage<AbortSignal>();
  const attempts = new WeakMap<object, number>();

  // Inside the retry middleware: runs once per HTTP attempt.
  sdk.middlewareStack.add(
    (next, context) => async (args) => {
      const action = (context.commandName ?? "").replace(/Command$/, "");
      const attempt = (attempts.get(context) ?? 0) + 1;
      attempts.set(context, attempt);
      const input = args.input as { NetworkInterfaceId?: unknown; BranchInterfaceId?: unknown };
      const eniId = typeof input.NetworkInterfaceId === "string" ? input.NetworkInterfaceId : typeof input.BranchInterfaceId === "string" ? input.BranchInterfaceId : "";
      const requestedAt = clock.now();
      const wait = bucket?.reserve() ?? 0;
      if (wait > 0) await clock.sleep(wait, signals.getStore());
      const startedAt = clock.now();
      const record = (errorCode: string): void => {
        log.push({ client: name, action, attempt, requestedAt, startedAt, endedAt: clock.now(), errorCode, eniId });
        if (log.length > cap) log.shift();
      };
      try {
        const out = await next(args);
        record("");
        return out;
      } catch (e: unknown) {
        record(typeof (e as { name?: unknown }).name === "string" ? (e as { name: string }).name : "ClientError");
        throw e;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "harnessCallLog" },
  );

  return {
    name, endpoint: o.endpoint, region,
    async send<O>(action: string, call: Ec2Call, signal?: AbortSignal): Promise<O> {
      const ac = new AbortController();
      const onAbort = (): void => ac.abort(signal?.reason);
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
      const timer = clock.setTimer(timeoutMs, () => ac.abort(new HarnessError("deadline", `EC2 ${action} at ${o.endpoint}: no answer within ${timeoutMs} ms`)));
      try {
        const sent = signals.run(ac.signal, () => sdk.send(call.command as never, { abortSignal: ac.signal }) as unknown as Promise<O>);
        return await Promise.race([sent, rejectOnAbort(ac.signal)]);
      } catch (e: unknown) {
        throw toError(action, o.endpoint, e, ac.signal);
      } finally {
        timer.cancel();
        signal?.removeEventListener("abort", onAbort);
      }
    },
    callLog: () => log,
    destroy: () => sdk.destroy(),
  };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The SDK's error as EC2's (code, message, status, request id), or the reason the call was cut. */
function toError(action: string, endpoint: string, e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const meta = (e as { $metadata?: { httpStatusCode?: number; requestId?: string }; $fault?: unknown; name?: unknown }) ?? {};
  if (meta.$metadata?.httpStatusCode !== undefined && typeof meta.name === "string") {
    return new Ec2Error(meta.name, errorMessage(e), { status: meta.$metadata.httpStatusCode, requestId: meta.$metadata.requestId ?? "", cause: e });
  }
  return new HarnessError("unavailable", `EC2 ${action} at ${endpoint}: ${errorMessage(e)}`, { cause: e });
}

