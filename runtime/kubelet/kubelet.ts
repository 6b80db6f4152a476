// The kubelet pod loop: one worker per pod scheduled on this node; sandbox attempts, back-off,
// retry on pod change, container events and teardown. All I/O goes through the injected deps.

import type { PodObject } from "../../cluster/k8s/pod.js";
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

  const onPod = (type: "ADDED" | "MODIFIED" | "DELETED", pod: PodObject): void => {
    if (stopped || pod.nodeName !== deps.nodeName) return;
    const key = keyOf(pod);
    let worker = workers.get(key);
    if (type === "DELETED" || pod.deletedAt !== undefined) {
      if (worker === undefined || worker.terminating) return;
      const graceful = type !== "DELETED";
      void worker
        .terminate()
        // Graceful deletion: the sandbox is down, now the object goes (gracePeriodSeconds 0).
        .then(() => (graceful ? deps.deletePod?.({ namespace: pod.namespace, name: pod.name, uid: pod.uid }) : undefined))
        .catch((e: unknown) => console.error(`kubelet: deleting ${pod.namespace}/${pod.name}: ${errorMessage(e)}`))
        .finally(() => workers.delete(key));
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
      unsubscribe = deps.pods.on((type, pod) => {
        try {
          onPod(type, pod);
        } catch (e) {
          // A watch callback must not throw into the informer; the failure is visible in the log.
          console.error(`kubelet: handling ${type} ${pod.namespace}/${pod.name}: ${errorMessage(e)}`);
        }
      });
      return deps.pods.start();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      deps.pods.stop();
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
