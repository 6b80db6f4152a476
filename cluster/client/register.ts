// Node registration, the kubelet's first API call (the kubelet loop, and whoever plays the kubelet
// in memory mode): create the Node (instance-type label, pods
// capacity, the Ready condition), or, when it exists (a kubelet restart), bring its labels and
// status up to date. The controller adds the pod-eni capacity later (docs/REFERENCE.md §8).

import type { Clock } from "../../common/clock.js";
import { isHarnessError } from "../../common/errors.js";
import { formatTime } from "../k8s/fields.js";
import { buildNode } from "../k8s/node.js";
import type { NodeObject } from "../k8s/node.js";
import type { K8sNode } from "../k8s/types.js";
import type { ClusterClient } from "./types.js";

export interface NodeRegistration {
  name: string;
  instanceType: string;
  labels?: Record<string, string>;
  /** e.g. { pods: "29" } */
  capacity?: Record<string, string>;
  providerId?: string;
  /** false: NotReady (the network plugin is not ready yet); default true. */
  ready?: boolean;
}

type NodeCondition = NonNullable<NonNullable<K8sNode["status"]>["conditions"]>[number];

function readyCondition(ready: boolean, now: string): NodeCondition {
  return ready
    ? { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now, lastTransitionTime: now }
    : { type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", lastHeartbeatTime: now, lastTransitionTime: now };
}

export async function registerNode(cluster: ClusterClient, clock: Clock, r: NodeRegistration, signal?: AbortSignal): Promise<NodeObject> {
  const now = formatTime(clock.now());
  const opts = signal === undefined ? {} : { signal };
  const node = buildNode({ name: r.name, instanceType: r.instanceType, now, ...(r.labels === undefined ? {} : { labels: r.labels }), ...(r.capacity === undefined ? {} : { capacity: r.capacity }), ...(r.providerId === undefined ? {} : { providerId: r.providerId }) });
  const ready = r.ready ?? true;
  if (node.status !== undefined) node.status.conditions = [readyCondition(ready, now)];
  try {
    return await cluster.nodes.create(node, opts);
  } catch (e) {
    if (!(isHarnessError(e) && e.kind === "already-exists")) throw e;
  }
  const ref = { namespace: "", name: r.name };
  await cluster.nodes.patch(ref, { metadata: { labels: node.metadata.labels } }, opts);
  return setNodeReady(cluster, clock, r.name, ready, { capacity: { ...(r.capacity ?? {}) }, allocatable: { ...(r.capacity ?? {}) } }, signal);
}

/** The Ready condition (and, optionally, more status), through the status subresource. */
export async function setNodeReady(cluster: ClusterClient, clock: Clock, name: string, ready: boolean, status: Record<string, unknown> = {}, signal?: AbortSignal): Promise<NodeObject> {
  const now = formatTime(clock.now());
  return cluster.nodes.patch({ namespace: "", name }, { status: { ...status, conditions: [readyCondition(ready, now)] } }, { subresource: "status", ...(signal === undefined ? {} : { signal }) });
}
