// mock-ipamd's AddNetwork/DelNetwork logic, callable in-process: createBackend(deps) with the
// datastore, cluster store, node, clock, log and metrics injected; no gRPC, process or env here.

import { HarnessError } from "../../common/errors.js";
import { MAX_TIMER_MS as MAX_DELAY_MS } from "../../common/clock.js";
import { addNetwork } from "./add.js";
import { resolveDeps } from "./context.js";
import { delNetwork } from "./del.js";
import type { Backend, BackendDeps } from "./types.js";

export type {
  AddFailure,
  AddFailureReason,
  AddNetworkResult,
  Backend,
  BackendDeps,
  BackendLog,
  BackendMetrics,
  IpAssignment,
  IpDatastore,
  LeaseKey,
  LeaseMeta,
  NodeInfo,
  NodePods,
} from "./types.js";
export { NO_BRANCH_TEXT, NO_IP_TEXT } from "./add.js";
export { UNKNOWN_POD_TEXT } from "./del.js";
export { parseBranchAnnotation, subnetGateway } from "./annotation.js";
export type { BranchEni } from "./annotation.js";
export { classify } from "./context.js";
export { durableIpDatastore } from "./durable-port.js";

export function createBackend(deps: BackendDeps): Backend {
  const ctx = resolveDeps(deps);
  return {
    addNetwork: (req, signal) => addNetwork(ctx, req, signal),
    delNetwork: (req, signal) => delNetwork(ctx, req, signal),
    setBranchWait(ms) {
      // At most one timer's reach (MAX_DELAY_MS): a longer wait would end after 1 ms, not bounded.
      if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DELAY_MS) {
        throw new HarnessError("invalid-argument", `branch wait must be a duration from 0 to ${MAX_DELAY_MS} ms, got ${ms}`);
      }
      ctx.state.branchWaitMs = ms;
    },
    branchWaitMs: () => ctx.state.branchWaitMs,
    setDown(down) {
      ctx.state.down = down;
    },
    isDown: () => ctx.state.down,
  };
}
