// The kubelet loop on the cluster seam (cluster mode; any backend, usually kube): it registers its
// Node (instance-type label, pods capacity, Ready), watches the pods bound to it
// (spec.nodeName=<node>, docs/REFERENCE.md §8), runs their sandboxes through the given runtime,
// records kubelet events (source.host = the node), reports a running pod's status (phase, podIP,
// Ready) through the status subresource, and ends graceful deletions with a grace-0 delete.

import { createInformer, recorderFor, registerNode } from "../../cluster/client/index.js";
import type { ClusterClient, EventRecorder as SeamRecorder } from "../../cluster/client/index.js";
import { formatTime } from "../../cluster/k8s/fields.js";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { instanceLimits, maxPods } from "../../common/limits.js";
import { EVENT_SOURCE } from "../../common/names.js";
import { createKubelet } from "./kubelet.js";
import type { Kubelet, KubeletObservation, PodKey, SandboxRuntime } from "./types.js";

export interface ClusterKubeletSpec {
  cluster: ClusterClient;
  nodeName: string;
  /** Its Node's node.kubernetes.io/instance-type label; pods capacity from the instance's limits. */
  instanceType: string;
  runtime: SandboxRuntime;
  /** Node labels besides the instance type (e.g. topology). */
  labels?: Record<string, string>;
  providerId?: string;
  /** status.hostIP of its pods; absent: not reported. */
  hostIP?: string;
  /** Patch a running pod's status (phase Running, podIP(s), Ready); default true. */
  reportStatus?: boolean;
  observe?: (o: KubeletObservation) => void;
  /** Reports a failed status patch or grace-0 delete (the loop goes on). */
  onProblem?: (what: string, error: unknown) => void;
  clock?: Clock;
  rng?: () => number;
}

export interface ClusterKubelet {
  kubelet: Kubelet;
  events: SeamRecorder;
  /** Stops the loop; unless `keep`, stops every sandbox still up; flushes its events. */
  shutdown(keep?: boolean): Promise<void>;
}

/** The merge patch of a running pod's status: what kubelet's status manager reports. */
export function runningStatusPatch(now: string, ips: readonly string[], hostIP: string | undefined): Record<string, unknown> {
  const addrs = ips.map((ip) => ip.replace(/\/\d+$/, ""));
  const cond = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: now });
  return {
    status: {
      phase: "Running",
      ...(addrs[0] === undefined ? {} : { podIP: addrs[0], podIPs: addrs.map((ip) => ({ ip })) }),
      ...(hostIP === undefined ? {} : { hostIP, hostIPs: [{ ip: hostIP }] }),
      startTime: now,
      conditions: [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
    },
  };
}

export async function startClusterKubelet(spec: ClusterKubeletSpec): Promise<ClusterKubelet> {
  const clock = spec.clock ?? systemClock;
  const { cluster, nodeName } = spec;
  const problem = spec.onProblem ?? (() => undefined);
  await registerNode(cluster, clock, {
    name: nodeName,
    instanceType: spec.instanceType,
    capacity: { pods: String(maxPods(instanceLimits(spec.instanceType))) },
    ...(spec.labels === undefined ? {} : { labels: spec.labels }),
    ...(spec.providerId === undefined ? {} : { providerId: spec.providerId }),
  });
  const events = recorderFor(cluster, { clock, source: EVENT_SOURCE.kubelet, host: nodeName });
  const ipsOf = new Map<string, readonly string[]>();
  const report = (pod: PodKey, ips: readonly string[]): void => {
    const ref = { namespace: pod.namespace, name: pod.name };
    cluster.pods.patch(ref, runningStatusPatch(formatTime(clock.now()), ips, spec.hostIP), { subresource: "status", uid: pod.uid })
      .catch((e: unknown) => problem(`status of ${pod.namespace}/${pod.name}`, e));
  };
  const kubelet = createKubelet({
    nodeName,
    clock,
    rng: spec.rng ?? Math.random,
    runtime: spec.runtime,
    pods: createInformer(cluster.pods, { clock, name: `kubelet ${nodeName}`, select: { fieldSelector: `spec.nodeName=${nodeName}` } }),
    deletePod: (pod) => cluster.pods.delete({ namespace: pod.namespace, name: pod.name }, { gracePeriodSeconds: 0, uid: pod.uid }),
    events,
    observe: (o) => {
      if (o.kind === "attempt-end" && o.ok) ipsOf.set(o.pod.uid, o.ips);
      if (o.kind === "running" && spec.reportStatus !== false) report(o.pod, ipsOf.get(o.pod.uid) ?? []);
      if (o.kind === "stopped") ipsOf.delete(o.pod.uid);
      spec.observe?.(o);
    },
  });
  await kubelet.start();
  return {
    kubelet,
    events,
    async shutdown(keep = false) {
      await kubelet.stop();
      if (!keep) await kubelet.teardownAll();
      await events.flush();
    },
  };
}
