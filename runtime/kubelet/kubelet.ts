// The kubelet pod loop: one worker per pod scheduled on this node; sandbox attempts, back-off,
// retry on pod change, container events and teardown. All I/O goes through the injected deps.

import type { PodObject, WatchType } from "../../cluster/types.js";
import { errorMessage } from "../../common/errors.js";
import { PodWorker } from "./worker.js";
import type { Kubelet, KubeletDeps, PodRuntimeState } from "./types.js";
import { DEFAULT_BACKOFF } from "./types.js";

export function createKubelet(deps: KubeletDeps): Kubelet {
  const cfg = { ...DEFAULT_BACKOFF, ...deps.backoff };
  const workers = new Map<string, PodWorker>();
  let unsubscribe: (() => void) | undefined;
  let stopped = false;

  const keyOf = (pod: PodObject): string => `${pod.namespace}/${pod.name}/${pod.uid}`;

  const onPod = (type: WatchType, pod: PodObject): void => {
    if (stopped || pod.nodeName !== deps.nodeName) return;
    const key = keyOf(pod);
    let worker = workers.get(key);
    if (type === "DELETED" || pod.deletedAt !== undefined) {
      if (worker === undefined) return;
      void worker.terminate().finally(() => workers.delete(key));
      return;
    }
    if (worker === undefined) {
      worker = new PodWorker(pod, deps, cfg);
      workers.set(key, worker);
      worker.begin();
      return;
    }
    worker.update(pod);
  };

  return {
    start() {
      for (const pod of deps.pods.listPods?.() ?? []) onPod("ADDED", pod);
      unsubscribe = deps.pods.watchPods((type, pod) => {
        try {
          onPod(type, pod);
        } catch (e) {
          // A watch callback must not throw into the store; the failure is visible in the log.
          console.error(`kubelet: handling ${type} ${pod.namespace}/${pod.name}: ${errorMessage(e)}`);
        }
      });
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      await Promise.all([...workers.values()].map((w) => w.halt()));
    },
    async teardownAll() {
      await Promise.all([...workers.values()].map((w) => w.terminate()));
      workers.clear();
    },
    state(): PodRuntimeState[] {
      return [...workers.values()].map((w) => w.state());
    },
    async idle() {
      for (;;) {
        const busy = [...workers.values()].map((w) => w.busy()).filter((p) => p !== undefined);
        if (busy.length === 0) return;
        await Promise.all(busy);
      }
    },
  };
}
