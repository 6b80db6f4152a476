// kubelet's sandbox garbage collection (pkg/kubelet/kuberuntime/kuberuntime_gc.go evictSandboxes,
// docs/REFERENCE.md §8): a sandbox that is not ready is stopped and removed unless it is the newest
// sandbox of a pod still bound to this node. containerd keeps a failed sandbox NOTREADY when its CNI
// DEL failed (ipamd down, say); the StopPodSandbox here runs that DEL again, so the lease it holds is
// released once ipamd is back instead of staying behind for ever.

import type { Clock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { runPeriodically } from "../../common/periodic.js";
import type { CriClient, PodSandbox } from "../../cri/index.js";

/** kubelet's ContainerGCPeriod. */
export const SANDBOX_GC_PERIOD_MS = 60_000;

/** Pure: the NOTREADY sandboxes to remove, given the uids of the pods bound to this node. */
export function sandboxesToEvict(sandboxes: readonly PodSandbox[], livePodUids: ReadonlySet<string>): PodSandbox[] {
  const newest = new Map<string, PodSandbox>();
  for (const s of sandboxes) {
    const uid = s.metadata?.uid ?? "";
    const seen = newest.get(uid);
    if (seen === undefined || s.createdAt > seen.createdAt) newest.set(uid, s);
  }
  return sandboxes.filter((s) => {
    if (s.state !== "SANDBOX_NOTREADY") return false;
    const uid = s.metadata?.uid ?? "";
    return !livePodUids.has(uid) || newest.get(uid) !== s;
  });
}

export type GcLog = (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;

/**
 * One pass: list, choose, stop + remove each (a failure is logged and retried at the next pass).
 * `livePodUids` gives undefined while the node's pods are not known yet: then nothing is removed.
 */
export async function collectSandboxes(cri: CriClient, livePodUids: () => ReadonlySet<string> | undefined, log: GcLog, timeoutMs = 60_000): Promise<number> {
  if (livePodUids() === undefined) return 0;
  const all = await cri.listPodSandbox(undefined, { timeoutMs });
  const live = livePodUids();
  if (live === undefined) return 0;
  let removed = 0;
  for (const s of sandboxesToEvict(all, live)) {
    try {
      await cri.stopPodSandbox(s.id, { timeoutMs });
      await cri.removePodSandbox(s.id, { timeoutMs });
      removed++;
      log("info", "removed a sandbox that is not ready", { sandbox: s.id, pod: `${s.metadata?.namespace ?? ""}/${s.metadata?.name ?? ""}` });
    } catch (e) {
      log("warn", "removing a sandbox that is not ready failed; retrying at the next pass", { sandbox: s.id, err: errorMessage(e) });
    }
  }
  return removed;
}

/** Every `periodMs`, one pass after the other (never two at once). */
export function startSandboxGc(cri: CriClient, livePodUids: () => ReadonlySet<string> | undefined, clock: Clock, log: GcLog, periodMs = SANDBOX_GC_PERIOD_MS): { stop(): void } {
  return runPeriodically(clock, periodMs, periodMs, () =>
    collectSandboxes(cri, livePodUids, log).catch((e: unknown) => log("warn", "listing sandboxes for garbage collection failed", { err: errorMessage(e) })));
}
