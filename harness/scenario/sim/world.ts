// The simulated cluster: the object store behind the cluster seam's memory backend, the fake VPC
// resource controller + EC2, per node the real ipamd backend + datastore and the real kubelet loop,
// all on one FakeClock, in-process. Every actor reaches the cluster through the seam only.

import { createInformer, createMemoryCluster, recordScheduling, recorderFor } from "../../../cluster/client/index.js";
import type { ClusterClient, EventRecorder, Informer } from "../../../cluster/client/index.js";
import type { EventObject, PodObject } from "../../../cluster/k8s/index.js";
import { createObjectStore } from "../../../cluster/store/index.js";
import type { ObjectStore } from "../../../cluster/store/index.js";
import { instanceLimits, maxPods, secondaryIpsPerEni, supportsTrunking } from "../../../common/limits.js";
import { EVENT_SOURCE } from "../../../common/names.js";
import { createController, createSeededRng } from "../../../controller/index.js";
import type { ControllerOptions, VpcResourceController } from "../../../controller/index.js";
import { markCniNode, nodePods, nodePodsInformer, trunkReady, waitForNode } from "../../../ipamd/index.js";
import { createKubelet, registerNode, setNodeReady } from "../../../runtime/index.js";
import type { BackoffConfig, Kubelet, KubeletObservation } from "../../../runtime/index.js";
import { AttemptLog } from "../../timeline/build.js";
import type { NodePlan } from "../expand.js";
import type { Scenario } from "../schema.js";
import { SimClock } from "./clock.js";
import { SILENT_LOG, SimIpamd } from "./ipamd.js";
import { createSimSandboxRuntime } from "./sandbox.js";
import { SimScheduler } from "./scheduler.js";

/** Simulated duration of one in-process CNI ADD / DEL (the real exec'd pair takes tens of ms). */
export const SIM_ADD_MS = 30;
export const SIM_DEL_MS = 20;
/** How long a joining node may wait for its trunk ENI (simulated time). */
const TRUNK_WAIT_MS = 10 * 60_000;

export interface SimNode {
  name: string;
  ipamd: SimIpamd;
  kubelet: Kubelet;
}

export interface SimWorld {
  clock: SimClock;
  store: ObjectStore;
  cluster: ClusterClient;
  controller: VpcResourceController;
  scheduler: SimScheduler;
  /** Every event of the run, as the store has it (aggregated). */
  events: Informer<EventObject>;
  /** Events of the harness itself (node restarts of the script). */
  harnessEvents: EventRecorder;
  /** default-scheduler's events, also for pods the script creates bound. */
  schedulerEvents: EventRecorder;
  attempts: AttemptLog;
  nodes: Map<string, SimNode>;
  /** The uid of the next pod the script creates. */
  newPodUid(): string;
  /** Every pod ever created, last state seen (deleted pods stay, with deletedAt). */
  pods: Map<string, PodObject>;
  /** Live pods not running yet (the run is settled when this is empty). */
  notRunning: Set<string>;
  joinNode(plan: NodePlan): Promise<SimNode>;
  stop(): Promise<void>;
}

export function controllerOptions(s: Scenario): ControllerOptions {
  const c = s.controller;
  return {
    ...(c.provisioningDelay === undefined ? {} : { provisioningDelay: c.provisioningDelay }),
    ...(c.workers === undefined ? {} : { workers: c.workers }),
    ec2: {
      ...(c.ec2.qps === undefined ? {} : { qps: c.ec2.qps }),
      ...(c.ec2.burst === undefined ? {} : { burst: c.ec2.burst }),
      ...(c.ec2.callLatency === undefined ? {} : { callLatencyMs: c.ec2.callLatency }),
    },
  };
}

function backoff(s: Scenario): Partial<BackoffConfig> {
  return {
    ...(s.kubelet.backoff === undefined ? {} : { baseMs: s.kubelet.backoff }),
    ...(s.kubelet.networkNotReady === undefined ? {} : { networkNotReadyMs: s.kubelet.networkNotReady }),
  };
}

const podKey = (p: { namespace: string; name: string; uid: string }): string => `${p.namespace}/${p.name}/${p.uid}`;

interface Parts {
  s: Scenario;
  clock: SimClock;
  cluster: ClusterClient;
  controller: VpcResourceController;
  kubeletRng: { next(): number };
  nodeKnown: (name: string) => void;
  observe: (o: KubeletObservation) => void;
}

/**
 * Node join as on EKS: EC2 runs the instance, the kubelet registers the Node (NotReady), ipamd asks
 * for a trunk through the CNINode and waits for the controller's answer, then the kubelet loop
 * starts and the node turns Ready (the scheduler places pods on Ready nodes only).
 */
async function joinSimNode(p: Parts, plan: NodePlan): Promise<SimNode> {
  const { s, clock, cluster, controller } = p;
  const limits = instanceLimits(plan.instanceType);
  controller.ec2.launchInstance(plan.name, 0);
  await registerNode(cluster, clock, { name: plan.name, instanceType: plan.instanceType, labels: plan.labels, capacity: { pods: String(maxPods(limits)) }, ready: false });
  if (supportsTrunking(limits)) {
    await markCniNode(cluster, clock, plan.name);
    await waitForNode(cluster, clock, plan.name, trunkReady, TRUNK_WAIT_MS, "the trunk ENI");
  }
  p.nodeKnown(plan.name);
  const ipamdPods = nodePodsInformer(cluster, clock, plan.name);
  await ipamdPods.start();
  const ipamd = new SimIpamd({
    nodeName: plan.name,
    clock,
    pods: nodePods({ cluster, informer: ipamdPods, nodeName: plan.name }),
    events: recorderFor(cluster, {clock, source: EVENT_SOURCE.ipamd, host: plan.name }),
    attacher: controller.eniAttacher(plan.name, { ipsPerEni: secondaryIpsPerEni(limits) }),
    trunkEniId: () => controller.ec2.list({ nodeName: plan.name, kind: "trunk" })[0]?.eniId,
    branchWaitMs: s.ipamd.waitForBranchEni,
    log: SILENT_LOG,
  });
  const runtime = createSimSandboxRuntime({ clock, backend: () => ipamd.backend(), addMs: SIM_ADD_MS, delMs: SIM_DEL_MS });
  const kubelet = createKubelet({
    nodeName: plan.name, clock, runtime,
    pods: createInformer(cluster.pods, { clock, name: `kubelet ${plan.name}`, select: { fieldSelector: `spec.nodeName=${plan.name}` } }),
    deletePod: (pod) => cluster.pods.delete(pod, { gracePeriodSeconds: 0, uid: pod.uid }),
    events: recorderFor(cluster, {clock, source: EVENT_SOURCE.kubelet, host: plan.name }),
    rng: () => p.kubeletRng.next(), backoff: backoff(s), observe: p.observe,
  });
  await kubelet.start();
  await setNodeReady(cluster, clock, plan.name, true);
  return { name: plan.name, ipamd, kubelet };
}

export function createSimWorld(s: Scenario, observe?: (o: KubeletObservation) => void): SimWorld {
  const clock = new SimClock(0);
  // Replayable uids: pods get theirs from the script (…-8000-…, numbered in creation order), every
  // other object from the store (…-9000-…).
  let podUids = 0;
  let uids = 0;
  const store = createObjectStore({
    clock,
    keepClientUid: true,
    newUid: () => `00000000-0000-4000-9000-${String(++uids).padStart(12, "0")}`,
    // A simulated run keeps every event (no 1 h TTL) and may hold many objects.
    limits: { eventTtlMs: Number.MAX_SAFE_INTEGER, maxObjectsPerResource: 10_000_000 },
  });
  const cluster = createMemoryCluster(store, { autoCreateNamespaces: true });
  const controller = createController({ clock, cluster, rng: createSeededRng(s.seed) }, controllerOptions(s));
  const hook = controller.admissionHook();
  store.addAdmissionHook({ group: "", plural: "pods" }, (op, object) => hook(op, object));
  const schedulerEvents = recorderFor(cluster, {clock, source: EVENT_SOURCE.scheduler });
  const scheduling = recordScheduling(cluster, clock, schedulerEvents);
  const scheduler = new SimScheduler(cluster, clock, schedulerEvents);
  const attempts = new AttemptLog();
  const nodes = new Map<string, SimNode>();
  const pods = new Map<string, PodObject>();
  const notRunning = new Set<string>();
  const allPods = createInformer(cluster.pods, { clock, name: "world pods" });
  allPods.on((type, pod) => {
    pods.set(podKey(pod), type === "DELETED" && pod.deletedAt === undefined ? { ...pod, deletedAt: clock.now() } : pod);
    if (type === "ADDED") notRunning.add(podKey(pod));
    if (type === "DELETED") notRunning.delete(podKey(pod));
  });
  const events = createInformer(cluster.events, { clock, name: "world events" });
  const parts: Parts = {
    s, clock, cluster, controller, kubeletRng: createSeededRng(s.seed + 1), nodeKnown: (name) => scheduler.nodeKnown(name),
    observe: (o) => {
      attempts.observe(o);
      if (o.kind === "running") notRunning.delete(podKey(o.pod));
      observe?.(o);
    },
  };
  // Watch order is delivery order: the run's own view, then Scheduled events, then the actors.
  void allPods.start();
  void events.start();
  void scheduling.start();
  void controller.start();
  scheduler.start();

  return {
    clock, store, cluster, controller, scheduler, events, schedulerEvents, attempts, nodes, pods, notRunning,
    harnessEvents: recorderFor(cluster, {clock, source: "vpc-cni-harness" }),
    newPodUid: () => `00000000-0000-4000-8000-${String(++podUids).padStart(12, "0")}`,
    async joinNode(plan) {
      const node = await joinSimNode(parts, plan);
      nodes.set(plan.name, node);
      scheduler.nodeAdded();
      return node;
    },
    async stop() {
      scheduler.stop();
      scheduling.stop();
      controller.stop();
      allPods.stop();
      events.stop();
      await Promise.all([...nodes.values()].map((n) => n.kubelet.stop()));
    },
  };
}
