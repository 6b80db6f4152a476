// The verbs on a resource path: get, list, watch, create, update (PUT), patch, delete,
// deletecollection, the status subresource and pods/binding, each mapped onto the store with the
// query parameters and bodies kubectl and client-go send. Wrong methods are 405, wrong media 415.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { DeleteOptions, ObjectStore, PatchType, ResourceRef, WriteOptions } from "../cluster/store/index.js";
import { StatusError } from "../cluster/store/index.js";
import { decodeObject, mediaType, parseJson, readBody, sendJson, unsupportedMediaType } from "./http.js";
import type { ResourceRoute } from "./routes.js";
import type { IncludeObject } from "./table.js";
import { toTable } from "./table.js";
import { serveWatch } from "./watch.js";
import type { WatchSettings } from "./watch.js";

export interface HandlerDeps {
  store: ObjectStore;
  now: () => number;
  /** Mutating admission webhooks for a create (pods); returns the object to create. */
  admit: (r: ResourceRoute, object: K8sObject, dryRun: boolean, signal: AbortSignal) => Promise<K8sObject>;
  watch: WatchSettings;
  signal: AbortSignal;
}

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/json-patch+json": "json",
};

const methodNotAllowed = (): StatusError => new StatusError("method-not-allowed", "the server does not allow this method on the requested resource");
const bad = (m: string): StatusError => new StatusError("invalid-argument", m);

const refOf = (r: ResourceRoute): ResourceRef => ({ group: r.info.group, plural: r.info.plural });
const gvOf = (r: ResourceRoute): string => (r.info.group === "" ? r.info.version : `${r.info.group}/${r.info.version}`);

export const wantsTable = (accept: string | undefined): boolean => (accept ?? "").split(",").some((a) => a.includes("as=Table"));

function dryRunOf(q: URLSearchParams): boolean {
  const all = q.getAll("dryRun");
  for (const v of all) if (v !== "All") throw bad(`Invalid dry run value: ${JSON.stringify(v)}; must be "All"`);
  return all.length > 0;
}

function writeOptions(q: URLSearchParams, r: ResourceRoute): WriteOptions {
  const fv = q.get("fieldValidation") ?? "";
  if (fv !== "" && fv !== "Strict" && fv !== "Warn" && fv !== "Ignore") throw bad(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "Ignore", "Strict", "Warn"`);
  return {
    dryRun: dryRunOf(q),
    ...(fv === "" ? {} : { fieldValidation: fv }),
    ...(r.subresource === "status" ? { subresource: "status" as const } : {}),
  };
}

export async function handleResource(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const method = req.method ?? "GET";
  const item = r.name !== "";
  if (r.watchPrefix || ((method === "GET") && (q.get("watch") === "true" || q.get("watch") === "1"))) {
    if (method !== "GET") throw methodNotAllowed();
    return serveWatch(req, res, r, q, deps);
  }
  if (r.subresource === "binding") {
    if (method !== "POST") throw methodNotAllowed();
    return bind(req, res, r, q, deps);
  }
  switch (method) {
    case "GET":
      return item ? get(req, res, r, deps) : list(req, res, r, q, deps);
    case "POST":
      if (item || (r.info.namespaced && r.namespace === "")) throw methodNotAllowed();
      return create(req, res, r, q, deps);
    case "PUT":
      if (!item) throw methodNotAllowed();
      return update(req, res, r, q, deps);
    case "PATCH":
      if (!item) throw methodNotAllowed();
      return patch(req, res, r, q, deps);
    case "DELETE":
      if (r.subresource !== "") throw methodNotAllowed();
      return item ? remove(req, res, r, q, deps) : removeCollection(req, res, r, q, deps);
    default:
      throw methodNotAllowed();
  }
}

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject") ?? "Metadata";
  return v === "None" || v === "Object" ? v : "Metadata";
}

function get(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, deps: HandlerDeps): void {
  if (r.subresource !== "" && r.subresource !== "status") throw methodNotAllowed();
  const o = deps.store.get(refOf(r), r.namespace, r.name);
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(r.info, [o], { resourceVersion: o.metadata.resourceVersion }, deps.now(), "Metadata"));
  sendJson(res, 200, o);
}

function list(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): void {
  if (r.subresource !== "") throw methodNotAllowed();
  const limit = q.get("limit");
  if (limit !== null && !/^\d+$/.test(limit)) throw bad(`limit: Invalid value: ${JSON.stringify(limit)}`);
  const result = deps.store.list(refOf(r), {
    namespace: r.namespace,
    labelSelector: q.get("labelSelector") ?? "",
    fieldSelector: q.get("fieldSelector") ?? "",
    ...(limit === null ? {} : { limit: Number(limit) }),
    ...(q.get("continue") === null ? {} : { continue: q.get("continue") ?? "" }),
  });
  const meta = { resourceVersion: result.resourceVersion, ...(result.continue === undefined ? {} : { continue: result.continue }) };
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(r.info, result.items, meta, deps.now(), includeOf(q)));
  sendJson(res, 200, { kind: `${r.info.kind}List`, apiVersion: gvOf(r), metadata: meta, items: result.items });
}

async function bodyObject(req: IncomingMessage): Promise<unknown> {
  return decodeObject(await readBody(req), req.headers["content-type"]);
}

/**
 * A body must be an object. A built-in kind's decoder fills a missing apiVersion and kind from the
 * URL; a custom resource is decoded as unstructured JSON, which needs both (as the real servers).
 */
function requireTypeMeta(body: unknown, r: ResourceRoute): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("the body of the request must be a JSON object");
  if (r.info.custom !== true) return;
  const o = body as Record<string, unknown>;
  if (typeof o.kind !== "string" || o.kind === "") throw bad(`Object 'Kind' is missing in '${JSON.stringify(body).slice(0, 200)}'`);
  if (typeof o.apiVersion !== "string" || o.apiVersion === "") throw bad(`Object 'apiVersion' is missing in '${JSON.stringify(body).slice(0, 200)}'`);
}

async function create(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const body = await bodyObject(req);
  requireTypeMeta(body, r);
  const opts = writeOptions(q, r);
  const admitted = await deps.admit(r, deps.store.defaulted(refOf(r), r.namespace, body), opts.dryRun === true, deps.signal);
  const out = deps.store.create(refOf(r), r.namespace, admitted, opts);
  sendJson(res, 201, out.object, out.warnings);
}

async function update(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const body = await bodyObject(req);
  requireTypeMeta(body, r);
  const out = deps.store.update(refOf(r), r.namespace, r.name, body as K8sObject, writeOptions(q, r));
  sendJson(res, 200, out.object, out.warnings);
}

async function patch(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const type = mediaType(req.headers["content-type"]);
  const patchType = PATCH_TYPES[type];
  if (patchType === undefined) throw unsupportedMediaType(type, ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]);
  const body = parseJson((await readBody(req)).toString("utf8"));
  const out = deps.store.patch(refOf(r), r.namespace, r.name, patchType, body, writeOptions(q, r));
  sendJson(res, 200, out.object, out.warnings);
}

/** DeleteOptions from the body (kubectl, client-go) and the query (gracePeriodSeconds, dryRun). */
async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const raw = await readBody(req);
  const body = raw.length === 0 ? {} : parseJson(raw.toString("utf8"));
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad("DeleteOptions must be a JSON object");
  const b = body as Record<string, unknown>;
  const pre = typeof b.preconditions === "object" && b.preconditions !== null ? (b.preconditions as Record<string, unknown>) : {};
  const graceText = q.get("gracePeriodSeconds");
  const grace = typeof b.gracePeriodSeconds === "number" ? b.gracePeriodSeconds : graceText !== null ? Number(graceText) : undefined;
  if (grace !== undefined && !Number.isInteger(grace)) throw bad(`gracePeriodSeconds: Invalid value: ${JSON.stringify(graceText ?? b.gracePeriodSeconds)}`);
  const dryRun = dryRunOf(q) || (Array.isArray(b.dryRun) && b.dryRun.includes("All"));
  const policy = b.propagationPolicy ?? q.get("propagationPolicy");
  if (policy !== undefined && policy !== null && !["Orphan", "Background", "Foreground"].includes(String(policy))) throw bad(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}`);
  return {
    dryRun,
    ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
    preconditions: { ...(typeof pre.uid === "string" ? { uid: pre.uid } : {}), ...(typeof pre.resourceVersion === "string" ? { resourceVersion: pre.resourceVersion } : {}) },
  };
}

async function remove(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const opts = await deleteOptions(req, q);
  const o = deps.store.delete(refOf(r), r.namespace, r.name, opts);
  // 200 when the object is gone, 202 when its deletion is pending (graceful or finalizers).
  sendJson(res, o.metadata.deletionTimestamp !== undefined && !opts.dryRun ? 202 : 200, o);
}

async function removeCollection(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const opts = await deleteOptions(req, q);
  const items = deps.store.deleteCollection(refOf(r), { ...opts, namespace: r.namespace, labelSelector: q.get("labelSelector") ?? "", fieldSelector: q.get("fieldSelector") ?? "" });
  sendJson(res, 200, { kind: `${r.info.kind}List`, apiVersion: gvOf(r), metadata: { resourceVersion: deps.store.currentResourceVersion() }, items });
}

async function bind(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, q: URLSearchParams, deps: HandlerDeps): Promise<void> {
  const body = await bodyObject(req);
  requireTypeMeta(body, r);
  const b = { apiVersion: "v1", kind: "Binding", ...(body as Record<string, unknown>) } as K8sObject;
  if (b.kind !== "Binding" || b.apiVersion !== "v1") throw bad(`the kind in the data (${b.apiVersion}, ${b.kind}) does not match the expected kind (v1, Binding)`);
  const name = b.metadata?.name ?? "";
  if (name !== "" && name !== r.name) throw bad(`the name of the object (${name}) does not match the name on the URL (${r.name})`);
  deps.store.bind(r.namespace, { ...b, metadata: { ...b.metadata, name: r.name } }, { dryRun: dryRunOf(q) });
  sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
