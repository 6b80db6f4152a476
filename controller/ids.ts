// Identities the fake EC2 hands out: ENI ids (`eni-` + 17 hex), unique MACs, association ids, and
// private IPs from a subnet with AWS's reserved addresses (first four and the last) skipped.

import { HarnessError } from "../common/errors.js";
import { intToIp, ipToInt } from "../common/ipv4.js";
import { hexDigits } from "./rng.js";
import type { Rng } from "./types.js";

export { intToIp, ipToInt };

export interface SubnetPool {
  readonly cidr: string;
  /** The lowest free usable address, or undefined when the subnet is full. */
  allocate(): string | undefined;
  release(ip: string): void;
  free(): number;
}

export function createSubnetPool(cidr: string): SubnetPool {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  const bits = m === null ? NaN : Number(m[2]);
  if (m === null || !(bits >= 8 && bits <= 28)) throw new HarnessError("invalid-config", `subnet "${cidr}" must be an IPv4 CIDR from /8 to /28`);
  const size = 2 ** (32 - bits);
  const base = (ipToInt(m[1] as string) & ~(size - 1)) >>> 0;
  // AWS reserves the network address, +1 (router), +2 (DNS), +3 (future) and the broadcast address.
  const first = base + 4;
  const last = base + size - 2;
  const used = new Set<number>();
  let cursor = first;
  return {
    cidr: `${intToIp(base)}/${bits}`,
    allocate() {
      if (used.size >= last - first + 1) return undefined;
      // Lowest free from the cursor; the cursor only moves back when something below it is freed.
      while (used.has(cursor)) cursor = cursor >= last ? first : cursor + 1;
      used.add(cursor);
      return intToIp(cursor);
    },
    release(ip) {
      const n = ipToInt(ip);
      if (used.delete(n) && n < cursor) cursor = n;
    },
    free: () => last - first + 1 - used.size,
  };
}

/** Unique ids drawn from the RNG (deterministic for a seed). */
export function createIdSource(rng: Rng): { eniId(): string; mac(): string; associationId(): string } {
  const seen = new Set<string>();
  const unique = (make: () => string): string => {
    for (;;) {
      const v = make();
      if (!seen.has(v)) {
        seen.add(v);
        return v;
      }
    }
  };
  const byte = (): string => Math.floor(rng.next() * 256).toString(16).padStart(2, "0");
  return {
    eniId: () => unique(() => `eni-${hexDigits(rng, 17)}`),
    // 02: locally administered unicast, as EC2's ENI MACs are (0x02 bit set, multicast bit clear).
    mac: () => unique(() => `02:${byte()}:${byte()}:${byte()}:${byte()}:${byte()}`),
    associationId: () => unique(() => `trunk-assoc-${hexDigits(rng, 17)}`),
  };
}
