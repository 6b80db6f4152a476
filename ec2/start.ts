// Wires the fake EC2: the state (opened or made, durable before anything is answered), the service
// (rate limit, faults, call log) and the HTTP listener; logs "ready" with the actual endpoint, and
// shuts down by closing the listener and letting the writes in flight finish.

import { mkdirSync } from "node:fs";
import type { Clock } from "../common/clock.js";
import { systemClock } from "../common/clock.js";
import { HarnessError, errorMessage } from "../common/errors.js";
import type { MockEc2Config } from "./config.js";
import type { Logger } from "./log.js";
import { announce } from "./log.js";
import type { VpcSpec } from "./model/types.js";
import { startHttp } from "./server/http.js";
import { Ec2Service } from "./server/service.js";
import { StateHolder } from "./server/state.js";

export interface RunningMockEc2 {
  readonly endpoint: string;
  readonly service: Ec2Service;
  /** Stop accepting, finish in-flight requests and writes. Idempotent. */
  close(): Promise<void>;
}

export async function startMockEc2(config: MockEc2Config, deps: { log: Logger; clock?: Clock }): Promise<RunningMockEc2> {
  const clock = deps.clock ?? systemClock;
  ensureDir(config.stateDir);
  const state = await StateHolder.open({ stateDir: config.stateDir, spec: config.spec, seed: config.seed, now: () => clock.now() });
  if (state.restored && config.vpcFromFlags) checkSameVpc(state, config.spec);
  const service = new Ec2Service(state, { clock, log: deps.log }, { rateLimit: config.rateLimit, callLogSize: config.callLogSize, seed: config.seed });
  const http = await startHttp(service, { host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes }, (e) =>
    deps.log.error({ err: errorMessage(e) }, "HTTP handler failed"));
  const m = state.model;
  announce(deps.log, {
    endpoint: http.endpoint, stateDir: config.stateDir, restored: state.restored, region: m.region, vpcId: m.vpc.vpcId,
    subnets: [...m.subnets.values()].map((s) => ({ subnetId: s.subnetId, cidr: s.cidr, availabilityZone: s.availabilityZone })),
    rateLimit: service.rateLimit,
  }, "ready");
  let closing: Promise<void> | undefined;
  return {
    endpoint: http.endpoint,
    service,
    close() {
      closing ??= (async () => {
        service.changes.close();
        await http.close();
        await state.commits.flush();
        announce(deps.log, {}, "stopped");
      })();
      return closing;
    },
  };
}

/** Fails early, naming the flag, when the state dir cannot be made (e.g. /var/lib as non-root). */
function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new HarnessError("invalid-config", `--state-dir: cannot create ${dir}: ${errorMessage(e)}`, {
      details: "as non-root, pass --state-dir with a directory you own",
    });
  }
}

/** A restart with explicit --vpc-cidr/--subnet must name the VPC the state dir already holds. */
function checkSameVpc(state: StateHolder, spec: VpcSpec): void {
  const m = state.model;
  const have = [...m.subnets.values()].map((s) => `${s.cidr}@${s.availabilityZone}`).sort();
  const want = spec.subnets.map((s) => `${s.cidr}@${s.availabilityZone}`).sort();
  if (m.vpc.cidrs[0] !== spec.vpcCidr || have.join(",") !== want.join(",")) {
    throw new HarnessError("invalid-config", `${state.file.path} holds the VPC ${m.vpc.cidrs[0]} with subnets ${have.join(", ")}, not ${spec.vpcCidr} with ${want.join(", ")}`, {
      details: "restart without --vpc-cidr/--subnet to keep that VPC, or use another --state-dir for a new one",
    });
  }
}
