// ADD (aws-cni cmdAdd): AddNetwork, the reply parsed into typed values, the attachment recorded for
// GC, then the dataplane, then the result. Anything failing after ipamd assigned the IP releases it
// (DelNetwork, Reason SetupNSFailed), and the dataplane leaves nothing behind.
import type { AddNetworkRequest } from "../../proto/rpc.js";
import { CniCode, CniError, isCniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import type { Result110 } from "../cni/types110.js";
import type { AddNetworkOutcome } from "../client/types.js";
import type { PodInterfaces, PodNetworkSpec } from "../dataplane/types.js";
import { withDeadline } from "./deadline.js";
import { forget } from "./del.js";
import { addCallFailed, addRefused, podLabel } from "./ipamd-errors.js";
import { dummyIfName } from "./naming.js";
import { parseAddReply, type AddLease } from "./reply.js";
import { buildAddResult, chainResult } from "./result.js";
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
    ClientVersion: a.conf.ipamdClientVersion,
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

/** The pod network the dataplane must build from ipamd's (parsed) reply. */
export function podSpec(a: VerbArgs, lease: AddLease): PodNetworkSpec {
  const b = lease.branch;
  const spec = basePodSpec(a, b !== undefined, lease.ipv4, lease.routeTable);
  if (b !== undefined) {
    spec.branch = { vlanId: b.vlanId, eniMac: b.eniMac, subnetGateway: b.subnetGateway, parentIfIndex: b.parentIfIndex, mode: a.conf.podSGEnforcingMode };
  }
  return spec;
}

/** aws-cni releases the IP when the pod network could not be set up; false when the release failed. */
async function release(a: VerbArgs, d: VerbDeps): Promise<boolean> {
  try {
    const r = await d.ipamd.delNetwork(delRequest(a, "SetupNSFailed", ""));
    if (r.Success) return true;
    d.log.error("failed to release IP after failed setup: Success == false");
  } catch (e) {
    d.log.error("failed to release IP after failed setup", { error: e });
  }
  return false;
}

/** Releases the IP; the attachment record goes only when the release worked (else GC needs it). */
async function releaseAndForget(a: VerbArgs, d: VerbDeps): Promise<void> {
  if (await release(a, d)) await forget(a, d);
}

/** The typed lease, or the IP released and a clean error: a reply is never trusted unparsed. */
async function leaseOf(a: VerbArgs, d: VerbDeps, reply: AddNetworkOutcome): Promise<AddLease> {
  const parsed = parseAddReply(reply);
  if (parsed.ok && parsed.value !== undefined) return parsed.value;
  await release(a, d);
  if (!parsed.ok) {
    throw new CniError(CniCode.Generic, "add cmd: ipamd's reply is invalid", { details: `${podLabel(a)}: ${parsed.problem}` });
  }
  throw new CniError(CniCode.Generic, "add cmd: ipamd returned no IPv4 address", { details: podLabel(a) });
}

async function setupOrRelease(a: VerbArgs, d: VerbDeps, spec: PodNetworkSpec): Promise<PodInterfaces> {
  try {
    return await withDeadline(d.clock, DATAPLANE_TIMEOUT_MS, "dataplane setup", (s) => d.dataplane.setup(spec, s));
  } catch (e) {
    d.log.error("failed to set up pod network", { error: e });
    await releaseAndForget(a, d);
    if (isCniError(e)) throw e;
    throw new CniError(CniCode.Generic, `add command: failed to setup network: ${e instanceof Error ? e.message : String(e)}`, {
      details: podLabel(a),
      cause: e,
    });
  }
}

/**
 * Records the attachment before the dataplane runs, so a DEL that cannot reach ipamd (or a crash
 * mid-setup) leaves a record the runtime's GC releases later. No record, no ADD: the IP is released.
 */
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
    await release(a, d);
    throw new CniError(CniCode.IoFailure, "add cmd: cannot record the attachment for GC", {
      details: `${podLabel(a)}: stateDir ${a.conf.stateDir}: ${e instanceof Error ? e.message : String(e)}; the IP was released`,
      cause: e,
    });
  }
}

export async function add(a: VerbArgs, d: VerbDeps): Promise<Result110> {
  const reply = await callAdd(a, d);
  if (!reply.Success) throw addRefused(a, d.ipamd.address, reply.note);
  const lease = await leaseOf(a, d, reply);
  d.log.info("received add network response from ipamd", { ipv4: lease.ipv4, vlanId: lease.branch?.vlanId ?? 0 });
  const spec = podSpec(a, lease);
  await remember(a, d, spec);
  const interfaces = await setupOrRelease(a, d, spec);
  const ours = buildAddResult({
    ifName: spec.ifName,
    netns: spec.netns,
    ipv4: lease.ipv4,
    mtu: a.conf.mtu,
    interfaces,
    dummyName: dummyIfName(a.k8s.podNamespace, a.k8s.podName),
    vlanId: lease.branch?.vlanId ?? 0,
    deviceNumber: lease.deviceNumber,
    routeTable: spec.routeTable,
    ...(lease.branch === undefined ? {} : { gateway: lease.branch.subnetGateway }),
  });
  return chainResult(a.conf.prevResult, ours);
}
