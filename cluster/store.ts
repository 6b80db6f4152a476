// The in-memory API server: pods, nodes, SecurityGroupPolicies and events with watch, admission
// hooks on create, UID-guarded updates and one resourceVersion counter bumped on every change.

import { randomUUID } from "node:crypto";
import type { Clock } from "../common/clock.js";
import { createEventLog } from "./event-log.js";
import { createNodeAndPolicyStore } from "./objects.js";
import { createPodStore } from "./pods.js";
import type { ClusterStore } from "./types.js";

export interface ClusterStoreDeps {
  clock: Clock;
  /** Pod uid generator for pods created without one (default: random UUID; pass a counter for replayable runs). */
  newUid?: () => string;
  /** Called when a watcher throws (the other watchers still run). */
  onWatchError?: (e: unknown) => void;
}

export function createClusterStore(deps: ClusterStoreDeps): ClusterStore {
  let revision = 0;
  const bump = (): number => ++revision;
  const events = createEventLog(deps.clock, deps.onWatchError, bump);
  const pods = createPodStore({
    clock: deps.clock,
    newUid: deps.newUid ?? randomUUID,
    bump,
    recordEvent: events.recordEvent,
    ...(deps.onWatchError === undefined ? {} : { onWatchError: deps.onWatchError }),
  });
  return { ...pods, ...createNodeAndPolicyStore(bump), ...events };
}
