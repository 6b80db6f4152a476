// --serve-api for real-time runs (the demo, a real-time scenario): mock-ipamd serves the run's
// cluster (its embedded store: pods, the node, policies, CNINode, events) as a Kubernetes API, so a
// user watches the run with kubectl while it happens. The run's kubelet then also reports each
// running pod's status through that API (phase Running, podIP), as kubelet's status manager does
// (docs/REFERENCE.md §8): the control API has no status call, and `kubectl get pods` should show
// what the node runs.

import { join } from "node:path";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import type { KubeCluster } from "../../cluster/client/kube/index.js";
import { formatTime } from "../../cluster/k8s/fields.js";
import { DEFAULT_IMAGE } from "../../cluster/k8s/pod.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { parseServeAddress } from "../../ipamd/index.js";
import type { KubeletObservation } from "../../runtime/index.js";
import { runningPodStatus } from "../kubelet/status.js";

/** The usage check of a run's --serve-api (loopback only for runs), before anything starts. */
export function checkServeApi(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  parseServeAddress(value, false);
  return value;
}

/** mock-ipamd's flags for a run that serves its cluster; the kubeconfig lives in the run's temp dir. */
export function serveApiArgs(address: string | undefined, dir: string): string[] {
  return address === undefined ? [] : ["--serve-api", address, "--serve-api-kubeconfig", join(dir, "kubeconfig")];
}

export interface ServedApi {
  url: string;
  kubeconfig: string;
}

/** The API and kubeconfig named in mock-ipamd's ready line, if it serves one. */
export function servedApiOf(ready: Record<string, unknown>): ServedApi | undefined {
  return typeof ready.api === "string" && typeof ready.kubeconfig === "string" ? { url: ready.api, kubeconfig: ready.kubeconfig } : undefined;
}

/** What the user is told: where the API is, and how to watch the run with kubectl. */
export function servedApiLines(api: ServedApi, namespace: string): string[] {
  return [
    `Kubernetes API of this run: ${api.url} (kubeconfig ${api.kubeconfig}, private to you; gone when the run ends)`,
    `watch it: kubectl --kubeconfig ${api.kubeconfig} get pods -A -w    (then: kubectl --kubeconfig ${api.kubeconfig} describe pod -n ${namespace} <pod>)`,
  ];
}

/**
 * Reports a pod's status (Running, its IPs) through the served API once its sandbox is up. Built on
 * mock-ipamd's ready line, so it can be handed to the kubelet loop before the daemon is known.
 */
export function podStatusReporter(onProblem: (text: string) => void): { use(api: ServedApi): void; observe(o: KubeletObservation): void; flush(): Promise<void> } {
  let cluster: KubeCluster | undefined;
  // Writes in flight: the run waits for them before it deletes its pods, so a watcher sees each
  // pod's Running before its deletion (the API goes away with the run).
  const pending = new Set<Promise<void>>();
  return {
    async flush() {
      await Promise.all([...pending]);
    },
    use(api) {
      cluster = createKubeCluster({ kubeconfig: api.kubeconfig, clock: systemClock, userAgent: "kubelet/vpc-cni-harness" });
    },
    observe(o) {
      if (cluster === undefined || o.kind !== "attempt-end" || !o.ok) return;
      const c = cluster;
      const ref = { namespace: o.pod.namespace, name: o.pod.name };
      const now = formatTime(systemClock.now());
      const write = (async () => {
        // Its containers' names, for their statuses (kubectl's READY).
        const containers = (await c.pods.get(ref))?.containers ?? [];
        const status = runningPodStatus({ ips: o.ips, hostIp: undefined, now, containers, image: DEFAULT_IMAGE });
        await c.pods.patch(ref, { status }, { subresource: "status", uid: o.pod.uid });
      })().catch((e: unknown) => onProblem(`status of ${o.pod.namespace}/${o.pod.name} through the served API: ${errorMessage(e)}`));
      pending.add(write);
      void write.finally(() => pending.delete(write));
    },
  };
}
