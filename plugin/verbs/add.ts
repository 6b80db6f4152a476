// ADD (aws-cni cmdAdd): AddNetwork, then the dataplane, then the result; a dataplane failure
// releases the IP (DelNetwork, Reason SetupNSFailed) and the dataplane leaves nothing behind.
import type { AddNetworkReply, AddNetworkRequest } from "../../proto/rpc.js";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import { CniCode, CniError, isCniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import type { Result110 } from "../cni/types110.js";
import type { AddNetworkOutcome } from "../client/types.js";
import { vlanTable } from "../dataplane/names.js";
import type { PodInterfaces, PodNetworkSpec } from "../dataplane/types.js";
import { withDeadline } from "./deadline.js";
import { addCallFailed, addRefused, podLabel } from "./ipamd-errors.js";
import { dummyIfName } from "./naming.js";
import { buildAddResult, chainResult, ordinaryRouteTable } from "./result.js";
import { basePodSpec, delRequest } from "./spec.js";
import { DATAPLANE_TIMEOUT_MS, type VerbDeps } from "./types.js";

/** Multi-NIC pods are asked for through this pod annotation (aws-cni cni.go). */
const MULTI_NIC_ANNOTATION = "k8s.amazonaws.com/nicConfig";

function requiresMultiNic(a: VerbArgs): boolean {
  const ann = a.conf.runtimeConfig["io.kubernetes.cri.pod-annotations"];
  return typeof ann === "object" && ann !== null && (ann as Record<string, unknown>)[MULTI_NIC_ANNOTATION] === "multi-nic-attachment";
}

function addRequest(a: VerbArgs): AddNetworkRequest {
  return {
    K8S_POD_NAME: a.k8s.podName,
    K8S_POD_NAMESPACE: a.k8s.podNamespace,
    K8S_POD_INFRA_CONTAINER_ID: a.k8s.infraContainerId,
    Netns: a.env.netns,
    IfName: a.env.ifName,
    NetworkName: a.conf.name,
    ContainerID: a.env.containerId,
    ClientVersion: CLIENT_VERSION,
    RequiresMultiNICAttachment: requiresMultiNic(a),
  };
}

async function callAdd(a: VerbArgs, d: VerbDeps): Promise<AddNetworkOutcome> {
  try {
    return await d.ipamd.addNetwork(addRequest(a));
  } catch (e) {
    throw addCallFailed(a, d.ipamd.address, e);
  }
}

/** The pod network the dataplane must build from ipamd's reply. */
export function podSpec(a: VerbArgs, reply: AddNetworkReply, ipv4: string, deviceNumber: number, routeTableId: number): PodNetworkSpec {
  const vlanId = reply.PodVlanId;
  const spec = basePodSpec(a, vlanId > 0, ipv4, vlanId > 0 ? vlanTable(vlanId) : ordinaryRouteTable(deviceNumber, routeTableId));
  if (vlanId > 0) {
    spec.branch = {
      vlanId,
      eniMac: reply.PodENIMAC,
      subnetGateway: reply.PodENISubnetGW,
      parentIfIndex: reply.ParentIfIndex,
      mode: a.conf.podSGEnforcingMode,
    };
  }
  return spec;
}

/** aws-cni releases the IP when the pod network could not be set up; a failed release is only logged. */
async function releaseAfterFailedSetup(a: VerbArgs, d: VerbDeps): Promise<void> {
  try {
    const r = await d.ipamd.delNetwork(delRequest(a, "SetupNSFailed", ""));
    if (!r.Success) d.log.error("failed to release IP after failed setup: Success == false");
  } catch (e) {
    d.log.error("failed to release IP after failed setup", { error: e });
  }
}

async function setupOrRelease(a: VerbArgs, d: VerbDeps, spec: PodNetworkSpec): Promise<PodInterfaces> {
  try {
    return await withDeadline(d.clock, DATAPLANE_TIMEOUT_MS, "dataplane setup", (s) => d.dataplane.setup(spec, s));
  } catch (e) {
    d.log.error("failed to set up pod network", { error: e });
    await releaseAfterFailedSetup(a, d);
    if (isCniError(e)) throw e;
    throw new CniError(CniCode.Generic, `add command: failed to setup network: ${e instanceof Error ? e.message : String(e)}`, {
      details: podLabel(a),
      cause: e,
    });
  }
}

export async function add(a: VerbArgs, d: VerbDeps): Promise<Result110> {
  const reply = await callAdd(a, d);
  if (!reply.Success) throw addRefused(a, d.ipamd.address, reply.note);
  const meta = reply.IPAllocationMetadata.find((m) => m.IPv4Addr !== "");
  if (meta === undefined) {
    await releaseAfterFailedSetup(a, d);
    throw new CniError(CniCode.Generic, "add cmd: ipamd returned no IPv4 address", { details: podLabel(a) });
  }
  d.log.info("received add network response from ipamd", { ipv4: meta.IPv4Addr, vlanId: reply.PodVlanId });
  const spec = podSpec(a, reply, meta.IPv4Addr, meta.DeviceNumber, meta.RouteTableId);
  const interfaces = await setupOrRelease(a, d, spec);
  const ours = buildAddResult({
    ifName: a.env.ifName,
    netns: a.env.netns,
    ipv4: meta.IPv4Addr,
    mtu: a.conf.mtu,
    interfaces,
    dummyName: dummyIfName(a.k8s.podNamespace, a.k8s.podName),
    vlanId: reply.PodVlanId,
    deviceNumber: meta.DeviceNumber,
    routeTable: spec.routeTable,
    ...(reply.PodVlanId > 0 && reply.PodENISubnetGW !== "" ? { gateway: reply.PodENISubnetGW } : {}),
  });
  await remember(a, d, spec);
  return chainResult(a.conf.prevResult, ours);
}

/** Records the attachment for GC; a failure is logged, never fails the ADD (ipamd holds the IP). */
async function remember(a: VerbArgs, d: VerbDeps, spec: PodNetworkSpec): Promise<void> {
  try {
    await d.store.put(a.conf.name, {
      containerId: spec.containerId,
      ifName: spec.ifName,
      netns: spec.netns,
      podNamespace: spec.podNamespace,
      podName: spec.podName,
      infraContainerId: a.k8s.infraContainerId,
      hostVethName: spec.hostVethName,
      ipv4: spec.ipv4,
      vlanId: spec.branch?.vlanId ?? 0,
      mode: a.conf.podSGEnforcingMode,
    });
  } catch (e) {
    d.log.warn("could not record the attachment for GC", { error: e, stateDir: a.conf.stateDir });
  }
}
