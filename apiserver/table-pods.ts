// The pod row of `kubectl get pods`: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE
// READINESS GATES, with the STATUS the real printPod derives from phase, reasons and container
// states (pkg/printers/internalversion/printers.go).

import type { K8sObject } from "../cluster/k8s/types.js";
import { ageOf } from "./age.js";
import type { Column } from "./table.js";

const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const podColumns: readonly Column[] = [
  { name: "Name", type: "string", format: "name" },
  { name: "Ready", type: "string", description: "The aggregate readiness state of this pod for accepting traffic." },
  { name: "Status", type: "string", description: "The aggregate status of the containers in this pod." },
  { name: "Restarts", type: "string", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted." },
  { name: "Age", type: "string" },
  { name: "IP", type: "string", priority: 1, description: "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated." },
  { name: "Node", type: "string", priority: 1, description: "NodeName is a request to schedule this pod onto a specific node." },
  { name: "Nominated Node", type: "string", priority: 1 },
  { name: "Readiness Gates", type: "string", priority: 1 },
];

/** STATUS: the phase or reason, overridden by container states, "Terminating" once deleted. */
function podStatus(o: K8sObject): { reason: string; ready: number; restarts: number } {
  const status = rec(o.status);
  let reason = str(status.reason) || str(status.phase);
  let ready = 0;
  let restarts = 0;
  let initializing = false;
  const inits = list(status.initContainerStatuses);
  inits.forEach((c, i) => {
    restarts += Number(c.restartCount ?? 0);
    const state = rec(c.state);
    const term = rec(state.terminated);
    const wait = rec(state.waiting);
    if (state.terminated !== undefined && term.exitCode === 0) return;
    if (state.terminated !== undefined) reason = str(term.reason) !== "" ? `Init:${str(term.reason)}` : `Init:ExitCode:${String(term.exitCode)}`;
    else if (str(wait.reason) !== "" && wait.reason !== "PodInitializing") reason = `Init:${str(wait.reason)}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
  });
  if (!initializing) {
    let running = false;
    for (const c of list(status.containerStatuses).reverse()) {
      restarts += Number(c.restartCount ?? 0);
      const state = rec(c.state);
      const wait = rec(state.waiting);
      const term = rec(state.terminated);
      if (str(wait.reason) !== "") reason = str(wait.reason);
      else if (state.terminated !== undefined) reason = str(term.reason) !== "" ? str(term.reason) : term.signal !== undefined ? `Signal:${String(term.signal)}` : `ExitCode:${String(term.exitCode)}`;
      else if (state.running !== undefined && c.ready === true) {
        running = true;
        ready++;
      } else if (state.running !== undefined) running = true;
    }
    if (reason === "Completed" && running) reason = Object.values(status.conditions ?? []).some((c) => rec(c).type === "Ready" && rec(c).status === "True") ? "Running" : "NotReady";
  }
  if (o.metadata.deletionTimestamp !== undefined) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  return { reason, ready, restarts };
}

export function printPod(o: K8sObject, now: number): unknown[] {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const { reason, ready, restarts } = podStatus(o);
  const total = list(spec.containers).length;
  const gates = list(spec.readinessGates);
  const conds = list(status.conditions);
  const gatesCell = gates.length === 0 ? "<none>" : `${gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`;
  return [
    o.metadata.name, `${ready}/${total}`, reason, String(restarts), ageOf(o.metadata.creationTimestamp, now),
    str(status.podIP) || "<none>", str(spec.nodeName) || "<none>", str(status.nominatedNodeName) || "<none>", gatesCell,
  ];
}
