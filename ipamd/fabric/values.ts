// Checks and normalizes the values the fabric puts on command lines: IPv4 addresses (dotted quad,
// re-printed from their number), MACs and link names. Anything else is refused with a HarnessError.

import { HarnessError } from "../../common/errors.js";
import { intToIp, ipToInt, parseCidr } from "../../common/ipv4.js";

export function ipv4(text: string, what: string): string {
  try {
    return intToIp(ipToInt(text));
  } catch {
    throw new HarnessError("invalid-argument", `${what}: "${text.slice(0, 64)}" is not an IPv4 address`);
  }
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export function mac(text: string, what: string): string {
  const m = text.toLowerCase();
  if (!MAC.test(m)) throw new HarnessError("invalid-argument", `${what}: "${text.slice(0, 64)}" is not a MAC address`);
  return m;
}

/** IFNAMSIZ - 1 characters, none of which iproute2 or a shell could read as syntax. */
const LINK = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** Also --fabric-uplink's usage check (config/resolve.ts), so both refuse the same names. */
export const isLinkName = (text: string): boolean => LINK.test(text);

export function linkName(text: string, what: string): string {
  if (!isLinkName(text)) throw new HarnessError("invalid-argument", `${what}: "${text.slice(0, 64)}" is not a link name`);
  return text;
}

/** The subnet gateway EC2 reports (PodENISubnetGW): the block's base address + 1. */
export function subnetGateway(cidr: string, what: string): string {
  try {
    return intToIp(parseCidr(cidr, { minBits: 8, maxBits: 28 }).base + 1);
  } catch {
    throw new HarnessError("invalid-argument", `${what}: "${cidr.slice(0, 64)}" is not a subnet CIDR`);
  }
}
