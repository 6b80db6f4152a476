// harness.v1.Control: what the API server, the SGP webhook and the scheduler do, plus run-time
// knobs of the fake controller and inspection, on top of the cluster store and the daemon's parts.

import type * as grpc from "@grpc/grpc-js";
import type { WatchHandle } from "../../cluster/client/index.js";
import type { ControllerFaults, ProvisioningDelay } from "../../controller/index.js";
import type { Backend } from "../backend/index.js";
import type { ControlClusterDeps } from "./control-cluster.js";
import { controlClusterHandlers } from "./control-cluster.js";
import type * as W from "./control-types.js";
import { reconcileHandlers } from "./control-reconcile.js";
import { delayFromWire, delayToWire } from "./convert.js";
import type { HandlerLog } from "./handlers.js";
import { unary } from "./handlers.js";

export interface ControlDeps extends ControlClusterDeps {
  controller: {
    setProvisioningDelay(d: ProvisioningDelay): ProvisioningDelay;
    setFaults(f: Partial<ControllerFaults>): ControllerFaults;
  };
  backend: Pick<Backend, "setBranchWait" | "branchWaitMs" | "setDown" | "isDown" | "delNetwork">;
  inspect: { enis(): W.ENI[]; leases(): W.Lease[]; node(): W.Node };
  /** Told when the ipamd_down fault changes (the server flips its health status). */
  onDownChange?: (down: boolean) => void;
  log: HandlerLog;
}

export interface ControlService {
  handlers: grpc.UntypedServiceImplementation;
  /** Ends every open watch stream (shutdown). */
  endStreams(): void;
}

function faultsToWire(f: ControllerFaults, down: boolean): W.Faults {
  return {
    ec2_throttle_rate: f.ec2ThrottleRate,
    branch_allocation_failure_rate: f.branchAllocationFailureRate,
    annotation_failure_rate: f.annotationFailureRate,
    branch_capacity_override: f.branchCapacityOverride,
    ipamd_down: down,
  };
}

export function controlService(d: ControlDeps): ControlService {
  const c = controlClusterHandlers(d);
  const streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  const u = <Req, Res>(m: string, fn: (req: Req) => Res | Promise<Res>) => unary<Req, Res>(m, "control", d.log, fn);
  const watch = <Req extends Partial<W.WatchRequest>, Msg>(start: (req: Req, send: (m: Msg) => void) => Promise<WatchHandle>): grpc.handleServerStreamingCall<Req, Msg> =>
    (call) => {
      streams.add(call as grpc.ServerWritableStream<unknown, unknown>);
      let handle: WatchHandle | undefined;
      let done = false;
      const finish = (): void => {
        done = true;
        handle?.stop();
        streams.delete(call as grpc.ServerWritableStream<unknown, unknown>);
      };
      call.on("cancelled", finish);
      call.on("error", finish);
      call.on("finish", finish);
      start(call.request, (m) => void call.write(m)).then(
        (h) => {
          handle = h;
          if (done) h.stop();
        },
        (e: unknown) => call.destroy(e instanceof Error ? e : new Error(String(e))),
      );
    };

  const handlers: grpc.UntypedServiceImplementation = {
    CreatePod: u("CreatePod", c.CreatePod),
    SchedulePod: u("SchedulePod", c.SchedulePod),
    DeletePod: u("DeletePod", c.DeletePod),
    GetPod: u("GetPod", c.GetPod),
    ListPods: u("ListPods", c.ListPods),
    WatchPods: watch(c.WatchPods),
    ApplySecurityGroupPolicy: u("ApplySecurityGroupPolicy", c.ApplySecurityGroupPolicy),
    DeleteSecurityGroupPolicy: u("DeleteSecurityGroupPolicy", c.DeleteSecurityGroupPolicy),
    RecordEvent: u("RecordEvent", c.RecordEvent),
    ListEvents: u("ListEvents", c.ListEvents),
    WatchEvents: watch(c.WatchEvents),
    SetProvisioningDelay: u<Partial<W.ProvisioningDelay>, W.ProvisioningDelay>("SetProvisioningDelay", (r) =>
      delayToWire(d.controller.setProvisioningDelay(delayFromWire(r)))),
    SetFaults: u<Partial<W.Faults>, W.Faults>("SetFaults", (r) => {
      const cap = r.branch_capacity_override ?? 0;
      const f = d.controller.setFaults({
        ec2ThrottleRate: r.ec2_throttle_rate ?? 0,
        branchAllocationFailureRate: r.branch_allocation_failure_rate ?? 0,
        annotationFailureRate: r.annotation_failure_rate ?? 0,
        // proto3 sends 0 for "not set": only > 0 overrides, like -1.
        branchCapacityOverride: cap > 0 ? cap : -1,
      });
      d.backend.setDown(r.ipamd_down === true);
      d.onDownChange?.(d.backend.isDown());
      return faultsToWire(f, d.backend.isDown());
    }),
    SetBranchWait: u<Partial<W.BranchWait>, W.BranchWait>("SetBranchWait", (r) => {
      d.backend.setBranchWait(r.max_wait_ms ?? 0);
      return { max_wait_ms: d.backend.branchWaitMs() };
    }),
    ListENIs: u<W.Empty, W.ListENIsReply>("ListENIs", () => ({ enis: d.inspect.enis() })),
    ListLeases: u<W.Empty, W.ListLeasesReply>("ListLeases", () => ({ leases: d.inspect.leases() })),
    GetNode: u<W.Empty, W.Node>("GetNode", () => d.inspect.node()),
    ...reconcileHandlers({ leases: () => d.inspect.leases(), backend: d.backend, now: () => d.clock.now(), log: d.log }),
  };
  return {
    handlers,
    endStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
