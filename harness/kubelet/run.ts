// `vpc-cni-harness kubelet`: the kubelet of one node in cluster mode. It registers the Node (instance
// type label, providerID, addresses, pods capacity; NotReady until containerd reports its network
// ready, i.e. the node's conflist is there), runs the kubelet pod loop (runtime/kubelet) on an
// informer of the pods bound to it, with containerd over CRI as the runtime (which execs the CNI
// plugin), records events through the cluster seam, and writes each running pod's status.

import type { ClusterClient, Informer } from "../../cluster/client/index.js";
import type { PodObject } from "../../cluster/k8s/index.js";
import { DEFAULT_IMAGE } from "../../cluster/k8s/pod.js";
import { createInformer, recorderFor, registerNode, setNodeReady } from "../../cluster/client/index.js";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import { formatTime } from "../../cluster/k8s/fields.js";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { runPeriodically } from "../../common/periodic.js";
import { instanceLimits, maxPods } from "../../common/limits.js";
import { CriClient, createCriSandboxRuntime } from "../../cri/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/index.js";
import { createKubelet } from "../../runtime/index.js";
import { controlClient } from "../../ipamd/index.js";
import { startLeaseReconcile } from "./lease-reconcile.js";
import { startSandboxGc } from "./sandbox-gc.js";
import { nodeAddresses, runningPodStatus } from "./status.js";

export interface KubeletConfig {
  readonly kubeconfig: string | undefined;
  readonly nodeName: string;
  readonly criSocket: string;
  readonly instanceType: string;
  readonly providerId: string | undefined;
  readonly internalIp: string | undefined;
  /** The node's mock-ipamd control socket: its leases are reconciled with containerd's sandboxes. */
  readonly ipamdControl: string | undefined;
}

export type Log = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export interface RunningKubelet {
  stop(): Promise<void>;
}

/** How often the node's readiness (CRI status) is read: kubelet's runtime-state check runs every 5 s. */
const READY_CHECK_MS = 1_000;

/**
 * kubelet's registerWithAPIServer: try, and on failure wait 100 ms doubling up to 7 s, until the
 * Node is registered (docs/REFERENCE.md §8). An API server not reachable yet is no reason to exit.
 */
export async function registerWithApiServer(register: () => Promise<unknown>, clock: Clock, log: Log): Promise<void> {
  let step = 100;
  for (;;) {
    try {
      await register();
      return;
    } catch (e) {
      log("warn", "Unable to register node with API server", { err: errorMessage(e), retryInMs: step });
    }
    await clock.sleep(step);
    step = Math.min(step * 2, 7_000);
  }
}

export async function runKubelet(c: KubeletConfig, log: Log, clock: Clock = systemClock): Promise<RunningKubelet> {
  const cluster = createKubeCluster({ ...(c.kubeconfig === undefined ? {} : { kubeconfig: c.kubeconfig }), clock, userAgent: `kubelet/${c.nodeName}`, log: (l, m, f) => log(l, m, f) });
  const capacity = { pods: String(maxPods(instanceLimits(c.instanceType))) };
  await registerWithApiServer(() => registerNode(cluster, clock, { name: c.nodeName, instanceType: c.instanceType, capacity, ready: false, ...(c.providerId === undefined ? {} : { providerId: c.providerId }) }), clock, log);
  const extra = { addresses: nodeAddresses(c.nodeName, c.internalIp), capacity, allocatable: capacity };
  await setNodeReady(cluster, clock, c.nodeName, false, extra);
  const cri = new CriClient({ socket: c.criSocket, defaultTimeoutMs: 120_000 });
  const pods = createInformer(cluster.pods, { clock, select: { fieldSelector: `spec.nodeName=${c.nodeName}` }, name: "pods", log: (l, m, f) => l === "warn" || l === "error" ? log(l, m, f) : undefined });
  const events = recorderFor(cluster, { clock, source: "kubelet", host: c.nodeName, log: (l, m, f) => log(l, m, f) });
  const kubelet: Kubelet = createKubelet({
    nodeName: c.nodeName, clock, runtime: createCriSandboxRuntime({ cri }), pods, events, rng: Math.random,
    deletePod: (p) => cluster.pods.delete({ namespace: p.namespace, name: p.name }, { uid: p.uid, gracePeriodSeconds: 0 }),
    observe: (o) => onObservation(cluster, pods, c, clock, log, o),
  });
  await kubelet.start();
  const readiness = watchReadiness(cluster, cri, c, clock, log, extra);
  // Until the informer has synced, no pod counts as gone: the pass is skipped.
  const gc = startSandboxGc(cri, () => (pods.hasSynced() ? new Set(pods.list().map((p) => p.uid)) : undefined), clock, log);
  const control = c.ipamdControl === undefined ? undefined : controlClient(c.ipamdControl);
  const reconcile = control === undefined ? undefined : startLeaseReconcile(cri, control, clock, log);
  log("info", "ready", { node: c.nodeName, cri: c.criSocket, server: cluster.server });
  return {
    async stop() {
      readiness.stop();
      gc.stop();
      reconcile?.stop();
      control?.close();
      await kubelet.stop();
      await events.flush();
      cri.close();
    },
  };
}

/** When each sandbox attempt started, so its end can log how long RunPodSandbox took (bounded: one per attempt in flight). */
const attemptStarts = new Map<string, number>();

/** A sandbox that came up: the pod's status says so (its address is what Services route to). */
function onObservation(cluster: ClusterClient, pods: Informer<PodObject>, c: KubeletConfig, clock: Clock, log: Log, o: KubeletObservation): void {
  if (o.kind === "attempt-start") attemptStarts.set(o.sandboxId, o.at);
  if (o.kind !== "attempt-end") return;
  const started = attemptStarts.get(o.sandboxId);
  attemptStarts.delete(o.sandboxId);
  log("info", "sandbox", { pod: `${o.pod.namespace}/${o.pod.name}`, attempt: o.attempt, ok: o.ok, ...(started === undefined ? {} : { runPodSandboxMs: o.at - started }), ...(o.ok ? { ips: o.ips } : { classification: o.classification }) });
  if (!o.ok) return;
  const containers = pods.get({ namespace: o.pod.namespace, name: o.pod.name })?.containers ?? ["app"];
  const status = runningPodStatus({ ips: o.ips, hostIp: c.internalIp, now: formatTime(clock.now()), containers, image: DEFAULT_IMAGE });
  cluster.pods.patch({ namespace: o.pod.namespace, name: o.pod.name }, { status }, { subresource: "status", uid: o.pod.uid })
    .catch((e: unknown) => log("warn", "writing the pod's status failed", { pod: `${o.pod.namespace}/${o.pod.name}`, err: errorMessage(e) }));
}

/** Ready follows containerd's RuntimeReady and NetworkReady, as kubelet's node status does. */
function watchReadiness(cluster: ClusterClient, cri: CriClient, c: KubeletConfig, clock: Clock, log: Log, extra: Record<string, unknown>): { stop(): void } {
  let ready = false;
  return runPeriodically(clock, 0, READY_CHECK_MS, async () => {
    const conditions = await cri.status({ timeoutMs: 5_000 }).catch(() => []);
    const now = ["RuntimeReady", "NetworkReady"].every((t) => conditions.some((x) => x.type === t && x.status));
    if (now === ready) return;
    await setNodeReady(cluster, clock, c.nodeName, now, extra).then(() => {
      ready = now;
      log("info", now ? "node Ready" : "node NotReady", { node: c.nodeName });
    }, (e: unknown) => log("warn", "updating the Node's Ready condition failed", { err: errorMessage(e) }));
  });
}
