// The demo's verdict: did the EKS sequence happen as expected? Pure: pods, events and the
// kubelet's attempts in, a summary with the problems found out.

import type { ClusterEvent, PodObject } from "../../cluster/k8s/index.js";
import { POD_ENI_RESOURCE } from "../../common/names.js";
import type { PodSummary, RunSummary } from "../output/types.js";
import type { DemoOptions } from "./options.js";

export interface PodOutcome {
  pod: PodObject;
  attempts: number;
  runningAt: number | undefined;
}

/** Below this provisioning delay the annotation lands before kubelet's 10 s back-off: one failure exactly. */
const ONE_FAILURE_BELOW_MS = 8_000;

const count = (events: readonly ClusterEvent[]): number => events.reduce((n, e) => n + e.count, 0);

function expectedFailures(o: Pick<DemoOptions, "provisioningDelayMs" | "waitForBranchEniMs">): "none" | "one" | "some" {
  if (o.waitForBranchEniMs > 0 && o.waitForBranchEniMs >= o.provisioningDelayMs + 2_000) return "none";
  return o.waitForBranchEniMs === 0 && o.provisioningDelayMs < ONE_FAILURE_BELOW_MS ? "one" : "some";
}

function checkPod(p: PodOutcome, events: readonly ClusterEvent[], o: Pick<DemoOptions, "provisioningDelayMs" | "waitForBranchEniMs">): string[] {
  const id = `${p.pod.namespace}/${p.pod.name}`;
  const branch = p.pod.limits[POD_ENI_RESOURCE] !== undefined;
  const has = (reason: string): boolean => events.some((e) => e.reason === reason);
  const problems: string[] = [];
  if (p.runningAt === undefined) problems.push(`${id}: never running`);
  for (const r of ["Scheduled", "Started", ...(branch ? ["SecurityGroupRequested", "ResourceAllocated"] : [])]) {
    if (!has(r)) problems.push(`${id}: no ${r} event`);
  }
  const failed = events.filter((e) => e.reason === "FailedCreatePodSandBox");
  const n = count(failed);
  const real = count(failed.filter((e) => e.classification !== "transient-expected"));
  if (!branch) {
    if (n > 0) problems.push(`${id}: ordinary pod had ${n} FailedCreatePodSandBox`);
    return problems;
  }
  if (real > 0) problems.push(`${id}: ${real} FailedCreatePodSandBox not labelled transient-expected`);
  const want = expectedFailures(o);
  if (want === "none" && n > 0) problems.push(`${id}: ipamd waited for the branch ENI, yet ${n} FailedCreatePodSandBox`);
  if (want === "one" && n !== 1) problems.push(`${id}: expected exactly one FailedCreatePodSandBox (branch ENI not ready), saw ${n}`);
  if (want !== "none" && n === 0 && o.waitForBranchEniMs === 0) {
    problems.push(`${id}: expected the first ADD to fail (branch ENI not ready), it did not: its ADD reached ipamd after the branch ENI was ready (a busy machine?); try a longer --provisioning-delay`);
  }
  return problems;
}

export function judge(outcomes: readonly PodOutcome[], events: readonly ClusterEvent[], o: Pick<DemoOptions, "provisioningDelayMs" | "waitForBranchEniMs">, durationMs: number): RunSummary {
  const problems: string[] = [];
  const pods: PodSummary[] = outcomes.map((p) => {
    const mine = events.filter((e) => e.involvedObject.kind === "Pod" && e.involvedObject.namespace === p.pod.namespace && e.involvedObject.name === p.pod.name);
    problems.push(...checkPod(p, mine, o));
    const failed = mine.filter((e) => e.reason === "FailedCreatePodSandBox");
    return {
      pod: `${p.pod.namespace}/${p.pod.name}`,
      branch: p.pod.limits[POD_ENI_RESOURCE] !== undefined,
      timeToRunningMs: p.runningAt === undefined ? undefined : p.runningAt - p.pod.createdAt,
      attempts: p.attempts,
      warnings: count(mine.filter((e) => e.type === "Warning")),
      transientExpected: count(failed.filter((e) => e.classification === "transient-expected")),
      real: count(failed.filter((e) => e.classification !== "transient-expected")),
    };
  });
  return { ok: problems.length === 0, pods, warnings: pods.reduce((n, p) => n + p.warnings, 0), problems, durationMs };
}
