// core/v1 pods: defaults (pkg/apis/core/v1/defaults.go), create/update rules and graceful deletion
// (pkg/registry/core/pod/strategy.go), validation (pkg/apis/core/validation), the selectable fields.
// docs/REFERENCE.md §10.

import type { ErrorCause } from "../../../common/errors.js";
import { parseQuantity } from "../../../common/quantity.js";
import type { K8sContainer, K8sObject, JsonObject } from "../../k8s/types.js";
import { jsonEqual } from "../freeze.js";
import { forbidden, invalidValue, notSupported, required } from "../errors.js";
import { META_FIELDS } from "../fields.js";
import { nameErrors } from "../names.js";
import { isObject } from "../patch.js";
import { POD_SCHEMA } from "../schemas.js";
import { SET } from "../strategic.js";
import type { Strategy } from "../strategy.js";
import { resource, strategy } from "../strategy.js";

/** PodSpec merge keys relative to a pod spec (Go struct tags patchStrategy/patchMergeKey). */
export function podSpecMergeKeys(prefix: string): Record<string, string> {
  const out: Record<string, string> = {
    [`${prefix}volumes`]: "name", [`${prefix}imagePullSecrets`]: "name", [`${prefix}hostAliases`]: "ip",
    [`${prefix}topologySpreadConstraints`]: "topologyKey", [`${prefix}resourceClaims`]: "name", [`${prefix}schedulingGates`]: "name",
  };
  for (const list of ["containers", "initContainers", "ephemeralContainers"]) {
    const c = `${prefix}${list}`;
    Object.assign(out, { [c]: "name", [`${c}[].ports`]: "containerPort", [`${c}[].env`]: "name", [`${c}[].volumeMounts`]: "mountPath", [`${c}[].volumeDevices`]: "devicePath" });
  }
  return out;
}

export const META_MERGE_KEYS = { "metadata.finalizers": SET, "metadata.ownerReferences": "uid" };

const POD_MERGE_KEYS = {
  ...META_MERGE_KEYS,
  ...podSpecMergeKeys("spec."),
  "status.conditions": "type", "status.podIPs": "ip", "status.hostIPs": "ip",
};

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const spec = (o: K8sObject): JsonObject => (isObject(o.spec) ? o.spec : {});
const status = (o: K8sObject): JsonObject => (isObject(o.status) ? o.status : {});
const containersOf = (s: JsonObject, list = "containers"): K8sContainer[] => (Array.isArray(s[list]) ? (s[list] as K8sContainer[]) : []);

/** imagePullPolicy default: Always for :latest or an untagged image, else IfNotPresent. */
function pullPolicy(image: string): string {
  const name = image.split("@")[0] ?? image;
  const tag = name.lastIndexOf(":") > name.lastIndexOf("/") ? name.slice(name.lastIndexOf(":") + 1) : "";
  return image.includes("@") || (tag !== "" && tag !== "latest") ? "IfNotPresent" : "Always";
}

function defaultContainer(c: K8sContainer): K8sContainer {
  const res = isObject(c.resources) ? c.resources : {};
  const limits = isObject(res.limits) ? res.limits : undefined;
  const requests = isObject(res.requests) ? { ...res.requests } : {};
  // SetDefaults_Pod: a resource with a limit and no request gets the limit as its request.
  for (const [k, v] of Object.entries(limits ?? {})) if (!(k in requests)) requests[k] = v;
  const resources = { ...res, ...(Object.keys(requests).length > 0 ? { requests } : {}) };
  return {
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: pullPolicy(str(c.image)),
    ...c,
    resources,
  };
}

/** Guaranteed, Burstable or BestEffort from cpu and memory (pkg/apis/core/helper/qos). */
export function qosClass(s: JsonObject): string {
  let any = false;
  let guaranteed = true;
  for (const c of [...containersOf(s), ...containersOf(s, "initContainers")]) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ["cpu", "memory"]) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && parseQuantity(req[r]) !== parseQuantity(lim[r]))) guaranteed = false;
    }
  }
  return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

/** SetDefaults_Pod and, on create, the ServiceAccount and DefaultTolerationSeconds admission plugins. */
function defaults(o: K8sObject, op: "CREATE" | "UPDATE"): void {
  const s = spec(o);
  const next: JsonObject = {
    restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", securityContext: {},
    schedulerName: "default-scheduler", enableServiceLinks: true, preemptionPolicy: "PreemptLowerPriority", priority: 0,
    ...s,
    containers: containersOf(s).map(defaultContainer),
  };
  if (Array.isArray(s.initContainers)) next.initContainers = containersOf(s, "initContainers").map(defaultContainer);
  if (op === "CREATE") {
    const sa = str(s.serviceAccountName) || str(s.serviceAccount) || "default";
    next.serviceAccountName = sa;
    next.serviceAccount = sa;
    const tolerations = Array.isArray(s.tolerations) ? s.tolerations : [];
    const extra = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]
      .filter((key) => !tolerations.some((t) => isObject(t) && t.key === key))
      .map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }));
    next.tolerations = [...tolerations, ...extra];
  }
  o.spec = next;
}

/** The pod strategy resets status on create: Pending, with its QoS class. */
function prepareForCreate(o: K8sObject): void {
  o.status = { phase: "Pending", qosClass: qosClass(spec(o)) };
}

function validateContainers(s: JsonObject, list: string, out: ErrorCause[], seen: Set<string>): void {
  containersOf(s, list).forEach((c, i) => {
    const p = `spec.${list}[${i}]`;
    if (!isObject(c)) return void out.push(invalidValue(p, c, "must be an object"));
    const name = str(c.name);
    if (name === "") out.push(required(`${p}.name`));
    else {
      for (const m of nameErrors("label", name)) out.push(invalidValue(`${p}.name`, name, m));
      if (seen.has(name)) out.push({ field: `${p}.name`, reason: "FieldValueDuplicate", message: `Duplicate value: ${JSON.stringify(name)}` });
      seen.add(name);
    }
    if (str(c.image).trim() === "") out.push(required(`${p}.image`));
    validateResources(c, p, out);
  });
}

/** Extended resources (anything with a "/" outside kubernetes.io): whole numbers, request == limit. */
function validateResources(c: K8sContainer, p: string, out: ErrorCause[]): void {
  const lim = c.resources?.limits ?? {};
  const req = c.resources?.requests ?? {};
  for (const [which, m] of [["limits", lim], ["requests", req]] as const) {
    for (const [k, v] of Object.entries(m)) {
      const q = parseQuantity(v);
      const f = `${p}.resources.${which}[${k}]`;
      if (q === undefined) out.push(invalidValue(f, v, "must be a valid quantity"));
      else if (q < 0) out.push(invalidValue(f, v, "must be greater than or equal to 0"));
      else if (k.includes("/") && !k.includes("kubernetes.io/") && !Number.isInteger(q)) out.push(invalidValue(f, v, "must be an integer"));
    }
  }
  for (const [k, v] of Object.entries(req)) {
    if (!k.includes("/") || k.includes("kubernetes.io/")) continue;
    if (lim[k] !== undefined && parseQuantity(lim[k]) !== parseQuantity(v)) out.push(invalidValue(`${p}.resources.requests[${k}]`, v, `must be equal to ${k} limit of ${String(lim[k])}`));
  }
}

function validate(o: K8sObject): ErrorCause[] {
  const out: ErrorCause[] = [];
  const s = spec(o);
  if (containersOf(s).length === 0) out.push(required("spec.containers"));
  const seen = new Set<string>();
  validateContainers(s, "containers", out, seen);
  validateContainers(s, "initContainers", out, seen);
  if (!["Always", "OnFailure", "Never"].includes(str(s.restartPolicy))) out.push(notSupported("spec.restartPolicy", s.restartPolicy, ["Always", "OnFailure", "Never"]));
  const phase = status(o).phase;
  if (phase !== undefined && !["Pending", "Running", "Succeeded", "Failed", "Unknown"].includes(str(phase))) out.push(notSupported("status.phase", phase, ["Failed", "Pending", "Running", "Succeeded", "Unknown"]));
  return out;
}

/** The spec with what an update may change (images, activeDeadlineSeconds, tolerations, grace) taken from `from`. */
function mutableSpecView(s: JsonObject, from: JsonObject): JsonObject {
  const v: JsonObject = { ...s };
  for (const list of ["containers", "initContainers"]) {
    if (Array.isArray(s[list])) v[list] = containersOf(s, list).map((c, i) => ({ ...c, image: containersOf(from, list)[i]?.image }));
  }
  for (const k of ["activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"]) {
    if (k in from) v[k] = from[k];
    else delete v[k];
  }
  return v;
}

const SPEC_UPDATE_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function validateUpdate(o: K8sObject, old: K8sObject): ErrorCause[] {
  const out = validate(o);
  const a = spec(o);
  const b = spec(old);
  if (!jsonEqual(mutableSpecView(b, a), a)) out.push(forbidden("spec", SPEC_UPDATE_MESSAGE));
  return out;
}

/** CheckGracefulTermination: unbound and finished pods go at once; otherwise the request, else the spec's. */
function gracePeriod(o: K8sObject, requested: number | undefined): number {
  const s = spec(o);
  const phase = str(status(o).phase);
  if (str(s.nodeName) === "" || phase === "Succeeded" || phase === "Failed") return 0;
  if (requested !== undefined) return Math.max(0, requested);
  return typeof s.terminationGracePeriodSeconds === "number" ? Math.max(0, s.terminationGracePeriodSeconds) : 30;
}

export const PODS: Strategy = strategy({
  info: resource("", "v1", "Pod", "pods", { shortNames: ["po"], categories: ["all"], subresources: ["status", "binding"] }),
  schema: POD_SCHEMA,
  mergeKeys: POD_MERGE_KEYS,
  fields: {
    ...META_FIELDS,
    "spec.nodeName": (o) => str(spec(o).nodeName),
    "spec.restartPolicy": (o) => str(spec(o).restartPolicy),
    "spec.schedulerName": (o) => str(spec(o).schedulerName),
    "spec.serviceAccountName": (o) => str(spec(o).serviceAccountName),
    "spec.hostNetwork": (o) => String(spec(o).hostNetwork === true),
    "status.phase": (o) => str(status(o).phase),
    "status.podIP": (o) => str(status(o).podIP),
    "status.nominatedNodeName": (o) => str(status(o).nominatedNodeName),
  },
  defaults,
  prepareForCreate,
  validate,
  validateUpdate,
  gracePeriod,
});
