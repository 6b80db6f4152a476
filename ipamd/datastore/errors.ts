// The datastore's error strings, exactly as the real ipamd's (docs/REFERENCE.md §4), and constants.

import { HarnessError } from "../../common/errors.js";
import type { LeaseKey } from "./types.js";
import { leaseKeyString } from "./types.js";

/** pkg/ipamd/datastore ErrNoAvailableIPInDataStore, the v1.20+ text (docs/REFERENCE.md §4): no free IP on any ENI. */
export const NO_AVAILABLE_IP_MSG = "AssignPodIPAddress: no available IP/Prefix addresses";
/** pkg/ipamd/datastore ErrUnknownPod: release of a key that holds no lease. */
export const UNKNOWN_POD_MSG = "datastore: unknown pod";

/** IP_COOLDOWN_PERIOD default (30 s): a released IP is not handed out again before this. */
export const DEFAULT_IP_COOLDOWN_MS = 30_000;
/** The main routing table; the primary ENI (device 0) routes through it (rpc_handler sends 254). */
export const MAIN_ROUTE_TABLE = 254;

/** Device d uses table d + 1; the primary ENI (device 0) uses main. Branch pods: see the backend. */
export function routeTableFor(deviceNumber: number): number {
  return deviceNumber === 0 ? MAIN_ROUTE_TABLE : deviceNumber + 1;
}

export function noAvailableIp(key: LeaseKey, details: string): HarnessError {
  return new HarnessError("exhausted", NO_AVAILABLE_IP_MSG, {
    details: `no free IPv4 address for ${leaseKeyString(key)}: ${details}`,
  });
}

export function unknownPod(key: LeaseKey): HarnessError {
  return new HarnessError("not-found", UNKNOWN_POD_MSG, {
    details: `no lease for network ${key.networkName}, container ${key.containerID}, interface ${key.ifName}`,
  });
}

export function isNoAvailableIp(e: unknown): boolean {
  return e instanceof HarnessError && e.message === NO_AVAILABLE_IP_MSG;
}

export function isUnknownPod(e: unknown): boolean {
  return e instanceof HarnessError && e.message === UNKNOWN_POD_MSG;
}
