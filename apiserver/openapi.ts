// /openapi/v3: the index of group-versions and one OpenAPI 3.0 document per group-version, with
// what kubectl 1.32 reads there: every kind's schema with x-kubernetes-group-version-kind, and its
// paths, whose PATCH operations carry x-kubernetes-group-version-kind and the fieldValidation
// query parameter (kubectl then leaves validation to the server: fieldValidation=Strict). The PATCH
// request body lists JSON and merge patch only, so kubectl apply builds its strategic merge patch
// from its compiled-in types, as against a server without OpenAPI patch metadata.

import { createHash } from "node:crypto";
import type { ResourceInfo } from "../cluster/store/index.js";
import type { Schema } from "../cluster/store/schema.js";
import { SERVER_VERSION } from "./discovery.js";

/** The schema a kind is published with (undefined: an object that keeps every field). */
export type SchemaOf = (info: ResourceInfo) => Schema | undefined;

const gvPath = (group: string, version: string): string => (group === "" ? `api/${version}` : `apis/${group}/${version}`);

const schemaName = (i: ResourceInfo): string => (i.group === "" ? `io.k8s.api.core.v1.${i.kind}` : `${i.group.split(".").reverse().join(".")}.${i.version}.${i.kind}`);

const QUERY = (name: string): Record<string, unknown> => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });
const PATH = (name: string): Record<string, unknown> => ({ name, in: "path", required: true, schema: { type: "string", uniqueItems: true } });

function operations(i: ResourceInfo, item: boolean, ref: Record<string, unknown>): Record<string, unknown> {
  const gvk = { group: i.group, version: i.version, kind: i.kind };
  const json = { content: { "application/json": { schema: ref } } };
  const ok = { responses: { "200": { description: "OK", ...json } } };
  const op = (action: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk, ...ok, ...extra });
  const write = [QUERY("dryRun"), QUERY("fieldManager"), QUERY("fieldValidation")];
  if (!item) return { get: op("list"), post: op("post", { parameters: write, requestBody: json }), delete: op("deletecollection") };
  const patchBody = { content: { "application/json-patch+json": { schema: { type: "object" } }, "application/merge-patch+json": { schema: { type: "object" } } } };
  return {
    get: op("get"),
    put: op("put", { parameters: write, requestBody: json }),
    patch: op("patch", { parameters: [...write, QUERY("force")], requestBody: patchBody }),
    delete: op("delete", { parameters: [QUERY("dryRun"), QUERY("gracePeriodSeconds"), QUERY("propagationPolicy")] }),
  };
}

export function groupVersionDoc(resources: readonly ResourceInfo[], group: string, version: string, schemaOf: SchemaOf): unknown | undefined {
  const mine = resources.filter((r) => r.group === group && r.version === version);
  if (mine.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const i of mine) {
    const name = schemaName(i);
    schemas[name] = { ...(schemaOf(i) ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }), "x-kubernetes-group-version-kind": [{ group: i.group, kind: i.kind, version: i.version }] };
    const ref = { $ref: `#/components/schemas/${name}` };
    const base = `/${gvPath(group, version)}${i.namespaced ? "/namespaces/{namespace}" : ""}/${i.plural}`;
    const params = i.namespaced ? [PATH("namespace")] : [];
    paths[base] = { parameters: params, ...operations(i, false, ref) };
    paths[`${base}/{name}`] = { parameters: [...params, PATH("name")], ...operations(i, true, ref) };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: SERVER_VERSION.gitVersion }, paths, components: { schemas } };
}

export interface OpenApi {
  /** The document at /openapi/v3/<path> ("" for the index), or undefined (404). */
  doc(path: string): unknown | undefined;
}

/** Documents built once (the served resources are fixed for the process's life). */
export function openApi(resources: readonly ResourceInfo[], schemaOf: SchemaOf): OpenApi {
  const docs = new Map<string, unknown>();
  for (const gvk of new Set(resources.map((r) => `${r.group}|${r.version}`))) {
    const [group = "", version = ""] = gvk.split("|");
    docs.set(gvPath(group, version), groupVersionDoc(resources, group, version, schemaOf));
  }
  const index = { paths: Object.fromEntries([...docs].map(([p, d]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${createHash("sha512").update(JSON.stringify(d)).digest("hex").slice(0, 128).toUpperCase()}` }])) };
  return { doc: (path) => (path === "" ? index : docs.get(path)) };
}
