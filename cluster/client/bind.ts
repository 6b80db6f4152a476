// What the scheduler does for a pod, for the memory mode's own scheduling paths (the control API's
// CreatePod{schedule}/SchedulePod, scenario pods with a node, a pod first seen at its ADD): bind it
// (or create it bound) and record `Scheduled` as default-scheduler does (docs/REFERENCE.md §8).

import { EVENT_SOURCE } from "../../common/names.js";
import type { NewPod, PodObject } from "../k8s/pod.js";
import { buildPod } from "../k8s/pod.js";
import type { EventRecorder } from "./recorder.js";
import type { CallOptions, ClusterClient, ObjectRef } from "./types.js";

/** kube-scheduler's event text. */
export function scheduledMessage(pod: ObjectRef, nodeName: string): string {
  return `Successfully assigned ${pod.namespace}/${pod.name} to ${nodeName}`;
}

function recordScheduled(recorder: EventRecorder, pod: PodObject, nodeName: string): void {
  recorder.record({
    type: "Normal",
    reason: "Scheduled",
    message: scheduledMessage(pod, nodeName),
    involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
    source: EVENT_SOURCE.scheduler,
    attributes: { node: nodeName },
  });
}

/** Creates the pod; bound at once when spec.nodeName is given (with its Scheduled event). */
export async function createPod(cluster: ClusterClient, scheduler: EventRecorder, spec: NewPod, opts?: CallOptions): Promise<PodObject> {
  const pod = await cluster.pods.create(buildPod(spec), opts);
  if (pod.nodeName !== "") recordScheduled(scheduler, pod, pod.nodeName);
  return pod;
}

/** Binds an unbound pod to a node (pods/binding), then records Scheduled; returns the bound pod. */
export async function bindPod(cluster: ClusterClient, scheduler: EventRecorder, ref: ObjectRef, nodeName: string, opts?: CallOptions): Promise<PodObject | undefined> {
  await cluster.pods.bind(ref, nodeName, opts);
  const pod = await cluster.pods.get(ref, opts);
  if (pod !== undefined) recordScheduled(scheduler, pod, nodeName);
  return pod;
}
