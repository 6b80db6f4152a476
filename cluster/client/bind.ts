// What the scheduler does for a pod, for the memory mode's own scheduling paths (the control API's
// CreatePod{schedule}/SchedulePod, scenario pods with a node, a pod first seen at its ADD): bind it
// (pods/binding) or create it bound; and `Scheduled` events as default-scheduler records them
// (docs/REFERENCE.md §8), from a watch: a pod that appears bound, or gets bound, is reported the
// moment the store has it, before the controller or a kubelet act on it.

import type { Clock } from "../../common/clock.js";
import type { NewPod, PodObject } from "../k8s/pod.js";
import { buildPod } from "../k8s/pod.js";
import { createInformer } from "./informer.js";
import type { EventRecorder } from "./recorder.js";
import type { CallOptions, ClusterClient, ObjectRef } from "./types.js";

/** kube-scheduler's event text. */
export function scheduledMessage(pod: ObjectRef, nodeName: string): string {
  return `Successfully assigned ${pod.namespace}/${pod.name} to ${nodeName}`;
}

/** Creates the pod, bound at once when spec.nodeName is given. */
export function createPod(cluster: ClusterClient, spec: NewPod, opts?: CallOptions): Promise<PodObject> {
  return cluster.pods.create(buildPod(spec), opts);
}

/** Binds an unbound pod to a node (pods/binding); returns the bound pod. */
export async function bindPod(cluster: ClusterClient, ref: ObjectRef, nodeName: string, opts?: CallOptions): Promise<PodObject | undefined> {
  await cluster.pods.bind(ref, nodeName, opts);
  return cluster.pods.get(ref, opts);
}

/**
 * Records `Scheduled` for every pod created bound or bound later, from a pods informer; start it
 * before the controller and the kubelets so the event precedes their work, as a real scheduler's
 * precedes the kubelet's. Returns its stop.
 */
export function recordScheduling(cluster: ClusterClient, clock: Clock, recorder: EventRecorder): { start(): Promise<void>; stop(): void } {
  const pods = createInformer(cluster.pods, { clock, name: "scheduling events" });
  pods.on((type, pod, old) => {
    if (type === "DELETED" || pod.nodeName === "" || (old !== undefined && old.nodeName !== "")) return;
    recorder.record({
      type: "Normal",
      reason: "Scheduled",
      message: scheduledMessage(pod, pod.nodeName),
      involvedObject: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
      attributes: { node: pod.nodeName },
    });
  });
  return { start: () => pods.start(), stop: () => pods.stop() };
}
