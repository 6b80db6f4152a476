// Conversions between the cluster's typed views and harness.v1 wire messages (snake_case,
// proto3 defaults), and validation of incoming control messages.

import type { ClusterEvent, NewEvent, PodObject, SecurityGroupPolicyObject, SimplePolicy } from "../../cluster/k8s/index.js";
import { simpleFromSgp } from "../../cluster/k8s/index.js";
import { HarnessError } from "../../common/errors.js";
import type { ProvisioningDelay } from "../../controller/index.js";
import type * as W from "./control-types.js";

export function podToWire(p: PodObject): W.Pod {
  return {
    namespace: p.namespace,
    name: p.name,
    uid: p.uid,
    labels: { ...p.labels },
    annotations: { ...p.annotations },
    resources: { limits: { ...p.limits }, requests: { ...p.requests } },
    node_name: p.nodeName,
    created_at_ms: p.createdAt,
    scheduled_at_ms: p.scheduledAt ?? 0,
    deleted_at_ms: p.deletedAt ?? 0,
    service_account: p.serviceAccount,
    resource_version: p.resourceVersion,
  };
}

export function eventToWire(e: ClusterEvent): W.Event {
  return {
    type: e.type,
    reason: e.reason,
    message: e.message,
    involved_object: { ...e.involvedObject },
    source: e.source,
    first_timestamp_ms: e.firstTimestamp,
    last_timestamp_ms: e.lastTimestamp,
    count: e.count,
    classification: e.classification,
    attributes: { ...e.attributes },
  };
}

export function eventFromWire(e: Partial<W.Event>): NewEvent {
  const type = e.type ?? "";
  if (type !== "Normal" && type !== "Warning") throw invalid(`RecordEvent: type must be Normal or Warning, got "${type}"`);
  if ((e.reason ?? "") === "") throw invalid("RecordEvent: reason is required");
  // proto-loader (defaults: true) decodes an absent message field as null, not undefined.
  const obj: Partial<W.ObjectRef> | null | undefined = e.involved_object;
  if (obj === undefined || obj === null || (obj.kind !== "Pod" && obj.kind !== "Node") || (obj.name ?? "") === "") {
    throw invalid("RecordEvent: involved_object needs kind Pod or Node and a name");
  }
  const cls = e.classification ?? "";
  if (cls !== "" && cls !== "transient-expected" && cls !== "real") {
    throw invalid(`RecordEvent: classification must be "", "transient-expected" or "real", got "${cls}"`);
  }
  const out: NewEvent = {
    type,
    reason: e.reason ?? "",
    message: e.message ?? "",
    involvedObject: { kind: obj.kind, namespace: obj.namespace ?? "", name: obj.name ?? "", uid: obj.uid ?? "" },
    source: e.source === undefined || e.source === "" ? "harness" : e.source,
    classification: cls,
    attributes: { ...(e.attributes ?? {}) },
  };
  if (e.first_timestamp_ms !== undefined && e.first_timestamp_ms > 0) out.timestamp = e.first_timestamp_ms;
  return out;
}

/** matchLabels only: selectors with expressions are shown by their labels part. */
export function policyToWire(p: SecurityGroupPolicyObject): W.SecurityGroupPolicy {
  const s = simpleFromSgp(p);
  return {
    namespace: s.namespace,
    name: s.name,
    pod_selector: { ...s.podSelector },
    service_account_selector: { ...s.serviceAccountSelector },
    security_group_ids: [...s.securityGroupIds],
  };
}

export function policyFromWire(p: Partial<W.SecurityGroupPolicy>): SimplePolicy {
  if ((p.namespace ?? "") === "" || (p.name ?? "") === "") throw invalid("ApplySecurityGroupPolicy: namespace and name are required");
  return {
    namespace: p.namespace ?? "",
    name: p.name ?? "",
    podSelector: { ...(p.pod_selector ?? {}) },
    serviceAccountSelector: { ...(p.service_account_selector ?? {}) },
    securityGroupIds: p.security_group_ids !== undefined && p.security_group_ids.length > 0 ? [...p.security_group_ids] : ["sg-harness"],
  };
}

export function delayToWire(d: ProvisioningDelay): W.ProvisioningDelay {
  const w: W.ProvisioningDelay = { kind: d.kind, fixed_ms: 0, min_ms: 0, max_ms: 0, mean_ms: 0, stddev_ms: 0 };
  if (d.kind === "fixed") w.fixed_ms = d.fixedMs;
  else if (d.kind === "uniform") Object.assign(w, { min_ms: d.minMs, max_ms: d.maxMs });
  else Object.assign(w, { mean_ms: d.meanMs, stddev_ms: d.stddevMs });
  return w;
}

export function delayFromWire(w: Partial<W.ProvisioningDelay>): ProvisioningDelay {
  switch (w.kind) {
    case "fixed": return { kind: "fixed", fixedMs: w.fixed_ms ?? 0 };
    case "uniform": return { kind: "uniform", minMs: w.min_ms ?? 0, maxMs: w.max_ms ?? 0 };
    case "normal":
    case "lognormal": return { kind: w.kind, meanMs: w.mean_ms ?? 0, stddevMs: w.stddev_ms ?? 0 };
    default: throw invalid(`SetProvisioningDelay: kind must be fixed, uniform, normal or lognormal, got "${w.kind ?? ""}"`);
  }
}

export function invalid(message: string): HarnessError {
  return new HarnessError("invalid-argument", message);
}

/** namespace + name of a PodRef, both required. */
export function podRef(r: Partial<W.PodRef>, rpc: string): { namespace: string; name: string; uid: string | undefined } {
  if ((r.namespace ?? "") === "" || (r.name ?? "") === "") throw invalid(`${rpc}: namespace and name are required`);
  return { namespace: r.namespace ?? "", name: r.name ?? "", uid: r.uid === undefined || r.uid === "" ? undefined : r.uid };
}
