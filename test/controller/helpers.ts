// Test wiring: a FakeClock, a memory-mode cluster (test/helpers/cluster.ts) and a started
// controller with its webhook as the store's admission hook, an SGP for namespace "sgp", and
// nodes joined through the real handshake (Node registered, CNINode feature, trunk ENI).

import type { PodObject } from "../../cluster/k8s/index.js";
import { FakeClock } from "../../common/clock.js";
import { POD_ENI_ANNOTATION } from "../../common/names.js";
import { instanceLimits, maxPods, supportsTrunking } from "../../common/limits.js";
import { createController, createSeededRng, parseBranchAnnotation } from "../../controller/index.js";
import type { BranchEniAnnotation, ControllerOptions, NetworkInterface, VpcResourceController } from "../../controller/index.js";
import { markCniNode } from "../../ipamd/index.js";
import { registerNode } from "../../runtime/kubelet/index.js";
import { testCluster } from "../helpers/cluster.js";
import type { TestCluster } from "../helpers/cluster.js";

export interface Rig {
  clock: FakeClock;
  store: TestCluster;
  ctl: VpcResourceController;
}

/** The controller's SGP webhook as the memory store's admission hook (pod CREATE). */
export function installWebhook(tc: TestCluster, ctl: VpcResourceController): void {
  const hook = ctl.admissionHook();
  tc.store.addAdmissionHook({ group: "", plural: "pods" }, (op, object) => hook(op, object));
}

/**
 * A node joins as on EKS: EC2 runs the instance, the kubelet registers the Node, ipamd adds the
 * CNINode feature (trunk-capable types). The controller's part happens as the clock runs.
 */
export async function startJoin(tc: TestCluster, ctl: VpcResourceController, name: string, instanceType: string, primaryEniSecondaryIps = 0): Promise<NetworkInterface> {
  const limits = instanceLimits(instanceType);
  const primary = ctl.ec2.launchInstance(name, primaryEniSecondaryIps);
  await registerNode(tc.cluster, tc.clock, { name, instanceType, capacity: { pods: String(maxPods(limits)) } });
  if (supportsTrunking(limits)) await markCniNode(tc.cluster, tc.clock, name);
  return primary;
}

export async function rig(options: ControllerOptions = {}, nodes: Array<[string, string]> = [["node-1", "m5.large"]], seed = 7): Promise<Rig> {
  const clock = new FakeClock(0);
  const store = testCluster(clock);
  const ctl = createController({ clock, cluster: store.cluster, rng: createSeededRng(seed) }, { ec2: { callLatencyMs: 0 }, ...options });
  installWebhook(store, ctl);
  await ctl.start();
  store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, securityGroupIds: ["sg-0123"] });
  for (const [name, type] of nodes) {
    await startJoin(store, ctl, name, type);
    await clock.runUntilIdle();
  }
  return { clock, store, ctl };
}

export function annotationOf(pod: PodObject | undefined): BranchEniAnnotation | undefined {
  const v = pod?.annotations[POD_ENI_ANNOTATION];
  return v === undefined ? undefined : parseBranchAnnotation(v);
}

export function reasons(store: TestCluster, name?: string): string[] {
  return store.reasons(name);
}
