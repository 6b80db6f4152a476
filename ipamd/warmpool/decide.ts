// The warm pool's pure decision: attach an ENI, detach one, or do nothing, following the real
// ipamd (pkg/ipamd/ipamd.go: isDatastorePoolTooLow, datastoreTargetState, hasRoomForEni,
// shouldRemoveExtraENIs, RemoveUnusedENIFromStore). One simplification: an ENI is always attached
// with all its secondary IPs (ipamd's default WARM_ENI_TARGET behaviour); with WARM_IP_TARGET the
// real ipamd would add and free single IPs, here the pool grows and shrinks by whole ENIs.
// Branch pods never enter this: their IPs live on branch ENIs, outside the datastore.

import type { DatastoreStats, EniInfo } from "../datastore/index.js";
import { availableAddresses } from "../datastore/index.js";
import type { InstanceLimits } from "../../common/limits.js";
import { maxPods, secondaryIpsPerEni } from "../../common/limits.js";
import type { WarmPoolConfig } from "./config.js";
import { ipTargetsDefined } from "./config.js";

/** ipamd keeps a new ENI at least this long before it may be freed (minENILifeTime). */
export const MIN_ENI_LIFETIME_MS = 60_000;

export interface PoolInput {
  readonly stats: DatastoreStats;
  readonly enis: readonly EniInfo[];
  readonly limits: InstanceLimits;
  readonly config: WarmPoolConfig;
  /** ENABLE_POD_ENI: a trunk ENI takes (or will take) one ENI slot. */
  readonly podEniEnabled: boolean;
  readonly now: number;
  readonly minEniLifetimeMs?: number;
}

export type PoolDecision =
  | { readonly action: "attach"; readonly ipCount: number; readonly reason: string }
  | { readonly action: "detach"; readonly eniId: string; readonly reason: string }
  | { readonly action: "none"; readonly reason: string };

/** short/over in IPs versus WARM_IP_TARGET and MINIMUM_IP_TARGET (datastoreTargetState). */
export function ipTargetState(stats: DatastoreStats, config: WarmPoolConfig): { short: number; over: number } {
  const available = availableAddresses(stats);
  let short = Math.max(config.warmIpTarget - available, 0);
  short = Math.max(short, config.minimumIpTarget - stats.totalIps);
  let over = Math.max(available - config.warmIpTarget, 0);
  over = Math.max(Math.min(over, stats.totalIps - config.minimumIpTarget), 0);
  return { short, over };
}

/** hasRoomForEni: ENIs (trunk included, or reserved when pod ENI is on) below the instance maximum. */
export function hasRoomForEni(input: Pick<PoolInput, "stats" | "limits" | "podEniEnabled">): boolean {
  const trunkSlot = input.stats.trunkAttached || input.podEniEnabled ? 1 : 0;
  return input.stats.enis + trunkSlot < input.limits.maxEnis;
}

export function decide(input: PoolInput): PoolDecision {
  const low = poolTooLow(input);
  if (low !== undefined) {
    if (!hasRoomForEni(input)) return { action: "none", reason: `${low}, but the instance has no room for another ENI` };
    return { action: "attach", ipCount: secondaryIpsPerEni(input.limits), reason: low };
  }
  const high = surplus(input);
  if (high !== undefined) return high;
  return { action: "none", reason: "pool at target" };
}

/** Why the pool is too low, or undefined (isDatastorePoolTooLow). */
function poolTooLow(input: PoolInput): string | undefined {
  const { stats, config, limits } = input;
  const pods = maxPods(limits);
  if (stats.totalIps >= pods) return undefined;
  const available = availableAddresses(stats);
  if (ipTargetsDefined(config)) {
    const { short } = ipTargetState(stats, config);
    return short > 0
      ? `short of ${short} IPs (available ${available}, WARM_IP_TARGET ${config.warmIpTarget}, MINIMUM_IP_TARGET ${config.minimumIpTarget}, total ${stats.totalIps})`
      : undefined;
  }
  const perEni = secondaryIpsPerEni(limits);
  const target = config.warmEniTarget;
  if (available < perEni * target || (target === 0 && available === 0)) {
    return `available IPs ${available} < WARM_ENI_TARGET ${target} x ${perEni} IPs per ENI`;
  }
  return undefined;
}

/** A detach decision when an unused ENI is beyond the targets, else undefined. */
function surplus(input: PoolInput): PoolDecision | undefined {
  const { stats, config, limits } = input;
  const available = availableAddresses(stats);
  let maxFreeable: number;
  let why: string;
  if (ipTargetsDefined(config)) {
    const { over } = ipTargetState(stats, config);
    maxFreeable = over;
    why = `${over} IPs over WARM_IP_TARGET ${config.warmIpTarget} / MINIMUM_IP_TARGET ${config.minimumIpTarget}`;
  } else {
    const perEni = secondaryIpsPerEni(limits);
    // shouldRemoveExtraENIs: the +1 keeps WARM_ENI_TARGET whole ENIs after the removal.
    if (available < (config.warmEniTarget + 1) * perEni) return undefined;
    // What stays free after the removal must not make the pool "too low" again at once; with
    // WARM_ENI_TARGET 0 ipamd would otherwise free and re-attach an ENI every minENILifeTime.
    maxFreeable = config.warmEniTarget === 0 ? available - 1 : available - config.warmEniTarget * perEni;
    why = `available IPs ${available} >= (WARM_ENI_TARGET ${config.warmEniTarget} + 1) x ${perEni}`;
  }
  const eni = removableEni(input, maxFreeable);
  return eni === undefined ? undefined : { action: "detach", eniId: eni.eniId, reason: why };
}

/** RemoveUnusedENIFromStore: not primary, not trunk, no IP assigned or cooling down, old enough. */
export function removableEni(input: PoolInput, maxFreeable: number): EniInfo | undefined {
  const lifetime = input.minEniLifetimeMs ?? MIN_ENI_LIFETIME_MS;
  const candidates = input.enis.filter(
    (e) =>
      !e.isPrimary &&
      !e.isTrunk &&
      e.ips.length <= maxFreeable &&
      input.now - e.attachedAt >= lifetime &&
      e.ips.every((s) => s.state.kind === "free" || (s.state.kind === "cooldown" && s.state.until <= input.now)),
  );
  // The highest device first, so the pool shrinks from the end like it grew.
  return candidates.sort((a, b) => b.deviceNumber - a.deviceNumber)[0];
}
