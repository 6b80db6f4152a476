// One @aws-sdk/client-ec2 client behind the harness's rules: an endpoint override and static
// credentials (any access key works against mock-ec2; it names the caller in its call log), the
// SDK's standard retryer, a deadline and the caller's AbortSignal on every call (retries included),
// an optional client-side token bucket per HTTP attempt (as the VPC resource controller's rate
// limited client, docs/REFERENCE.md §1), a bounded per-attempt call log, and every error turned into
// an Ec2Error (EC2's code, message, status) or a HarnessError (deadline, unreachable).

import { AsyncLocalStorage } from "node:async_hooks";
import type { EC2Client } from "@aws-sdk/client-ec2";
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

type Sdk = typeof import("@aws-sdk/client-ec2");

/** The input of the SDK's `<action>Command` (e.g. DescribeInstancesCommandInput for "DescribeInstances"). */
export type CommandInput<A extends string> = `${A}Command` extends keyof Sdk
  ? Sdk[`${A}Command`] extends abstract new (...args: infer P) => unknown ? P[0] : never
  : never;

/** An SDK command not built yet: its class comes from the SDK when the call is sent (loadSdk). */
export interface Ec2Command {
  readonly action: string;
  readonly input: object;
}

/** The command `<action>Command` with this input; the action name picks the SDK's class. */
export function command<A extends string>(action: A, input: CommandInput<A>): Ec2Command {
  return { action, input: input as object };
}

/** What one SDK command needs to be sent: the command and, for the log, the ENI it is about. */
export interface Ec2Call {
  readonly command: Ec2Command;
  readonly eniId?: string;
}

// The SDK is imported at the first call, not with this module: loading @aws-sdk/client-ec2 costs
// about 0.5 s of CPU, which every command of the CLI paid at start-up (it reaches this module
// through the cluster commands and the actors' entry points), most of them never calling EC2.
let sdkModule: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdkModule ??= import("@aws-sdk/client-ec2"));

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
  const bucket: TokenBucket | undefined = o.rateLimit === undefined ? undefined : createTokenBucket(clock, o.rateLimit.qps, o.rateLimit.burst);
  const log: Ec2ClientCall[] = [];
  const signals = new AsyncLocalStorage<AbortSignal>();
  const attempts = new WeakMap<object, number>();

  let built: EC2Client | undefined;
  let building: Promise<{ sdk: EC2Client; m: Sdk }> | undefined;
  const client = (): Promise<{ sdk: EC2Client; m: Sdk }> => (building ??= loadSdk().then((m) => {
    built = new m.EC2Client({
      endpoint: o.endpoint, region, maxAttempts: o.maxAttempts ?? 3, retryMode: "standard",
      credentials: { accessKeyId: name, secretAccessKey: o.secretAccessKey ?? "mock-ec2-secret" },
    });
    logAttempts(built);
    return { sdk: built, m };
  }));

  // Inside the retry middleware: runs once per HTTP attempt.
  const logAttempts = (sdk: EC2Client): void => void sdk.middlewareStack.add(
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
        const sent = client().then(({ sdk, m }) => {
          ac.signal.throwIfAborted();
          const { action: a, input } = call.command;
          const Command = (m as unknown as Record<string, (new (input: object) => object) | undefined>)[`${a}Command`];
          if (Command === undefined) throw new HarnessError("internal", `EC2 ${a}: the SDK has no ${a}Command`);
          return signals.run(ac.signal, () => sdk.send(new Command(input) as never, { abortSignal: ac.signal }) as unknown as Promise<O>);
        });
        return await Promise.race([sent, rejectOnAbort(ac.signal)]);
      } catch (e: unknown) {
        throw toError(action, o.endpoint, e, ac.signal);
      } finally {
        timer.cancel();
        signal?.removeEventListener("abort", onAbort);
      }
    },
    callLog: () => log,
    destroy: () => built?.destroy(),
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

