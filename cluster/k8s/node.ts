// core/v1 Node: the typed view (instance type from its well-known label, capacity, allocatable,
// Ready) and the builder for the Node a kubelet registers.

import { INSTANCE_TYPE_LABEL } from "../../common/names.js";
import { isObject, optArray, optObject, optStr, strMap } from "./fields.js";
import type { MetaView } from "./meta.js";
import { readMeta } from "./meta.js";
import type { K8sNode } from "./types.js";

export interface NodeObject extends MetaView {
  /** From the label node.kubernetes.io/instance-type; "" when absent. */
  instanceType: string;
  /** e.g. { "vpc.amazonaws.com/pod-eni": "9", pods: "29" } */
  capacity: Readonly<Record<string, string>>;
  allocatable: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  ready: boolean;
  providerId: string;
}

export function parseNode(v: unknown): NodeObject {
  const { meta, what, o } = readMeta(v, "Node");
  const spec = optObject(o.spec, what, "spec") ?? {};
  const status = optObject(o.status, what, "status") ?? {};
  const conditions = optArray(status.conditions, what, "status.conditions");
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
    instanceType: meta.labels[INSTANCE_TYPE_LABEL] ?? "",
    capacity: strMap(status.capacity, what, "status.capacity"),
    allocatable: strMap(status.allocatable, what, "status.allocatable"),
    ready: conditions.some((c) => isObject(c) && c.type === "Ready" && c.status === "True"),
    providerId: optStr(spec.providerID, what, "spec.providerID"),
  };
}

export interface NewNode {
  name: string;
  instanceType: string;
  labels?: Record<string, string>;
  /** e.g. { pods: "29" }; allocatable is the same. */
  capacity?: Record<string, string>;
  providerId?: string;
  /** RFC 3339; the Ready condition's heartbeat and transition time. */
  now: string;
}

/** The Node as a kubelet registers it: instance-type label, capacity = allocatable, Ready. */
export function buildNode(n: NewNode): K8sNode {
  const capacity = { ...(n.capacity ?? {}) };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: n.name, labels: { [INSTANCE_TYPE_LABEL]: n.instanceType, "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", ...(n.labels ?? {}) } },
    spec: n.providerId === undefined ? {} : { providerID: n.providerId },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: n.now, lastTransitionTime: n.now }],
    },
  };
}
