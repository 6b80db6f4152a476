// Test wiring: a FakeClock, a cluster store and a started controller with an SGP for namespace "sgp".

import { createClusterStore } from "../../cluster/k8s/index.js";
import type { ClusterStore, PodObject } from "../../cluster/k8s/index.js";
import { FakeClock } from "../../common/clock.js";
import { createController, createSeededRng, parseBranchAnnotation } from "../../controller/index.js";
import type { BranchEniAnnotation, ControllerOptions, VpcResourceController } from "../../controller/index.js";
import { POD_ENI_ANNOTATION } from "../../common/names.js";

export interface Rig {
  clock: FakeClock;
  store: ClusterStore;
  ctl: VpcResourceController;
}

export async function rig(options: ControllerOptions = {}, nodes: Array<[string, string]> = [["node-1", "m5.large"]], seed = 7): Promise<Rig> {
  const clock = new FakeClock(0);
  let n = 0;
  const store = createClusterStore({ clock, newUid: () => `uid-${++n}` });
  const ctl = createController({ clock, store, rng: createSeededRng(seed) }, { ec2: { callLatencyMs: 0 }, ...options });
  ctl.start();
  store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, serviceAccountSelector: {}, securityGroupIds: ["sg-0123"] });
  for (const [name, type] of nodes) {
    const p = ctl.addNode({ name, instanceType: type });
    await clock.runUntilIdle();
    await p;
  }
  return { clock, store, ctl };
}

export function annotationOf(pod: PodObject | undefined): BranchEniAnnotation | undefined {
  const v = pod?.annotations[POD_ENI_ANNOTATION];
  return v === undefined ? undefined : parseBranchAnnotation(v);
}

export function reasons(store: ClusterStore, name?: string): string[] {
  return store.listEvents(name === undefined ? undefined : { name }).map((e) => e.reason);
}
