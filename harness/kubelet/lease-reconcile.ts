// The node's leases against containerd's live sandboxes (README, "No lost leases"). A DEL that cannot
// reach ipamd succeeds, as aws-cni's does, and containerd 1.6 sends no CNI GC, so a lease taken just
// before ipamd died would stay for ever. Each pass lists the sandboxes over CRI and hands them, with
// the time of the list, to mock-ipamd's ReconcileLeases, which releases every older lease of another
// container (never one taken after the list: an ADD in flight is safe).

import type { Clock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { runPeriodically } from "../../common/periodic.js";
import type { CriClient } from "../../cri/index.js";
import type { ControlClient } from "../../ipamd/index.js";

/** As often as kubelet's sandbox garbage collection (ContainerGCPeriod, 1 min). */
export const LEASE_RECONCILE_PERIOD_MS = 60_000;

export type ReconcileLog = (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;

export async function reconcileOnce(cri: CriClient, control: ControlClient, clock: Clock, log: ReconcileLog, timeoutMs = 30_000): Promise<number> {
  const listedAt = clock.now();
  const live = (await cri.listPodSandbox(undefined, { timeoutMs })).map((s) => s.id);
  const reply = await control.ReconcileLeases({ live_container_ids: live, listed_at_ms: listedAt, network_name: "" }, { timeoutMs });
  for (const l of reply.released) log("info", "released a lease whose sandbox is gone", { container: l.container_id, ip: l.ipv4 });
  return reply.released.length;
}

export function startLeaseReconcile(cri: CriClient, control: ControlClient, clock: Clock, log: ReconcileLog, periodMs = LEASE_RECONCILE_PERIOD_MS): { stop(): void } {
  return runPeriodically(clock, periodMs, periodMs, () =>
    reconcileOnce(cri, control, clock, log).catch((e: unknown) => log("warn", "reconciling the node's leases failed; retrying at the next pass", { err: errorMessage(e) })));
}
