// core/v1 resources other than pods: nodes, namespaces, events, serviceaccounts, configmaps,
// secrets, services (pkg/registry/core/*/strategy.go, reduced to what clients of this harness see).

import type { ErrorCause } from "../../../common/errors.js";
import type { JsonObject, K8sObject } from "../../k8s/types.js";
import { invalidValue } from "../errors.js";
import { META_FIELDS } from "../fields.js";
import { isObject } from "../patch.js";
import type { Strategy } from "../strategy.js";
import { resource, strategy } from "../strategy.js";
import { META_MERGE_KEYS } from "./pods.js";

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const sub = (o: K8sObject, k: string): JsonObject => (isObject(o[k]) ? (o[k] as JsonObject) : {});

export const NODES: Strategy = strategy({
  info: resource("", "v1", "Node", "nodes", { shortNames: ["no"], namespaced: false, subresources: ["status"] }),
  mergeKeys: { ...META_MERGE_KEYS, "spec.podCIDRs": "$set", "status.conditions": "type", "status.addresses": "type" },
  fields: { ...META_FIELDS, "spec.unschedulable": (o) => String(sub(o, "spec").unschedulable === true) },
  // nodeStrategy.PrepareForCreate keeps status: the kubelet registers its node with it.
  statusOnCreate: "keep",
  prepareForCreate: (o) => {
    o.spec ??= {};
  },
});

export const NAMESPACES: Strategy = strategy({
  info: resource("", "v1", "Namespace", "namespaces", { shortNames: ["ns"], namespaced: false, subresources: ["status", "finalize"] }),
  nameRule: "label",
  mergeKeys: { ...META_MERGE_KEYS, "status.conditions": "type" },
  fields: { ...META_FIELDS, "status.phase": (o) => str(sub(o, "status").phase) },
  prepareForCreate: (o) => {
    o.spec = { finalizers: ["kubernetes"] };
    o.status = { phase: "Active" };
    o.metadata.labels = { ...o.metadata.labels, "kubernetes.io/metadata.name": o.metadata.name ?? "" };
  },
  prepareForUpdate: (o, old) => {
    // The namespace's spec changes only through /finalize; the name label always matches the name.
    o.spec = old.spec;
    o.metadata.labels = { ...o.metadata.labels, "kubernetes.io/metadata.name": old.metadata.name ?? "" };
  },
});

/** The API server's default --event-ttl. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

function validateEvent(o: K8sObject): ErrorCause[] {
  const inv = sub(o, "involvedObject");
  const ns = str(o.metadata.namespace);
  const invNs = str(inv.namespace);
  // ValidateEventCreate (legacy events): an event about a cluster-scoped object lives in "default"
  // (or no namespace); otherwise its namespace is the involved object's.
  if (invNs === "" ? ns !== "" && ns !== "default" : ns !== invNs) return [invalidValue("involvedObject.namespace", invNs, "does not match event.namespace")];
  return [];
}

export const EVENTS: Strategy = strategy({
  info: resource("", "v1", "Event", "events", { shortNames: ["ev"] }),
  fields: {
    ...META_FIELDS,
    "involvedObject.kind": (o) => str(sub(o, "involvedObject").kind),
    "involvedObject.namespace": (o) => str(sub(o, "involvedObject").namespace),
    "involvedObject.name": (o) => str(sub(o, "involvedObject").name),
    "involvedObject.uid": (o) => str(sub(o, "involvedObject").uid),
    "involvedObject.apiVersion": (o) => str(sub(o, "involvedObject").apiVersion),
    "involvedObject.resourceVersion": (o) => str(sub(o, "involvedObject").resourceVersion),
    "involvedObject.fieldPath": (o) => str(sub(o, "involvedObject").fieldPath),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(sub(o, "source").component),
    type: (o) => str(o.type),
  },
  allowCreateOnUpdate: true,
  ttlMs: EVENT_TTL_MS,
  validate: validateEvent,
  validateUpdate: validateEvent,
});

export const SERVICE_ACCOUNTS: Strategy = strategy({ info: resource("", "v1", "ServiceAccount", "serviceaccounts", { shortNames: ["sa"] }) });
export const CONFIG_MAPS: Strategy = strategy({ info: resource("", "v1", "ConfigMap", "configmaps", { shortNames: ["cm"] }) });
export const SECRETS: Strategy = strategy({
  info: resource("", "v1", "Secret", "secrets"),
  fields: { ...META_FIELDS, type: (o) => str(o.type) },
  prepareForCreate: (o) => {
    o.type ??= "Opaque";
  },
});

/** ClusterIPs from 10.96.0.0/12 in order, as the allocator of a fresh cluster hands them out. */
function serviceStrategy(): Strategy {
  let next = 1;
  return strategy({
    info: resource("", "v1", "Service", "services", { shortNames: ["svc"], categories: ["all"], subresources: ["status"] }),
    nameRule: "dns1035",
    mergeKeys: { ...META_MERGE_KEYS, "spec.ports": "port", "status.conditions": "type" },
    prepareForCreate: (o) => {
      const s: JsonObject = { type: "ClusterIP", sessionAffinity: "None", ...sub(o, "spec") };
      if (s.clusterIP === undefined && s.type !== "ExternalName") {
        const n = next++;
        s.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
        s.clusterIPs = [s.clusterIP];
      }
      o.spec = s;
      o.status = { loadBalancer: {} };
    },
    prepareForUpdate: (o, old) => {
      const s = sub(o, "spec");
      const was = sub(old, "spec");
      if (s.clusterIP === undefined && was.clusterIP !== undefined) o.spec = { ...s, clusterIP: was.clusterIP, clusterIPs: was.clusterIPs };
    },
  });
}

export const coreStrategies = (): Strategy[] => [NODES, NAMESPACES, EVENTS, SERVICE_ACCOUNTS, CONFIG_MAPS, SECRETS, serviceStrategy()];
