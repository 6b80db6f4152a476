// The demo's verdict: did the EKS sequence happen as expected? Pure: pods, the events the output
// showed and the kubelet's attempts in, a summary with the problems found out. A run that timed out
// or was interrupted is said to be so, and is not judged on counts it had no time to reach.

import type { ClusterEvent, PodObject } from "../../cluster/k8s/index.js";
import { POD_ENI_RESOURCE } from "../../common/names.js";
import { formatDuration } from "../../common/duration.js";
import type { PodSummary, RunEnd, RunSummary } from "../output/types.js";
import type { DemoOptions } from "./options.js";

export interface PodOutcome {
  pod: PodObject;
  attempts: number;
  runningAt: number | undefined;
}

export interface JudgeInput {
  outcomes: readonly PodOutcome[];
  /** Every event the run printed (the verdict never counts what the output did not show). */
  events: readonly ClusterEvent[];
  options: Pick<DemoOptions, "provisioningDelayMs" | "waitForBranchEniMs" | "instanceType" | "timeoutMs">;
  durationMs: number;
  ended: RunEnd;
  /** The node's vpc.amazonaws.com/pod-eni capacity (its instance type's branch-ENI limit). */
  branchCapacity: number;
}

/** Below this provisioning delay the annotation lands before kubelet's 10 s back-off: one failure exactly. */
const ONE_FAILURE_BELOW_MS = 8_000;

const count = (events: readonly ClusterEvent[]): number => events.reduce((n, e) => n + e.count, 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function expectedFailures(o: JudgeInput["options"]): "none" | "one" | "some" {
  if (o.waitForBranchEniMs > 0 && o.waitForBranchEniMs >= o.provisioningDelayMs + 2_000) return "none";
  return o.waitForBranchEniMs === 0 && o.provisioningDelayMs < ONE_FAILURE_BELOW_MS ? "one" : "some";
}

function failureCountProblems(id: string, events: readonly ClusterEvent[], o: JudgeInput["options"]): string[] {
  const failed = events.filter((e) => e.reason === "FailedCreatePodSandBox");
  const n = count(failed);
  const real = count(failed.filter((e) => e.classification !== "transient-expected"));
  const problems: string[] = [];
  if (real > 0) problems.push(`${id}: ${real} FailedCreatePodSandBox not labelled transient-expected`);
  const want = expectedFailures(o);
  if (want === "none" && n > 0) problems.push(`${id}: ipamd waited for the branch ENI, yet ${n} FailedCreatePodSandBox`);
  if (want === "one" && n > 1) problems.push(`${id}: expected exactly one FailedCreatePodSandBox (branch ENI not ready), saw ${n}`);
  if (want !== "none" && n === 0) {
    problems.push(`${id}: expected the first ADD to fail (branch ENI not ready), it did not: its ADD reached ipamd after the branch ENI was ready; try a longer --provisioning-delay`);
  }
  return problems;
}

/** A pod that ran to the end of a completed run. */
function checkPod(p: PodOutcome, events: readonly ClusterEvent[], o: JudgeInput["options"]): string[] {
  const id = `${p.pod.namespace}/${p.pod.name}`;
  const branch = p.pod.limits[POD_ENI_RESOURCE] !== undefined;
  const has = (reason: string): boolean => events.some((e) => e.reason === reason);
  const problems: string[] = [];
  if (p.runningAt === undefined) problems.push(`${id}: never running`);
  for (const r of ["Scheduled", "Started", ...(branch ? ["SecurityGroupRequested", "ResourceAllocated"] : [])]) {
    if (!has(r)) problems.push(`${id}: no ${r} event`);
  }
  if (!branch) {
    const n = count(events.filter((e) => e.reason === "FailedCreatePodSandBox"));
    return n > 0 ? [...problems, `${id}: ordinary pod had ${n} FailedCreatePodSandBox`] : problems;
  }
  return [...problems, ...failureCountProblems(id, events, o)];
}

function podSummary(p: PodOutcome, mine: readonly ClusterEvent[]): PodSummary {
  const failed = mine.filter((e) => e.reason === "FailedCreatePodSandBox");
  const unschedulable = p.pod.nodeName === "" ? mine.filter((e) => e.reason === "FailedScheduling").at(-1)?.message : undefined;
  return {
    pod: `${p.pod.namespace}/${p.pod.name}`,
    branch: p.pod.limits[POD_ENI_RESOURCE] !== undefined,
    timeToRunningMs: p.runningAt === undefined ? undefined : p.runningAt - p.pod.createdAt,
    attempts: p.attempts,
    warnings: count(mine.filter((e) => e.type === "Warning")),
    transientExpected: count(failed.filter((e) => e.classification === "transient-expected")),
    real: count(failed.filter((e) => e.classification !== "transient-expected")),
    ...(unschedulable === undefined ? {} : { unschedulable }),
  };
}

/** Where a pod that is not running got to, from its last events (for timed-out and interrupted runs). */
function whereItGot(s: PodSummary, events: readonly ClusterEvent[]): string {
  const last = events.at(-1);
  const tried = s.attempts === 0 ? "no sandbox yet" : `${plural(s.attempts, "sandbox attempt")}, ${s.transientExpected + s.real} failed`;
  return `${s.pod}: not running (${tried}${last === undefined ? "" : `; last event ${last.reason}`})`;
}

function capacityText(unschedulable: readonly PodSummary[], i: JudgeInput): string {
  const sgp = unschedulable.filter((p) => p.branch).length;
  if (sgp === 0) return `${plural(unschedulable.length, "pod")} stayed Pending: the node is full`;
  return `${plural(sgp, "SGP pod")} stayed Pending (FailedScheduling): the ${i.options.instanceType} node has room for ${i.branchCapacity} branch ENIs (${POD_ENI_RESOURCE}), as on EKS; use a larger --instance-type (m5.xlarge: 18) or fewer --pods`;
}

export function judge(i: JudgeInput): RunSummary {
  const problems: string[] = [];
  const pods: PodSummary[] = [];
  for (const p of i.outcomes) {
    const mine = i.events.filter((e) => e.involvedObject.kind === "Pod" && e.involvedObject.namespace === p.pod.namespace && e.involvedObject.name === p.pod.name);
    const s = podSummary(p, mine);
    pods.push(s);
    if (s.unschedulable !== undefined) continue;
    if (i.ended === "completed") problems.push(...checkPod(p, mine, i.options));
    else if (p.runningAt === undefined) problems.push(whereItGot(s, mine));
  }
  const unschedulable = pods.filter((p) => p.unschedulable !== undefined);
  const base = { pods, warnings: pods.reduce((n, p) => n + p.warnings, 0), problems, durationMs: i.durationMs, ended: i.ended };
  const took = formatDuration(i.durationMs);
  if (i.ended === "interrupted") return { ...base, ok: false, verdict: `INTERRUPTED after ${took} (Ctrl-C or SIGTERM): the run was stopped before it could be judged` };
  if (i.ended === "timed-out") return { ...base, ok: false, verdict: `TIMED OUT: not every pod was running after --timeout ${formatDuration(i.options.timeoutMs)}` };
  if (problems.length > 0) return { ...base, ok: false, verdict: "UNEXPECTED" };
  const capacity = unschedulable.length === 0 ? "" : `; ${capacityText(unschedulable, i)}`;
  return { ...base, ok: true, verdict: `the sequence happened as expected${capacity}` };
}
