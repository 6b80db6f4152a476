// The optional bounded wait for the branch ENI (--wait-for-branch-eni): instead of failing the
// first ADD like the real ipamd, watch the pod until the controller's annotation lands or the
// bound passes. Measures what that change would do to pod start time and warning counts.

import type { ClusterStore, PodObject } from "../../cluster/types.js";
import { POD_ENI_ANNOTATION } from "../../cluster/types.js";
import type { Clock } from "../../common/clock.js";

/** Resolves the annotated pod, or undefined after maxMs (or when the pod is deleted or the call aborted). */
export function waitForBranchAnnotation(
  cluster: ClusterStore,
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
    const unsubscribe = cluster.watchPods((type, p) => {
      if (p.namespace !== pod.namespace || p.name !== pod.name || p.uid !== pod.uid) return;
      if (type === "DELETED") finish(undefined);
      else if (p.annotations[POD_ENI_ANNOTATION] !== undefined) finish(p);
    });
    const timer = clock.setTimer(maxMs, () => finish(undefined));
    if (signal?.aborted) finish(undefined);
    else signal?.addEventListener("abort", onAbort, { once: true });
    // The annotation may have landed between the caller's read and the subscription.
    const now = cluster.getPod(pod.namespace, pod.name);
    if (now !== undefined && now.uid === pod.uid && now.annotations[POD_ENI_ANNOTATION] !== undefined) finish(now);
  });
}
