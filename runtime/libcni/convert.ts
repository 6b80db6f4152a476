// Result conversion between spec versions, as libcni's GetAsVersion does for cached results and
// prevResult: 0.3.x/0.4.0 `ips[]` carry "version"; 1.x drops it and may carry mtu/route extras.

import { HarnessError } from "../../common/errors.js";
import { atLeast, isSupported } from "./version.js";
import type { CniResult } from "./types.js";

type Json = Record<string, unknown>;

const V1_INTERFACE_EXTRAS = ["mtu", "socketPath", "pciID"];
const V1_ROUTE_EXTRAS = ["mtu", "advmss", "priority", "table", "scope"];

function omit(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function ipFamily(address: unknown): "4" | "6" {
  return typeof address === "string" && address.includes(":") ? "6" : "4";
}

function mapArray(value: unknown, fn: (x: Json) => Json): unknown {
  return Array.isArray(value) ? value.map((x) => (typeof x === "object" && x !== null ? fn(x as Json) : x)) : value;
}

export function convertResult(result: CniResult, to: string): CniResult {
  const from = result.cniVersion;
  if (!isSupported(to)) throw new HarnessError("invalid-argument", `unsupported CNI result version "${to}"`);
  if (!isSupported(from)) throw new HarnessError("invalid-argument", `unsupported CNI result version "${from}"`);
  const out: Json = { ...result, cniVersion: to };
  if (atLeast(to, "1.0.0")) {
    out.ips = mapArray(result.ips, (ip) => omit(ip, ["version"]));
    return out as CniResult;
  }
  out.ips = mapArray(result.ips, (ip) => ({ ...omit(ip, ["version"]), version: ipFamily(ip.address) }));
  out.interfaces = mapArray(result.interfaces, (i) => omit(i, V1_INTERFACE_EXTRAS));
  out.routes = mapArray(result.routes, (r) => omit(r, V1_ROUTE_EXTRAS));
  for (const k of ["ips", "interfaces", "routes"]) if (out[k] === undefined) delete out[k];
  return out as CniResult;
}
