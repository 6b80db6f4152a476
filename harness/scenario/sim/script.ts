// Puts a scenario's timed actions on the clock: node joins, pod creations and deletions, fault
// windows and ipamd restarts; counts what is still to come so the run knows when it has settled.

import { createPod } from "../../../cluster/client/index.js";
import { buildSgp, sgpFromSimple } from "../../../cluster/k8s/index.js";
import type { ControllerFaults } from "../../../controller/index.js";
import { NO_FAULTS } from "../../../controller/index.js";
import { errorMessage } from "../../../common/errors.js";
import { expandNodes, expandPods } from "../expand.js";
import type { Scenario, ScenarioFault } from "../schema.js";
import type { SimWorld } from "./world.js";

export const DEFAULT_RESTART_DOWN_MS = 2000;

export interface Script {
  /** Actions not done yet (including node joins in flight). */
  remaining(): number;
  /** Problems met while acting (e.g. a node failed to join). */
  problems: string[];
}

function controllerPart(f: ScenarioFault): Partial<ControllerFaults> {
  const out: Partial<ControllerFaults> = {};
  if (f.ec2ThrottleRate !== undefined) out.ec2ThrottleRate = f.ec2ThrottleRate;
  if (f.ec2FailureRate !== undefined) out.ec2FailureRate = f.ec2FailureRate;
  if (f.branchAllocationFailureRate !== undefined) out.branchAllocationFailureRate = f.branchAllocationFailureRate;
  if (f.annotationFailureRate !== undefined) out.annotationFailureRate = f.annotationFailureRate;
  if (f.branchCapacity !== undefined) out.branchCapacityOverride = f.branchCapacity;
  return out;
}

/** The same keys set back to "no fault". */
function resetPart(part: Partial<ControllerFaults>): Partial<ControllerFaults> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(part)) out[k] = NO_FAULTS[k as keyof ControllerFaults];
  return out as Partial<ControllerFaults>;
}

function nodeEvent(w: SimWorld, node: string, type: "Normal" | "Warning", reason: string, message: string): void {
  w.harnessEvents.record({ type, reason, message, involvedObject: { kind: "Node", namespace: "", name: node, uid: "" } });
}

function scheduleFault(w: SimWorld, f: ScenarioFault, at: (ms: number, fn: () => void | Promise<void>) => void): void {
  const part = controllerPart(f);
  if (Object.keys(part).length > 0) {
    at(f.at, () => void w.controller.setFaults(part));
    if (f.for !== undefined) at(f.at + f.for, () => void w.controller.setFaults(resetPart(part)));
  }
  if (f.ipamdDown === true) {
    at(f.at, () => w.nodes.forEach((n) => n.ipamd.setDown(true)));
    if (f.for !== undefined) at(f.at + f.for, () => w.nodes.forEach((n) => n.ipamd.setDown(false)));
  }
  if (f.ipamdRestart === true) {
    at(f.at, () => w.nodes.forEach((n) => {
      n.ipamd.setDown(true);
      nodeEvent(w, n.name, "Warning", "IpamdStopped", "ipamd (aws-node) stopped for a restart: AddNetwork/DelNetwork unavailable");
    }));
    at(f.at + (f.for ?? DEFAULT_RESTART_DOWN_MS), async () => {
      for (const n of w.nodes.values()) {
        const restored = await n.ipamd.restart();
        nodeEvent(w, n.name, "Normal", "IpamdStarted", `ipamd (aws-node) started again; ${restored} leases restored from the checkpoint`);
      }
    });
  }
}

export function scheduleScenario(s: Scenario, w: SimWorld): Script {
  let remaining = 0;
  const problems: string[] = [];
  const at = (ms: number, fn: () => void | Promise<void>): void => {
    remaining++;
    w.clock.setTimer(ms, () => {
      Promise.resolve()
        .then(fn)
        .catch((e: unknown) => void problems.push(`at ${ms} ms: ${errorMessage(e)}`))
        .finally(() => void remaining--);
    });
  };
  for (const n of expandNodes(s)) at(n.at, () => w.joinNode(n).then(() => undefined));
  for (const p of expandPods(s)) {
    at(p.at, async () => {
      await createPod(w.cluster, { uid: w.newPodUid(), namespace: p.namespace, name: p.name, labels: p.labels, serviceAccount: p.serviceAccount, ...(p.node === undefined ? {} : { nodeName: p.node }) });
    });
    // As `kubectl delete pod`: graceful for a bound pod (the kubelet stops it, then it is gone).
    if (p.deleteAt !== undefined) at(p.deleteAt, () => w.cluster.pods.delete({ namespace: p.namespace, name: p.name }));
  }
  for (const pol of s.policies) {
    const sgp = buildSgp(sgpFromSimple({ namespace: pol.namespace, name: pol.name, podSelector: pol.podSelector, serviceAccountSelector: pol.serviceAccountSelector, securityGroupIds: pol.securityGroups }));
    w.cluster.sgps.create(sgp).catch((e: unknown) => void problems.push(`policy ${pol.namespace}/${pol.name}: ${errorMessage(e)}`));
  }
  for (const f of s.faults) scheduleFault(w, f, at);
  return { remaining: () => remaining, problems };
}
