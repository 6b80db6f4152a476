// The optional bounded wait for the branch ENI (--wait-for-branch-eni): instead of failing the
// first ADD like the real ipamd, watch the node's pods until the controller's annotation lands or the
// bound passes. Measures what that change would do to pod start time and warning counts.

import type { PodObject } from "../../cluster/k8s/pod.js";
import type { Clock } from "../../common/clock.js";
import { POD_ENI_ANNOTATION } from "../../common/names.js";
import type { NodePods } from "./types.js";

/** Resolves the annotated pod, or undefined after maxMs (or when the pod is deleted or the call aborted). */
export function waitForBranchAnnotation(
  pods: NodePods,
  clock: Clock,
  pod: { namespace: string; name: string; uid: string },
  maxMs: number,
  signal?: AbortSignal,
): Promise<PodObject | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: PodObject | undefined): void => {
      if (done) return;
      done = true;
      unsubscribe();
      timer.cancel();
      signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish(undefined);
    const unsubscribe = pods.on((type, p) => {
      if (p.namespace !== pod.namespace || p.name !== pod.name || p.uid !== pod.uid) return;
      if (type === "DELETED") finish(undefined);
      else if (p.annotations[POD_ENI_ANNOTATION] !== undefined) finish(p);
    });
    const timer = clock.setTimer(maxMs, () => finish(undefined));
    if (signal?.aborted) finish(undefined);
    else signal?.addEventListener("abort", onAbort, { once: true });
    // The annotation may have landed between the caller's read and the subscription.
    const now = pods.get(pod.namespace, pod.name);
    if (now !== undefined && now.uid === pod.uid && now.annotations[POD_ENI_ANNOTATION] !== undefined) finish(now);
  });
}
