// The simulated cluster: the real cluster store, fake VPC resource controller + EC2, per node the
// real ipamd backend + datastore and the real kubelet loop, all on one FakeClock, in-process.

import { createClusterStore } from "../../../cluster/k8s/index.js";
import type { ClusterStore, PodObject } from "../../../cluster/k8s/index.js";
import { SimClock } from "./clock.js";
import { createController, createSeededRng } from "../../../controller/index.js";
import type { ControllerOptions, VpcResourceController } from "../../../controller/types.js";
import { instanceLimits, maxPods, secondaryIpsPerEni } from "../../../common/limits.js";
import { createKubelet } from "../../../runtime/kubelet/index.js";
import type { BackoffConfig, Kubelet, KubeletObservation } from "../../../runtime/kubelet/types.js";
import { AttemptLog } from "../../timeline/build.js";
import type { NodePlan } from "../expand.js";
import type { Scenario } from "../schema.js";
import { SILENT_LOG, SimIpamd } from "./ipamd.js";
import { createSimSandboxRuntime } from "./sandbox.js";
import { SimScheduler } from "./scheduler.js";

/** Simulated duration of one in-process CNI ADD / DEL (the real exec'd pair takes tens of ms). */
export const SIM_ADD_MS = 30;
export const SIM_DEL_MS = 20;

export interface SimNode {
  name: string;
  ipamd: SimIpamd;
  kubelet: Kubelet;
}

export interface SimWorld {
  clock: SimClock;
  store: ClusterStore;
  controller: VpcResourceController;
  scheduler: SimScheduler;
  attempts: AttemptLog;
  nodes: Map<string, SimNode>;
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
  store: ClusterStore;
  controller: VpcResourceController;
  kubeletRng: { next(): number };
  observe: (o: KubeletObservation) => void;
}

/** Node join: trunk ENI and capacity from the controller, then this node's ipamd and kubelet. */
async function joinSimNode(p: Parts, plan: NodePlan): Promise<SimNode> {
  const { s, clock, store, controller } = p;
  const limits = instanceLimits(plan.instanceType);
  await controller.addNode({ name: plan.name, instanceType: plan.instanceType, labels: plan.labels, capacity: { pods: String(maxPods(limits)) } });
  const ipamd = new SimIpamd({
    nodeName: plan.name,
    clock,
    cluster: store,
    attacher: controller.eniAttacher(plan.name, { ipsPerEni: secondaryIpsPerEni(limits) }),
    trunkEniId: () => controller.getNode(plan.name)?.trunkEniId || undefined,
    branchWaitMs: s.ipamd.waitForBranchEni,
    log: SILENT_LOG,
  });
  const runtime = createSimSandboxRuntime({ clock, backend: () => ipamd.backend(), addMs: SIM_ADD_MS, delMs: SIM_DEL_MS });
  const kubelet = createKubelet({
    nodeName: plan.name, clock, runtime, pods: store, events: store,
    rng: () => p.kubeletRng.next(), backoff: backoff(s), observe: p.observe,
  });
  kubelet.start();
  return { name: plan.name, ipamd, kubelet };
}

export function createSimWorld(s: Scenario, observe?: (o: KubeletObservation) => void): SimWorld {
  const clock = new SimClock(0);
  let uids = 0;
  const store = createClusterStore({ clock, newUid: () => `00000000-0000-4000-8000-${String(++uids).padStart(12, "0")}` });
  const controller = createController({ clock, store, rng: createSeededRng(s.seed) }, controllerOptions(s));
  const scheduler = new SimScheduler(store, clock);
  const attempts = new AttemptLog();
  const nodes = new Map<string, SimNode>();
  const pods = new Map<string, PodObject>();
  const notRunning = new Set<string>();

  store.watchPods((type, pod) => {
    pods.set(podKey(pod), pod);
    if (type === "ADDED") notRunning.add(podKey(pod));
    if (type === "DELETED") notRunning.delete(podKey(pod));
  });
  const parts: Parts = {
    s, clock, store, controller, kubeletRng: createSeededRng(s.seed + 1),
    observe: (o) => {
      attempts.observe(o);
      if (o.kind === "running") notRunning.delete(podKey(o.pod));
      observe?.(o);
    },
  };
  controller.start();
  scheduler.start();

  return {
    clock, store, controller, scheduler, attempts, nodes, pods, notRunning,
    async joinNode(plan) {
      const node = await joinSimNode(parts, plan);
      nodes.set(plan.name, node);
      scheduler.nodeAdded();
      return node;
    },
    async stop() {
      scheduler.stop();
      controller.stop();
      await Promise.all([...nodes.values()].map((n) => n.kubelet.stop()));
    },
  };
}
