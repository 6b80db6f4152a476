// core/v1 Pod: the typed view the controller, ipamd, the kubelet loop and the scheduler read,
// parsed from the wire JSON, and the builder for the pods the harness creates.

import { isObject, optArray, optBool, optObject, optStr, optTime, strMap } from "./fields.js";
import type { MetaView } from "./meta.js";
import { readMeta } from "./meta.js";
import type { K8sContainer, K8sPod } from "./types.js";

export interface PodObject extends MetaView {
  /** Limits and requests of the first container (where the SGP webhook puts pod-eni). */
  limits: Readonly<Record<string, string>>;
  requests: Readonly<Record<string, string>>;
  /** Container names, in spec order. */
  containers: readonly string[];
  serviceAccount: string;
  /** "" until scheduled (spec.nodeName). */
  nodeName: string;
  hostNetwork: boolean;
  phase: string;
  /**
   * When the pod was bound: the PodScheduled condition's time; a pod created with spec.nodeName
   * already set (no scheduler involved) counts as scheduled at its creation.
   */
  scheduledAt: number | undefined;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

export function parsePod(v: unknown): PodObject {
  const { meta, what, o } = readMeta(v, "Pod");
  const spec = optObject(o.spec, what, "spec") ?? {};
  const status = optObject(o.status, what, "status") ?? {};
  const containers = optArray(spec.containers, what, "spec.containers");
  const names: string[] = [];
  let limits = EMPTY;
  let requests = EMPTY;
  containers.forEach((c, i) => {
    const at = `spec.containers[${i}]`;
    const co = optObject(c, what, at) ?? {};
    names.push(optStr(co.name, what, `${at}.name`));
    if (i !== 0) return;
    const res = optObject(co.resources, what, `${at}.resources`) ?? {};
    limits = strMap(res.limits, what, `${at}.resources.limits`);
    requests = strMap(res.requests, what, `${at}.resources.requests`);
  });
  const nodeName = optStr(spec.nodeName, what, "spec.nodeName");
  return {
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    labels: meta.labels,
    annotations: meta.annotations,
    createdAt: meta.createdAt,
    deletedAt: meta.deletedAt,
    deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds,
    limits,
    requests,
    containers: Object.freeze(names),
    serviceAccount: optStr(spec.serviceAccountName, what, "spec.serviceAccountName") || "default",
    nodeName,
    hostNetwork: optBool(spec.hostNetwork, what, "spec.hostNetwork"),
    phase: optStr(status.phase, what, "status.phase"),
    scheduledAt: scheduledTime(status.conditions, what) ?? (nodeName === "" ? undefined : meta.createdAt),
  };
}

function scheduledTime(conditions: unknown, what: string): number | undefined {
  const list = optArray(conditions, what, "status.conditions");
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!isObject(c) || c.type !== "PodScheduled" || c.status !== "True") continue;
    return optTime(c.lastTransitionTime, what, `status.conditions[${i}].lastTransitionTime`);
  }
  return undefined;
}

/** What a pod is created from (the control API, scenarios, the cnitool path, tests). */
export interface NewPod {
  namespace: string;
  name: string;
  /** Kept by the memory store only (a real API server assigns its own). */
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  serviceAccount?: string;
  /** Bound at creation (no scheduler): spec.nodeName. */
  nodeName?: string;
  containers?: readonly K8sContainer[];
}

/** The image kubelet reports as present for the default container (docs: the demo's pods). */
export const DEFAULT_IMAGE = "public.ecr.aws/docker/library/busybox:stable";

export function buildPod(p: NewPod): K8sPod {
  const containers = p.containers ?? [{ name: "app", image: DEFAULT_IMAGE }];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: p.namespace,
      name: p.name,
      ...(p.uid === undefined || p.uid === "" ? {} : { uid: p.uid }),
      ...(p.labels === undefined || Object.keys(p.labels).length === 0 ? {} : { labels: { ...p.labels } }),
      ...(p.annotations === undefined || Object.keys(p.annotations).length === 0 ? {} : { annotations: { ...p.annotations } }),
    },
    spec: {
      ...(p.nodeName === undefined || p.nodeName === "" ? {} : { nodeName: p.nodeName }),
      serviceAccountName: p.serviceAccount === undefined || p.serviceAccount === "" ? "default" : p.serviceAccount,
      containers: containers.map((c) => ({ ...c })),
    },
  };
}

/** `ns/name`: the informer and work-queue key. */
export function podKey(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
