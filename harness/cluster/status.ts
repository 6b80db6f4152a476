// What a cluster's state says about it: which recorded processes still run, and — for an `up` that
// finds a state file — the clear refusal naming the command that removes what is left.

import { HarnessError, errorMessage } from "../../common/errors.js";
import { isAlive } from "./proc.js";
import type { ClusterState } from "./state.js";

export interface ProcessStatus {
  readonly role: string;
  readonly node: string | undefined;
  readonly pid: number;
  readonly alive: boolean;
}

export async function processStatus(s: ClusterState): Promise<ProcessStatus[]> {
  const out: ProcessStatus[] = [];
  for (const p of s.processes) out.push({ role: p.role, node: p.node, pid: p.pid, alive: await isAlive(p) });
  return out;
}

export function downCommand(stateDir: string): string {
  return `vpc-cni-harness cluster down --state-dir ${stateDir}`;
}

/** The error `up` gives when a state file is already there (or cannot be read). */
export async function describeLeftover(stateDir: string, leftover: unknown): Promise<HarnessError> {
  const cmd = downCommand(stateDir);
  if (!isState(leftover)) {
    return new HarnessError("conflict", `cannot use ${stateDir}: ${errorMessage(leftover)}`, { details: `remove what it describes with: ${cmd}` });
  }
  const procs = await processStatus(leftover);
  const dead = procs.filter((p) => !p.alive);
  const upRunning = await isAlive({ pid: leftover.upPid, startTime: leftover.upStartTime });
  if (upRunning) return new HarnessError("conflict", `cluster "${leftover.name}" is being brought up right now (pid ${leftover.upPid})`, { details: `wait for it, or stop it and run: ${cmd}` });
  if (leftover.phase === "ready" && dead.length === 0) {
    return new HarnessError("conflict", `cluster "${leftover.name}" is up already (${leftover.nodes.length} nodes; kubeconfig ${leftover.kubeconfig.path})`, { details: `to start over, run first: ${cmd}` });
  }
  const why = leftover.phase !== "ready" ? "a previous `cluster up` did not finish (it was interrupted or killed)" : `part of it is gone (${dead.map((p) => `${p.role}${p.node === undefined ? "" : ` of ${p.node}`} pid ${p.pid}`).join(", ")})`;
  return new HarnessError("conflict", `cluster "${leftover.name}" is left over: ${why}`, { details: `remove it first with: ${cmd}` });
}

function isState(x: unknown): x is ClusterState {
  return typeof x === "object" && x !== null && "format" in x && "processes" in x;
}
