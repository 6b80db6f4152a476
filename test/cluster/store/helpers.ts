// Shared set-up for the registry's tests: a store on a FakeClock with counting uids.

import type { K8sObject } from "../../../cluster/k8s/types.js";
import type { ObjectStore, StoreLimits } from "../../../cluster/store/index.js";
import { createObjectStore, toStatus } from "../../../cluster/store/index.js";
import { FakeClock } from "../../../common/clock.js";

export const PODS = { group: "", plural: "pods" };
export const NODES = { group: "", plural: "nodes" };
export const EVENTS = { group: "", plural: "events" };
export const SGPS = { group: "vpcresources.k8s.aws", plural: "securitygrouppolicies" };
export const CNINODES = { group: "vpcresources.k8s.aws", plural: "cninodes" };

export function setup(limits: Partial<StoreLimits> = {}) {
  const clock = new FakeClock(Date.parse("2025-03-01T12:00:00Z"));
  let n = 0;
  const errors: unknown[] = [];
  const store: ObjectStore = createObjectStore({ clock, newUid: () => `uid-${++n}`, random: () => 0.5, onWatchError: (e) => errors.push(e), limits });
  return { clock, store, errors };
}

export function pod(name: string, extra: { labels?: Record<string, string>; nodeName?: string; spec?: Record<string, unknown>; annotations?: Record<string, string> } = {}): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }], ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), ...extra.spec },
  };
}

export function node(name: string, allocatable: Record<string, string> = { pods: "110" }): K8sObject {
  return { apiVersion: "v1", kind: "Node", metadata: { name }, status: { capacity: allocatable, allocatable } };
}

/** The Status the API server would return for what fn throws (or "none"). */
export function statusOf(fn: () => unknown): { code: number; reason: string; message: string } | "none" {
  try {
    fn();
  } catch (e) {
    const s = toStatus(e);
    return { code: s.code, reason: s.reason, message: s.message };
  }
  return "none";
}
