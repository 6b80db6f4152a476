// The API server's URL space: /api/v1/..., /apis/<group>/<version>/..., each resource path
// collection or item, namespaced or not, with an optional subresource, and the legacy /watch/
// prefix. Parsed into a typed route; no handler looks at the raw path.

import { HarnessError } from "../common/errors.js";
import type { ObjectStore, ResourceInfo } from "../cluster/store/index.js";

export interface ResourceRoute {
  info: ResourceInfo;
  /** "" for cluster-scoped resources and for all-namespace lists. */
  namespace: string;
  /** "" for a collection. */
  name: string;
  /** "" | "status" | "binding" | ... */
  subresource: string;
  /** The /watch/ prefix. */
  watchPrefix: boolean;
}

export type Route =
  | { kind: "resource"; r: ResourceRoute }
  | { kind: "discovery"; path: "api" | "api/v1" | "apis" | { group: string } | { group: string; version: string } }
  | { kind: "openapi"; path: string }
  | { kind: "version" }
  | { kind: "health"; check: string };

const notFound = (): HarnessError => new HarnessError("not-found", "the server could not find the requested resource");

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw notFound();
  }
};

export function route(store: ObjectStore, pathname: string): Route {
  const segs = pathname.split("/").filter((s) => s !== "").map(decode);
  const [a, b, c] = segs;
  if (segs.length === 0) throw notFound();
  if (a === "version" && segs.length === 1) return { kind: "version" };
  if ((a === "healthz" || a === "livez" || a === "readyz") && segs.length <= 2) return { kind: "health", check: segs.join("/") };
  if (a === "openapi") return { kind: "openapi", path: segs.slice(1).join("/") };
  if (a === "api") {
    if (segs.length === 1) return { kind: "discovery", path: "api" };
    if (b !== "v1") throw notFound();
    if (segs.length === 2) return { kind: "discovery", path: "api/v1" };
    return { kind: "resource", r: resourceRoute(store, "", "v1", segs.slice(2)) };
  }
  if (a === "apis") {
    if (segs.length === 1) return { kind: "discovery", path: "apis" };
    const group = b ?? "";
    if (segs.length === 2) return { kind: "discovery", path: { group } };
    const version = c ?? "";
    if (segs.length === 3) return { kind: "discovery", path: { group, version } };
    return { kind: "resource", r: resourceRoute(store, group, version, segs.slice(3)) };
  }
  throw notFound();
}

function resourceRoute(store: ObjectStore, group: string, version: string, rest: string[]): ResourceRoute {
  let segs = rest;
  let watchPrefix = false;
  if (segs[0] === "watch") {
    watchPrefix = true;
    segs = segs.slice(1);
  }
  let namespace = "";
  // namespaces/<ns>/<resource>/... is a namespaced path, except namespaces/<name>[/status|/finalize]
  // which is the namespace object itself.
  if (segs[0] === "namespaces" && segs.length >= 3 && !(segs.length === 3 && (segs[2] === "status" || segs[2] === "finalize"))) {
    namespace = segs[1] ?? "";
    segs = segs.slice(2);
  }
  const [plural = "", name = "", subresource = "", ...extra] = segs;
  if (extra.length > 0) throw notFound();
  const info = store.resources().find((i) => i.group === group && i.version === version && i.plural === plural);
  if (info === undefined) throw notFound();
  if (namespace !== "" && !info.namespaced) throw notFound();
  if (subresource !== "" && !info.subresources.includes(subresource)) throw notFound();
  return { info, namespace, name, subresource, watchPrefix };
}
