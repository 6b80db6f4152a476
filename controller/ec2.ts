// The fake EC2 as its clients see it: each client (the controller's, 12 QPS burst 18; one per
// node for ipamd) has its own token bucket in front of the shared service, every call takes the
// configured latency, is retried like the SDK's standard retryer, may meet a server-side fault,
// and lands in one call log.

import { pushBounded } from "../common/bounded.js";
import type { Clock } from "../common/clock.js";
import { createEc2Service, Ec2Error, isEc2Error } from "./ec2-service.js";
import type { Ec2Service } from "./ec2-service.js";
import { createTokenBucket } from "./ratelimit.js";
import type { TokenBucket } from "./ratelimit.js";
import { chance } from "./rng.js";
import type { Ec2Action, Ec2CallRecord, Ec2Config, FakeEc2, Rng } from "./types.js";

export { Ec2Error, isEc2Error };

export interface FakeEc2Deps {
  clock: Clock;
  rng: Rng;
}

/** The controller's client name in the call log (its Kubernetes component name). */
export const CONTROLLER_CLIENT = "vpc-resource-controller";
/** The controller's second client in the "split" model (AssociateTrunkInterface). */
export const INSTANCE_CLIENT = "vpc-resource-controller/instance";

/** Codes the SDK's standard retryer retries: throttling and server errors. */
const RETRYABLE = new Set(["RequestLimitExceeded", "InternalError", "Unavailable"]);
/** aws-sdk-go-v2 standard retryer: full-jitter exponential back-off, 2^attempt s capped at 20 s. */
const MAX_RETRY_BACKOFF_MS = 20_000;

interface Shared {
  clock: Clock;
  rng: Rng;
  config: Ec2Config;
  svc: Ec2Service;
  log: Ec2CallRecord[];
}

export function createFakeEc2(deps: FakeEc2Deps, config: Ec2Config): FakeEc2 {
  const shared: Shared = { clock: deps.clock, rng: deps.rng, config, svc: createEc2Service(deps.rng, config), log: [] };
  return makeClient(shared, CONTROLLER_CLIENT, createTokenBucket(deps.clock, config.qps, config.burst));
}

function makeClient(s: Shared, name: string, bucket: TokenBucket | undefined): FakeEc2 {
  const { clock, rng, config, svc } = s;

  /** One HTTP attempt: token, latency, injected fault, then the state change. */
  async function attempt<T>(action: Ec2Action, n: number, eniId: string, signal: AbortSignal | undefined, body: () => T): Promise<T> {
    const rec: { -readonly [K in keyof Ec2CallRecord]: Ec2CallRecord[K] } = {
      client: name, action, attempt: n, requestedAt: clock.now(), startedAt: 0, endedAt: 0, errorCode: "", eniId,
    };
    pushBounded(s.log, rec, config.callLogLimit);
    const wait = bucket?.reserve() ?? 0;
    if (wait > 0) await clock.sleep(wait, signal);
    rec.startedAt = clock.now();
    if (config.callLatencyMs > 0) await clock.sleep(config.callLatencyMs, signal);
    rec.endedAt = clock.now();
    try {
      if (chance(rng, svc.faults.throttleRate)) throw new Ec2Error("RequestLimitExceeded", "Request limit exceeded.");
      if (chance(rng, svc.faults.failureRate)) throw new Ec2Error("InternalError", "An internal error has occurred.");
      const out = body();
      if (rec.eniId === "" && typeof out === "object" && out !== null && "eniId" in out) rec.eniId = String(out.eniId);
      return out;
    } catch (e) {
      rec.errorCode = isEc2Error(e) ? e.code : "ClientError";
      throw e;
    }
  }

  /** A call as the SDK makes it: up to maxAttempts attempts for retryable errors. */
  async function call<T>(action: Ec2Action, eniId: string, signal: AbortSignal | undefined, body: () => T): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(action, n, eniId, signal, body);
      } catch (e) {
        if (!isEc2Error(e) || !RETRYABLE.has(e.code) || n >= config.maxAttempts) throw e;
        await clock.sleep(rng.next() * Math.min(MAX_RETRY_BACKOFF_MS, 1000 * 2 ** n), signal);
      }
    }
  }

  return {
    launchInstance: (nodeName, secondaryIpCount) => svc.launchInstance(nodeName, secondaryIpCount),
    createNetworkInterface: (req, signal) => call("CreateNetworkInterface", "", signal, () => svc.create(req)),
    createNetworkInterfacePermission: (eniId, signal) => call("CreateNetworkInterfacePermission", eniId, signal, () => svc.permission(eniId)),
    associateTrunkInterface: (req, signal) => call("AssociateTrunkInterface", req.branchEniId, signal, () => svc.associate(req)),
    attachNetworkInterface: (req, signal) => call("AttachNetworkInterface", req.eniId, signal, () => svc.attach(req)),
    detachNetworkInterface: (eniId, signal) => call("DetachNetworkInterface", eniId, signal, () => svc.detach(eniId)),
    deleteNetworkInterface: (eniId, signal) => call("DeleteNetworkInterface", eniId, signal, () => svc.remove(eniId)),
    describe: (eniId) => svc.describe(eniId),
    list: (filter) => svc.list(filter),
    tagPod: (eniId, pod, state) => svc.tagPod(eniId, pod, state),
    callLog: () => s.log,
    setFaults(f) {
      svc.faults = Object.freeze({ ...svc.faults, ...f });
      return svc.faults;
    },
    getFaults: () => svc.faults,
    client: (clientName, limit) => makeClient(s, clientName, limit === undefined ? undefined : createTokenBucket(clock, limit.qps, limit.burst)),
  };
}
