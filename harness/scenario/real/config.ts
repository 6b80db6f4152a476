// What a real-time run gives mock-ipamd: the scenario as the daemon's config file (node, policies,
// controller timing, EC2 limit), the fault windows as control-API SetFaults states, and the checks
// that the scenario fits real time (one node: the daemon models one; a handful of pods).

import { HarnessError } from "../../../common/errors.js";
import type { ProvisioningDelay } from "../../../controller/index.js";
import type { ControlWire } from "../../../ipamd/index.js";

type Faults = ControlWire.Faults;
import { expandNodes, expandPods } from "../expand.js";
import type { Scenario, ScenarioFault } from "../schema.js";

/** More pods than this take too long to run for real (each ADD execs the plugin and calls ipamd). */
export const REAL_MAX_PODS = 20;

/** Why the scenario cannot run in real time; empty when it can. */
export function realTimeObstacles(s: Scenario): string[] {
  const out: string[] = [];
  const nodes = expandNodes(s);
  if (nodes.length !== 1) out.push(`real time runs one node (one mock-ipamd); the scenario has ${nodes.length}`);
  if (nodes.some((n) => n.at > 0)) out.push("real time starts the node at once (nodes[].at must be 0)");
  const pods = expandPods(s).length;
  if (pods > REAL_MAX_PODS) out.push(`real time is meant for at most ${REAL_MAX_PODS} pods; the scenario has ${pods} (use --simulated)`);
  s.faults.forEach((f, i) => {
    if (f.ipamdRestart === true) out.push(`faults[${i}].ipamdRestart is supported in simulated time only`);
    if (f.ec2FailureRate !== undefined) out.push(`faults[${i}].ec2FailureRate is not in the control API's SetFaults; use --simulated`);
  });
  return out;
}

const ms = (v: number): string => `${Math.round(v)}ms`;

function delayConfig(d: ProvisioningDelay): unknown {
  switch (d.kind) {
    case "fixed":
      return ms(d.fixedMs);
    case "uniform":
      return { kind: "uniform", min: ms(d.minMs), max: ms(d.maxMs) };
    default:
      return { kind: d.kind, mean: ms(d.meanMs), stddev: ms(d.stddevMs) };
  }
}

/** The daemon's --config file (ipamd/config/schema.ts) for this scenario's node. */
export function daemonConfig(s: Scenario): Record<string, unknown> {
  const node = expandNodes(s)[0];
  if (node === undefined) throw new HarnessError("invalid-config", `scenario ${s.name}: no node`);
  const c = s.controller;
  return {
    node: { name: node.name, instanceType: node.instanceType },
    securityGroupPolicies: s.policies.map((p) => ({ namespace: p.namespace, name: p.name, podSelector: p.podSelector, serviceAccountSelector: p.serviceAccountSelector, securityGroupIds: p.securityGroups })),
    controller: { seed: s.seed, ...(c.provisioningDelay === undefined ? {} : { provisioningDelay: delayConfig(c.provisioningDelay) }) },
    ec2: {
      ...(c.ec2.qps === undefined ? {} : { qps: c.ec2.qps }),
      ...(c.ec2.burst === undefined ? {} : { burst: c.ec2.burst }),
      ...(c.ec2.callLatency === undefined ? {} : { callLatency: ms(c.ec2.callLatency) }),
    },
    ipamd: { waitForBranchEni: ms(s.ipamd.waitForBranchEni) },
  };
}

export const NO_WIRE_FAULTS: Readonly<Faults> = Object.freeze({
  ec2_throttle_rate: 0, branch_allocation_failure_rate: 0, annotation_failure_rate: 0, branch_capacity_override: -1, ipamd_down: false,
});

/** The full fault state at time t: every window active at t applied in file order. */
export function faultsAt(faults: readonly ScenarioFault[], t: number): Faults {
  const out: Faults = { ...NO_WIRE_FAULTS };
  for (const f of faults) {
    if (t < f.at || (f.for !== undefined && t >= f.at + f.for)) continue;
    if (f.ec2ThrottleRate !== undefined) out.ec2_throttle_rate = f.ec2ThrottleRate;
    if (f.branchAllocationFailureRate !== undefined) out.branch_allocation_failure_rate = f.branchAllocationFailureRate;
    if (f.annotationFailureRate !== undefined) out.annotation_failure_rate = f.annotationFailureRate;
    if (f.branchCapacity !== undefined) out.branch_capacity_override = f.branchCapacity;
    if (f.ipamdDown !== undefined) out.ipamd_down = f.ipamdDown;
  }
  return out;
}

/** Times at which the fault state changes (window starts and ends), sorted, without 0 duplicates. */
export function faultChangeTimes(faults: readonly ScenarioFault[]): number[] {
  const times = new Set<number>();
  for (const f of faults) {
    times.add(f.at);
    if (f.for !== undefined) times.add(f.at + f.for);
  }
  return [...times].sort((a, b) => a - b);
}
