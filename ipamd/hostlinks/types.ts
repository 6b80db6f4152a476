// Host links: the stand-in for an attached ENI on this host (a real node sees each attached ENI as
// a NIC carrying the ENI's MAC; ipamd finds the trunk's by MAC and sends its ifindex as
// ParentIfIndex). This kernel has no dummy links, so each is the host end of a veth pair.

import { HarnessError } from "../../common/errors.js";

export interface HostLinkRequest {
  readonly eniId: string;
  readonly mac: string;
  readonly deviceNumber: number;
  readonly isTrunk: boolean;
}

export interface HostLink extends HostLinkRequest {
  /** The link that stands for the ENI (e.g. mh-eni1, mh-trunk2): macvlan/VLAN children sit on it. */
  readonly name: string;
  /** The other end of the veth pair (name + "p"); removing one end removes both. */
  readonly peerName: string;
  /** ifindex of `name` (ParentIfIndex for the trunk); 0 when host links are off. */
  readonly ifIndex: number;
}

export interface HostLinks {
  /** False for the no-op implementation (non-root, or turned off). */
  readonly enabled: boolean;
  /** Why it is disabled, or what it does. */
  readonly description: string;
  /** Creates the ENI's link, or adopts an existing one of the same name and MAC (e.g. from the previous run). */
  ensure(req: HostLinkRequest, signal?: AbortSignal): Promise<HostLink>;
  /** Removes the ENI's link; no error when it is already gone. */
  remove(eniId: string, signal?: AbortSignal): Promise<void>;
  /** Removes every link this instance created (shutdown). */
  removeAll(signal?: AbortSignal): Promise<void>;
  /**
   * Removes links of this prefix that this instance has not ensured (left by an earlier run);
   * returns their names. Call it at start-up AFTER ensuring the links of the ENIs known then (the
   * trunk's above all): ensure adopts an existing link with the same name and MAC, so its ifindex
   * (ParentIfIndex) and the branch pods' links on it survive a daemon restart, like a real NIC.
   */
  cleanStale(signal?: AbortSignal): Promise<string[]>;
  get(eniId: string): HostLink | undefined;
  list(): HostLink[];
}

/** Default name prefix: keeps our links apart from a real host's (eth*, ens*, eni*). */
export const DEFAULT_HOST_LINK_PREFIX = "mh-";
const IFNAMSIZ = 15;

/** Link names for an ENI: `<prefix>eni<d>` or `<prefix>trunk<d>`, peer + "p"; at most 15 chars. */
export function hostLinkNames(prefix: string, deviceNumber: number, isTrunk: boolean): { name: string; peerName: string } {
  const name = `${prefix}${isTrunk ? "trunk" : "eni"}${deviceNumber}`;
  const peerName = `${name}p`;
  if (peerName.length > IFNAMSIZ) {
    throw new HarnessError("invalid-config", `host link name "${peerName}" is longer than ${IFNAMSIZ} characters; use a shorter prefix than "${prefix}"`);
  }
  return { name, peerName };
}

/** Checks a prefix once at the edge: letters, digits, '-', '_', '.', short enough for trunk names. */
export function validatePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(prefix)) {
    throw new HarnessError("invalid-config", `host link prefix "${prefix}" must be letters, digits, '-', '_' or '.'`);
  }
  hostLinkNames(prefix, 99, true);
  return prefix;
}

/** Matches the names this prefix produces (host ends and peers). */
export function ownedNamePattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  return new RegExp(`^${escaped}(?:eni|trunk)\\d+p?$`);
}
