// harness.v1.Control ReconcileLeases: the container runtime's live sandboxes (e.g. CRI
// ListPodSandbox) against ipamd's leases. Every lease of a sandbox the runtime no longer has is
// released through DelNetwork, Reason "Reconciled" (checkpoint, cooldown, metrics as any DEL), as
// the real ipamd reconciles its datastore with the node's pods. This is the lease backstop for
// runtimes that never send CNI GC, like containerd (README, "No lost leases").
import type * as grpc from "@grpc/grpc-js";
import { errorMessage } from "../../common/errors.js";
import type { Backend } from "../backend/index.js";
import type * as W from "./control-types.js";
import type { HandlerLog } from "./handlers.js";
import { unary } from "./handlers.js";

export const RECONCILE_REASON = "Reconciled";

export interface ReconcileDeps {
  leases(): W.Lease[];
  backend: Pick<Backend, "delNetwork">;
  now(): number;
  log: HandlerLog;
}

/** The leases to release: not live, older than the list, of the network asked for. */
export function staleLeases(leases: readonly W.Lease[], req: Partial<W.ReconcileLeasesRequest>, now: number): W.Lease[] {
  const live = new Set(req.live_container_ids ?? []);
  const listedAt = Number(req.listed_at_ms ?? 0) > 0 ? Number(req.listed_at_ms) : now;
  const network = req.network_name ?? "";
  return leases.filter((l) => !live.has(l.container_id) && Number(l.allocated_at_ms) < listedAt && (network === "" || l.network_name === network));
}

export function reconcileHandlers(d: ReconcileDeps): grpc.UntypedServiceImplementation {
  return {
    ReconcileLeases: unary<Partial<W.ReconcileLeasesRequest>, W.ReconcileLeasesReply>("ReconcileLeases", "control", d.log, async (req, signal) => {
      const released: W.Lease[] = [];
      for (const l of staleLeases(d.leases(), req, d.now())) {
        const reply = await d.backend.delNetwork({
          K8S_POD_NAME: l.pod_name, K8S_POD_NAMESPACE: l.pod_namespace, K8S_POD_INFRA_CONTAINER_ID: l.container_id, Reason: RECONCILE_REASON,
          IfName: l.if_name, NetworkName: l.network_name, ContainerID: l.container_id, ClientVersion: "", K8S_POD_UID: "",
        }, signal).catch((e: unknown) => {
          // One lease that cannot be released (e.g. a checkpoint write failed) does not stop the rest.
          d.log.warn({ lease: l, err: errorMessage(e) }, "ReconcileLeases: release failed");
          return undefined;
        });
        if (reply?.Success === true) released.push(l);
      }
      return { released };
    }),
  };
}
