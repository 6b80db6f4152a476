// Conversion between result versions (model: Go pkg/types/internal/convert.go): a table from the
// newest type to each version for printing, and a parser that lifts a prevResult of any supported
// version to the newest type.
import { ipCidrProblem, isIpv6, parseIpv4 } from "../../common/boundary/index.js";
import { CniCode, CniError } from "./errors.js";
import type { Result040, IPConfig040 } from "./types040.js";
import type { Interface100, Result100, Route100 } from "./types100.js";
import type { Dns, Interface110, IPConfig110, Result110, Route110 } from "./types110.js";
import type { CniVersion } from "./version.js";

export type AnyResult = Result110 | Result100 | Result040;

function iface100(i: Interface110): Interface100 {
  const out: Interface100 = { name: i.name };
  if (i.mac !== undefined) out.mac = i.mac;
  if (i.sandbox !== undefined) out.sandbox = i.sandbox;
  return out;
}

function route100(r: Route110): Route100 {
  return r.gw === undefined ? { dst: r.dst } : { dst: r.dst, gw: r.gw };
}

/** Fields in the spec's order (interfaces, ips, routes, dns), ips converted by `ip`. */
function convertFields<E, T extends { interfaces?: Interface100[]; ips?: E[]; routes?: Route100[]; dns?: Dns }>(
  r: Result110,
  out: T,
  ip: (i: IPConfig110) => E,
): T {
  if (r.interfaces !== undefined) out.interfaces = r.interfaces.map(iface100);
  if (r.ips !== undefined) out.ips = r.ips.map(ip);
  if (r.routes !== undefined) out.routes = r.routes.map(route100);
  if (r.dns !== undefined) out.dns = r.dns;
  return out;
}

function ipVersion(address: string): "4" | "6" {
  return address.includes(":") ? "6" : "4";
}

function to040(r: Result110, cniVersion: Result040["cniVersion"]): Result040 {
  return convertFields<IPConfig040, Result040>(r, { cniVersion }, (ip) => ({ version: ipVersion(ip.address), ...ip }));
}

function to100(r: Result110): Result100 {
  return convertFields<IPConfig110, Result100>(r, { cniVersion: "1.0.0" }, (ip) => ({ ...ip }));
}

const FROM_LATEST: Record<CniVersion, (r: Result110) => AnyResult> = {
  "0.3.0": (r) => to040(r, "0.3.0"),
  "0.3.1": (r) => to040(r, "0.3.1"),
  "0.4.0": (r) => to040(r, "0.4.0"),
  "1.0.0": to100,
  "1.1.0": (r) => ({ ...r, cniVersion: "1.1.0" }),
};

/** The newest result in the requested version's shape (done once, when printing). */
export function convertResult(r: Result110, to: CniVersion): AnyResult {
  return FROM_LATEST[to](r);
}

type Json = Record<string, unknown>;

function bad(what: string): CniError {
  return new CniError(CniCode.InvalidNetworkConfig, `could not parse prevResult: ${what}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pick<T>(o: Json, key: string, type: "string" | "number", where: string, into: T): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== type) throw bad(`${where}.${key} must be a ${type}`);
  if (typeof v === "string" && v.length > MAX_RESULT_STRING) throw bad(`${where}.${key} is longer than ${MAX_RESULT_STRING} characters`);
  (into as Json)[key] = v;
}

/** Entries per list of a prevResult: a chain of real plugins gives a handful. */
export const MAX_RESULT_ENTRIES = 256;
/** Any one string of a prevResult (names, paths, addresses). */
const MAX_RESULT_STRING = 4096;

function list(o: Json, key: string): Json[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every(isObject)) throw bad(`${key} must be an array of objects`);
  if (v.length > MAX_RESULT_ENTRIES) throw bad(`${key} has ${v.length} entries; at most ${MAX_RESULT_ENTRIES}`);
  return v;
}

function strings(o: Json, key: string, where: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && x.length <= MAX_RESULT_STRING)) throw bad(`${where}.${key} must be an array of strings`);
  if (v.length > MAX_RESULT_ENTRIES) throw bad(`${where}.${key} has ${v.length} entries; at most ${MAX_RESULT_ENTRIES}`);
  return v as string[];
}

function parseInterface(o: Json, i: number): Interface110 {
  const where = `interfaces[${i}]`;
  if (typeof o.name !== "string") throw bad(`${where}.name must be a string`);
  const out: Interface110 = { name: "" };
  pick(o, "name", "string", where, out);
  for (const k of ["mac", "sandbox", "socketPath", "pciID"]) pick(o, k, "string", where, out);
  pick(o, "mtu", "number", where, out);
  return out;
}

/** A gateway: an IPv4 or IPv6 address without prefix length. */
const isIp = (text: string): boolean => parseIpv4(text).ok || isIpv6(text);

function parseIp(o: Json, i: number, count: number): IPConfig110 {
  const where = `ips[${i}]`;
  if (typeof o.address !== "string") throw bad(`${where}.address must be a CIDR string`);
  const cidr = ipCidrProblem(o.address);
  if (cidr !== undefined) throw bad(`${where}.address ${cidr}`);
  const out: IPConfig110 = { address: o.address };
  pick(o, "interface", "number", where, out);
  pick(o, "gateway", "string", where, out);
  if (out.gateway !== undefined && !isIp(out.gateway)) throw bad(`${where}.gateway is not an IP address`);
  if (out.interface !== undefined && (out.interface < 0 || out.interface >= count)) {
    throw bad(`${where}.interface ${out.interface} is not an index of interfaces`);
  }
  return out;
}

function parseRoute(o: Json, i: number): Route110 {
  const where = `routes[${i}]`;
  if (typeof o.dst !== "string") throw bad(`${where}.dst must be a string`);
  const cidr = ipCidrProblem(o.dst);
  if (cidr !== undefined) throw bad(`${where}.dst ${cidr}`);
  const out: Route110 = { dst: o.dst };
  pick(o, "gw", "string", where, out);
  if (out.gw !== undefined && !isIp(out.gw)) throw bad(`${where}.gw is not an IP address`);
  for (const k of ["mtu", "advmss", "priority", "table", "scope"]) pick(o, k, "number", where, out);
  return out;
}

/** A prevResult (in the config's version) lifted to the newest type; `version` on ips is dropped. */
export function parsePrevResult(raw: unknown): Result110 {
  if (!isObject(raw)) throw bad("not a JSON object");
  const out: Result110 = { cniVersion: "1.1.0" };
  const interfaces = list(raw, "interfaces")?.map(parseInterface);
  if (interfaces !== undefined) out.interfaces = interfaces;
  const ips = list(raw, "ips")?.map((o, i) => parseIp(o, i, interfaces?.length ?? 0));
  if (ips !== undefined) out.ips = ips;
  const routes = list(raw, "routes")?.map(parseRoute);
  if (routes !== undefined) out.routes = routes;
  if (isObject(raw.dns)) out.dns = parseDns(raw.dns);
  return out;
}

/** The spec's DNS object, rebuilt from its four keys (anything else in it is dropped). */
function parseDns(o: Json): Dns {
  const out: Dns = {};
  for (const k of ["nameservers", "search", "options"] as const) {
    const v = strings(o, k, "dns");
    if (v !== undefined) out[k] = v;
  }
  pick(o, "domain", "string", "dns", out);
  return out;
}
