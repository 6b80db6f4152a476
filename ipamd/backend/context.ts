// The backend's resolved dependencies and mutable run-time knobs, shared by add.ts and del.ts.

import type { FailureClass } from "../../cluster/k8s/event.js";
import type { AddFailureReason, BackendDeps, BackendMetrics } from "./types.js";

export interface BackendState {
  branchWaitMs: number;
  down: boolean;
}

export type Ctx = Required<Omit<BackendDeps, "branchWaitMs" | "events">> & Pick<BackendDeps, "events"> & { state: BackendState };

const noMetrics: BackendMetrics = {
  addRequest: () => {},
  delRequest: () => {},
  addFailure: () => {},
  podEniError: () => {},
  branchWait: () => {},
};

export function resolveDeps(deps: BackendDeps): Ctx {
  return {
    datastore: deps.datastore,
    pods: deps.pods,
    ...(deps.events === undefined ? {} : { events: deps.events }),
    node: deps.node,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics ?? noMetrics,
    recordFailureEvents: deps.recordFailureEvents ?? true,
    branchProgress: deps.branchProgress ?? (() => undefined),
    state: { branchWaitMs: deps.branchWaitMs ?? 0, down: false },
  };
}

/** Only a branch ENI that is still being provisioned clears by itself (docs/ARCHITECTURE.md, classification). */
export function classify(reason: AddFailureReason): FailureClass {
  return reason === "branch-eni-not-ready" ? "transient-expected" : "real";
}
