// IPv4 addresses and CIDR blocks as numbers: the arithmetic the fake EC2 (subnets, VPC-wide address
// allocation) and the controller's subnet pools share. Bad input is a HarnessError naming the value.

import { HarnessError } from "./errors.js";

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for a dotted-quad IPv4 address (no leading "+", each part 0..255). */
export function isIpv4(ip: string): boolean {
  const m = DOTTED.exec(ip);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

export function ipToInt(ip: string): number {
  if (!isIpv4(ip)) throw new HarnessError("invalid-config", `"${ip}" is not an IPv4 address`);
  const parts = ip.split(".").map(Number);
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export interface Cidr {
  /** Normalized "a.b.c.d/n" (host bits cleared). */
  readonly text: string;
  /** First address (network) as a number. */
  readonly base: number;
  readonly bits: number;
  readonly size: number;
}

/** Parses "a.b.c.d/n" with n in [minBits, maxBits]; host bits must be zero unless `loose`. */
export function parseCidr(text: string, opts: { minBits?: number; maxBits?: number; loose?: boolean } = {}): Cidr {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  const bits = m === null ? NaN : Number(m[2]);
  const min = opts.minBits ?? 0;
  const max = opts.maxBits ?? 32;
  if (m === null || !isIpv4(m[1] as string) || !(bits >= min && bits <= max)) {
    throw new HarnessError("invalid-config", `"${text}" is not an IPv4 CIDR block from /${min} to /${max}`);
  }
  const size = 2 ** (32 - bits);
  const addr = ipToInt(m[1] as string);
  const base = (addr - (addr % size)) >>> 0;
  if (base !== addr && opts.loose !== true) {
    throw new HarnessError("invalid-config", `"${text}" has host bits set; the block is ${intToIp(base)}/${bits}`);
  }
  return Object.freeze({ text: `${intToIp(base)}/${bits}`, base, bits, size });
}

export function cidrContains(outer: Cidr, ip: number): boolean {
  return ip >= outer.base && ip < outer.base + outer.size;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}
