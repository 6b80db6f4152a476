// harness.v1.Control: what the API server, the SGP webhook and the scheduler do, plus run-time
// knobs of the fake controller and inspection, on top of the cluster store and the daemon's parts.

import type * as grpc from "@grpc/grpc-js";
import type { ClusterStore } from "../../cluster/types.js";
import { HarnessError } from "../../common/errors.js";
import type { ControllerFaults, ProvisioningDelay } from "../../controller/types.js";
import type { Backend } from "../backend/index.js";
import type * as W from "./control-types.js";
import { delayFromWire, delayToWire, eventFromWire, eventToWire, podRef, podToWire, policyFromWire, policyToWire } from "./convert.js";
import { reconcileHandlers } from "./control-reconcile.js";
import type { HandlerLog } from "./handlers.js";
import { unary } from "./handlers.js";

export interface ControlDeps {
  cluster: ClusterStore;
  nodeName: string;
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
  const { cluster } = d;
  const streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  const u = <Req, Res>(m: string, fn: (req: Req) => Res | Promise<Res>) => unary<Req, Res>(m, "control", d.log, fn);
  const watch = <Req extends Partial<W.WatchRequest>, Msg>(start: (req: Req, send: (m: Msg) => void) => () => void): grpc.handleServerStreamingCall<Req, Msg> =>
    (call) => {
      streams.add(call as grpc.ServerWritableStream<unknown, unknown>);
      const stop = start(call.request, (m) => void call.write(m));
      const done = (): void => {
        stop();
        streams.delete(call as grpc.ServerWritableStream<unknown, unknown>);
      };
      call.on("cancelled", done);
      call.on("error", done);
      call.on("finish", done);
    };

  const handlers: grpc.UntypedServiceImplementation = {
    CreatePod: u<Partial<W.CreatePodRequest>, W.Pod>("CreatePod", (r) => {
      const ref = podRef(r, "CreatePod");
      const spec = { namespace: ref.namespace, name: ref.name, labels: { ...(r.labels ?? {}) }, ...(ref.uid === undefined ? {} : { uid: ref.uid }) };
      return podToWire(cluster.createPod({
        ...spec,
        ...(r.service_account === undefined || r.service_account === "" ? {} : { serviceAccount: r.service_account }),
        ...(r.schedule === true ? { nodeName: d.nodeName } : {}),
      }));
    }),
    SchedulePod: u<Partial<W.PodRef>, W.Pod>("SchedulePod", (r) => {
      const ref = podRef(r, "SchedulePod");
      return podToWire(cluster.schedulePod(ref.namespace, ref.name, d.nodeName));
    }),
    DeletePod: u<Partial<W.PodRef>, W.Pod>("DeletePod", (r) => {
      const ref = podRef(r, "DeletePod");
      return podToWire(cluster.deletePod(ref.namespace, ref.name, ref.uid));
    }),
    GetPod: u<Partial<W.PodRef>, W.Pod>("GetPod", (r) => {
      const ref = podRef(r, "GetPod");
      const pod = cluster.getPod(ref.namespace, ref.name);
      if (pod === undefined || (ref.uid !== undefined && pod.uid !== ref.uid)) {
        throw new HarnessError("not-found", `pods "${ref.name}" not found in namespace "${ref.namespace}"${ref.uid === undefined ? "" : ` with uid ${ref.uid}`}`);
      }
      return podToWire(pod);
    }),
    ListPods: u<Partial<W.ListPodsRequest>, W.ListPodsReply>("ListPods", (r) => ({ pods: cluster.listPods(r.namespace ?? "").map(podToWire) })),
    WatchPods: watch<Partial<W.WatchRequest>, W.PodChange>((req, send) => {
      if (req.send_initial === true) for (const p of cluster.listPods()) send({ type: "ADDED", pod: podToWire(p) });
      return cluster.watchPods((type, p) => send({ type, pod: podToWire(p) }));
    }),
    ApplySecurityGroupPolicy: u<Partial<W.SecurityGroupPolicy>, W.SecurityGroupPolicy>("ApplySecurityGroupPolicy", (r) =>
      policyToWire(cluster.applyPolicy(policyFromWire(r)))),
    DeleteSecurityGroupPolicy: u<Partial<W.PolicyRef>, W.SecurityGroupPolicy>("DeleteSecurityGroupPolicy", (r) =>
      policyToWire(cluster.deletePolicy(r.namespace ?? "", r.name ?? ""))),
    RecordEvent: u<Partial<W.Event>, W.Event>("RecordEvent", (r) => eventToWire(cluster.recordEvent(eventFromWire(r)))),
    ListEvents: u<Partial<W.ListEventsRequest>, W.ListEventsReply>("ListEvents", (r) => ({
      events: cluster.listEvents({ namespace: r.namespace ?? "", name: r.name ?? "" }).map(eventToWire),
    })),
    WatchEvents: watch<Partial<W.WatchRequest>, W.Event>((req, send) => {
      if (req.send_initial === true) for (const e of cluster.listEvents()) send(eventToWire(e));
      return cluster.watchEvents((e) => send(eventToWire(e)));
    }),
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
    ...reconcileHandlers({ leases: () => d.inspect.leases(), backend: d.backend, now: Date.now, log: d.log }),
  };
  return {
    handlers,
    endStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
