// The datastore's internal records and the small pure helpers over them.

import type { EniSpec, IpState, LeaseKey } from "./types.js";

export interface EniRecord {
  readonly spec: EniSpec;
  readonly attachedAt: number;
  readonly ips: Map<string, IpState>;
}

export const FREE: IpState = Object.freeze({ kind: "free" });

/** Free, or out of its cooldown; "releasing" (release not durable yet) is not. */
export function isAssignable(state: IpState, now: number): boolean {
  return state.kind === "free" || (state.kind === "cooldown" && state.until <= now);
}

export function freezeKey(key: LeaseKey): LeaseKey {
  return Object.freeze({ networkName: key.networkName, containerID: key.containerID, ifName: key.ifName });
}

export function freezeSpec(spec: EniSpec): EniSpec {
  return Object.freeze({ ...spec, secondaryIps: Object.freeze([...spec.secondaryIps]) });
}
