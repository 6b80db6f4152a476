// Private IPv4 addresses, unique across the whole VPC (docs/REFERENCE.md §9): one index from address
// to the ENI that holds it, and per subnet the lowest free usable address. AWS reserves the first
// four addresses of every subnet (network, router, DNS, future use) and the last (broadcast).

import type { Cidr } from "../../common/ipv4.js";
import { cidrContains, intToIp, ipToInt, parseCidr } from "../../common/ipv4.js";

/** Addresses AWS keeps back in every subnet. */
export const RESERVED_PER_SUBNET = 5;

export class AddressBook {
  /** Address (as a number) -> ENI id, for every address assigned anywhere in the VPC. */
  readonly #owner = new Map<number, string>();
  readonly #subnets = new Map<string, { cidr: Cidr; used: number; hint: number }>();

  addSubnet(subnetId: string, cidr: string): void {
    const c = parseCidr(cidr);
    this.#subnets.set(subnetId, { cidr: c, used: 0, hint: c.base + 4 });
  }

  /** The subnet's usable size minus what is assigned (DescribeSubnets availableIpAddressCount). */
  available(subnetId: string): number {
    const s = this.#subnet(subnetId);
    return s.cidr.size - RESERVED_PER_SUBNET - s.used;
  }

  ownerOf(ip: string): string | undefined {
    return this.#owner.get(ipToInt(ip));
  }

  /** True when ip is a usable (not reserved) address of the subnet. */
  usableIn(subnetId: string, ip: string): boolean {
    const { cidr } = this.#subnet(subnetId);
    const n = ipToInt(ip);
    return cidrContains(cidr, n) && n >= cidr.base + 4 && n <= cidr.base + cidr.size - 2;
  }

  /** The n lowest free usable addresses of the subnet, not yet claimed; undefined when fewer are free. */
  pick(subnetId: string, n: number): string[] | undefined {
    const s = this.#subnet(subnetId);
    if (n > this.available(subnetId)) return undefined;
    const out: string[] = [];
    const last = s.cidr.base + s.cidr.size - 2;
    for (let a = s.hint; out.length < n && a <= last; a++) if (!this.#owner.has(a)) out.push(intToIp(a));
    return out.length === n ? out : undefined;
  }

  claim(subnetId: string, ip: string, eniId: string): void {
    const s = this.#subnet(subnetId);
    const n = ipToInt(ip);
    if (this.#owner.has(n)) throw new Error(`address ${ip} is already held by ${this.#owner.get(n)}`);
    this.#owner.set(n, eniId);
    s.used++;
    // Everything below the hint is taken; move it past a run of taken addresses.
    while (this.#owner.has(s.hint)) s.hint++;
  }

  release(subnetId: string, ip: string): void {
    const s = this.#subnet(subnetId);
    const n = ipToInt(ip);
    if (!this.#owner.delete(n)) return;
    s.used--;
    if (n < s.hint) s.hint = n;
  }

  #subnet(subnetId: string): { cidr: Cidr; used: number; hint: number } {
    const s = this.#subnets.get(subnetId);
    if (s === undefined) throw new Error(`unknown subnet ${subnetId}`);
    return s;
  }
}
