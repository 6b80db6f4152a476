// Network values that cross a process boundary (ipamd's reply, prevResult, netconf): IPv4 addresses
// and prefixes, MACs, VLAN ids, route table ids, ifindexes. Each parser accepts only the canonical
// text form, so what reaches a command plan is exactly what was checked.
import { bad, ok, quote, type Brand, type Parsed } from "./parsed.js";

/** A dotted quad, canonical: four decimal octets without leading zeros. */
export type Ipv4 = Brand<string, "Ipv4">;
/** 1..4094 (802.1Q: 0 and 4095 are reserved). */
export type VlanId = Brand<number, "VlanId">;
/** A kernel route table id, 1..2^32-1 (0 is "unspecified"). */
export type TableId = Brand<number, "TableId">;
/** Six lower-case hex octets joined by ":". */
export type Mac = Brand<string, "Mac">;
/** A link's index, 1..2^31-1. */
export type IfIndex = Brand<number, "IfIndex">;

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_RE = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export function parseIpv4(text: unknown, what = "IPv4 address"): Parsed<Ipv4> {
  return typeof text === "string" && IPV4_RE.test(text) ? ok(text as Ipv4) : bad(`${what} ${quote(text)} is not a dotted-quad IPv4 address`);
}

export interface Ipv4Prefix {
  address: Ipv4;
  length: number;
}

/** "a.b.c.d/n", n in 0..32. */
export function parseIpv4Prefix(text: unknown, what = "IPv4 prefix"): Parsed<Ipv4Prefix> {
  const m = typeof text === "string" ? /^([^/]*)\/(\d{1,2})$/.exec(text) : null;
  const ip = m === null ? undefined : parseIpv4(m[1]);
  const length = Number(m?.[2]);
  if (ip === undefined || !ip.ok || length > 32) return bad(`${what} ${quote(text)} is not an IPv4 address/prefix-length`);
  return ok({ address: ip.value, length });
}

/**
 * An IPv6 address in text form (RFC 4291 §2.2): eight groups of 1-4 hex digits, at most one "::"
 * standing for one or more zero groups, the last two groups optionally a dotted quad. Written here
 * instead of node:net's isIPv6, because loading node:net costs the plugin about 10 ms per exec.
 */
export function isIpv6(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all.at(-1);
  if (last !== undefined && last.includes(".")) {
    if (!IPV4_RE.test(last)) return false;
    all.pop();
    count += 1; // a dotted quad fills two groups
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** CNI result `address`: an IPv4 or IPv6 address with a prefix length (spec "ips"). */
export function ipCidrProblem(text: string): string | undefined {
  if (parseIpv4Prefix(text).ok) return undefined;
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  if (m !== null && isIpv6(m[1] as string) && Number(m[2]) <= 128) return undefined;
  return `${quote(text)} is not an IP address with a prefix length`;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Any case in, lower case out (iproute2 and the result report it so). */
export function parseMac(text: unknown, what = "MAC address"): Parsed<Mac> {
  const m = typeof text === "string" ? text.toLowerCase() : "";
  return MAC_RE.test(m) ? ok(m as Mac) : bad(`${what} ${quote(text)} is not a MAC address (six hex octets joined by ":")`);
}

function intIn<T extends number>(n: unknown, min: number, max: number, what: string): Parsed<T> {
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max ? ok(n as T) : bad(`${what} ${quote(n)} is not an integer in ${min}..${max}`);
}

export const parseVlanId = (n: unknown, what = "VLAN id"): Parsed<VlanId> => intIn<VlanId>(n, 1, 4094, what);
export const parseTableId = (n: unknown, what = "route table id"): Parsed<TableId> => intIn<TableId>(n, 1, 2 ** 32 - 1, what);
export const parseIfIndex = (n: unknown, what = "ifindex"): Parsed<IfIndex> => intIn<IfIndex>(n, 1, 2 ** 31 - 1, what);

/** A decimal integer written as text (prevResult keeps table ids and VLAN ids in string fields). */
export function decimal(text: unknown): number | undefined {
  return typeof text === "string" && /^(0|[1-9]\d{0,15})$/.test(text) ? Number(text) : undefined;
}
