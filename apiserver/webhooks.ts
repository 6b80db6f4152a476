// Mutating admission webhooks (admissionregistration.k8s.io/v1 MutatingWebhookConfiguration) for
// CREATE, as the API server calls them (apiserver pkg/admission/plugin/webhook/mutating): every
// configuration in name order, each webhook whose rules, namespaceSelector and objectSelector match
// gets an AdmissionReview v1 over HTTPS (clientConfig.url, or service → https://name.ns.svc:port/path,
// trusting clientConfig.caBundle), within timeoutSeconds (default 10, at most 30); a JSONPatch in the
// response is applied. failurePolicy Fail (the default) turns a call failure into 500 InternalError;
// Ignore skips the webhook. A denial is the webhook's status (default 400). On a dry run, only
// webhooks with sideEffects None or NoneOnDryRun are called (others: 400, as the real server).

import { randomUUID } from "node:crypto";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { ObjectStore } from "../cluster/store/index.js";
import { StatusError, matchesLabels, fromLabelSelector } from "../cluster/store/index.js";
import { applyJsonPatch, decodeJsonPatch } from "../cluster/store/patch.js";
import { errorMessage } from "../common/errors.js";
import type { ResourceRoute } from "./routes.js";
import { postJson } from "./webhook-client.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const matchesAny = (list: string[], v: string): boolean => list.includes("*") || list.includes(v);

const CONFIGS = { group: "admissionregistration.k8s.io", plural: "mutatingwebhookconfigurations" };

function ruleMatches(rule: Rec, r: ResourceRoute, op: string): boolean {
  const scope = typeof rule.scope === "string" ? rule.scope : "*";
  if (scope !== "*" && scope !== (r.info.namespaced ? "Namespaced" : "Cluster")) return false;
  return matchesAny(strings(rule.operations), op) && matchesAny(strings(rule.apiGroups), r.info.group) && matchesAny(strings(rule.apiVersions), r.info.version) && matchesAny(strings(rule.resources), r.info.plural);
}

/** A null selector matches everything here (both default to {}); selector syntax errors do not match. */
function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean {
  if (sel === undefined || sel === null) return true;
  try {
    const reqs = fromLabelSelector(rec(sel) as Parameters<typeof fromLabelSelector>[0]);
    return reqs === undefined || matchesLabels(reqs, labels);
  } catch {
    return false;
  }
}

function endpoint(cc: Rec): string {
  if (typeof cc.url === "string") return cc.url;
  const svc = rec(cc.service);
  const port = typeof svc.port === "number" ? svc.port : 443;
  return `https://${String(svc.name)}.${String(svc.namespace)}.svc:${port}${typeof svc.path === "string" ? svc.path : ""}`;
}

export interface WebhookDeps {
  store: ObjectStore;
  /** The user the API server says made the request (the token's user). */
  username: string;
}

export async function admitWithWebhooks(deps: WebhookDeps, r: ResourceRoute, object: K8sObject, dryRun: boolean, signal: AbortSignal): Promise<K8sObject> {
  const configs = deps.store.list(CONFIGS).items;
  if (configs.length === 0) return object;
  const ns = r.info.namespaced ? (object.metadata.namespace ?? r.namespace) : "";
  const nsLabels = ns === "" ? undefined : deps.store.get({ group: "", plural: "namespaces" }, "", ns).metadata.labels;
  let cur = object;
  for (const config of configs) {
    for (const raw of Array.isArray(config.webhooks) ? config.webhooks : []) {
      const hook = rec(raw);
      const rules = Array.isArray(hook.rules) ? hook.rules.map(rec) : [];
      if (!rules.some((rule) => ruleMatches(rule, r, "CREATE"))) continue;
      if (ns !== "" && !selectorMatches(hook.namespaceSelector, nsLabels)) continue;
      if (!selectorMatches(hook.objectSelector, cur.metadata.labels)) continue;
      cur = await callWebhook(deps, hook, r, cur, dryRun, signal);
    }
  }
  return cur;
}

async function callWebhook(deps: WebhookDeps, hook: Rec, r: ResourceRoute, object: K8sObject, dryRun: boolean, signal: AbortSignal): Promise<K8sObject> {
  const name = String(hook.name);
  const sideEffects = String(hook.sideEffects ?? "Unknown");
  if (dryRun && sideEffects !== "None" && sideEffects !== "NoneOnDryRun") {
    throw new StatusError("invalid-argument", `admission webhook "${name}" does not support dry run`);
  }
  const cc = rec(hook.clientConfig);
  const timeoutMs = Math.min(30, typeof hook.timeoutSeconds === "number" ? hook.timeoutSeconds : 10) * 1000;
  const uid = randomUUID();
  const gvk = { group: r.info.group, version: r.info.version, kind: r.info.kind };
  const gvr = { group: r.info.group, version: r.info.version, resource: r.info.plural };
  const review = {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid, kind: gvk, resource: gvr, requestKind: gvk, requestResource: gvr, name: object.metadata.name ?? "", namespace: object.metadata.namespace ?? "",
      operation: "CREATE", userInfo: { username: deps.username, groups: ["system:masters", "system:authenticated"] }, object, oldObject: null, dryRun,
      options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
    },
  };
  let reply: unknown;
  try {
    reply = await postJson(endpoint(cc), review, { caBundle: typeof cc.caBundle === "string" ? cc.caBundle : undefined, timeoutMs, signal });
  } catch (e) {
    if (hook.failurePolicy === "Ignore") return object;
    throw new StatusError("internal", `Internal error occurred: failed calling webhook "${name}": failed to call webhook: Post "${endpoint(cc)}": ${errorMessage(e)}`);
  }
  const response = rec(rec(reply).response);
  if (response.uid !== uid) {
    if (hook.failurePolicy === "Ignore") return object;
    throw new StatusError("internal", `Internal error occurred: failed calling webhook "${name}": expected response.uid="${uid}", got "${String(response.uid)}"`);
  }
  if (response.allowed !== true) {
    const result = rec(response.status);
    const code = typeof result.code === "number" ? result.code : 400;
    const message = `admission webhook "${name}" denied the request${typeof result.message === "string" && result.message !== "" ? `: ${result.message}` : " without explanation"}`;
    throw new StatusError(code === 403 ? "forbidden" : code >= 500 ? "internal" : "invalid-argument", message);
  }
  if (typeof response.patch !== "string" || response.patch === "") return object;
  if (response.patchType !== "JSONPatch") throw new StatusError("internal", `Internal error occurred: admission webhook "${name}" returned an unsupported patchType ${String(response.patchType)}`);
  try {
    const ops = decodeJsonPatch(JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as unknown);
    return applyJsonPatch(object, ops) as K8sObject;
  } catch (e) {
    throw new StatusError("internal", `Internal error occurred: admission webhook "${name}" returned an invalid patch: ${errorMessage(e)}`);
  }
}
