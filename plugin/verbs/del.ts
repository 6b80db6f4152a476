// DEL (aws-cni cmdDel): idempotent. A branch pod with prevResult is torn down without ipamd;
// otherwise DelNetwork, `datastore: unknown pod` is success, and when ipamd cannot be reached (or
// errs) the pod is torn down from prevResult and DEL still succeeds, as the real plugin does.
// The lease is still held then: the attachment record is KEPT, so the runtime's next CNI GC (or a
// later DEL of the same attachment) releases it (issue #10, "no lost leases"; README, Security).
import type { DelNetworkReply } from "../../proto/rpc.js";
import { CniCode, CniError } from "../cni/errors.js";
import type { VerbArgs } from "../cni/skel.js";
import { isIpamdError } from "../client/types.js";
import type { TeardownSpec } from "../dataplane/types.js";
import { withDeadline } from "./deadline.js";
import { podLabel, UNKNOWN_POD } from "./ipamd-errors.js";
import { hostVethPrefix, podHostVethName } from "./naming.js";
import { parseDelReply, type DelLease } from "./reply.js";
import type { PrevFacts } from "./result.js";
import { attachmentOf, delRequest, prevFacts } from "./spec.js";
import { DATAPLANE_TIMEOUT_MS, type VerbDeps } from "./types.js";

function teardownSpec(a: VerbArgs, facts: { vlanId: PrevFacts["vlanId"]; ipv4?: PrevFacts["ipv4"]; routeTable?: PrevFacts["routeTable"] }): TeardownSpec {
  const spec: TeardownSpec = {
    ...attachmentOf(a),
    netns: a.env.netns,
    hostVethName: podHostVethName(hostVethPrefix(a.conf, facts.vlanId > 0), a.k8s.podNamespace, a.k8s.podName),
    vlanId: facts.vlanId,
    mode: a.conf.podSGEnforcingMode,
  };
  if (facts.ipv4 !== undefined) spec.ipv4 = facts.ipv4;
  if (facts.routeTable !== undefined) spec.routeTable = facts.routeTable;
  return spec;
}

async function teardown(a: VerbArgs, d: VerbDeps, spec: TeardownSpec): Promise<void> {
  await withDeadline(d.clock, DATAPLANE_TIMEOUT_MS, "dataplane teardown", (s) => d.dataplane.teardown(spec, s));
}

/** tryDelWithPrevResult: branch pods need no handshake with ipamd. */
async function branchFromPrev(a: VerbArgs, d: VerbDeps, facts: PrevFacts): Promise<void> {
  // Empty netns: containerd's second DEL; the veth went with the netns (kubernetes#44100).
  if (a.env.netns === "") return d.log.info("ignoring branch pod teardown: netns is empty");
  if (facts.ipv4 === undefined) {
    throw new CniError(CniCode.Generic, "del cmd: failed to delete with prevResult", {
      details: `${podLabel(a)}: prevResult has no IPv4 address on ${a.env.ifName}`,
    });
  }
  await teardown(a, d, teardownSpec(a, facts));
  d.log.info("handled CNI del request with prevResult", { vlanId: facts.vlanId });
}

/** teardownPodNetworkWithPrevResult: best effort for ordinary pods when ipamd did not answer. */
async function ordinaryFromPrev(a: VerbArgs, d: VerbDeps, facts: PrevFacts | undefined): Promise<void> {
  if (facts === undefined || facts.vlanId !== 0 || facts.ipv4 === undefined) {
    return d.log.info("could not tear down pod using prevResult (none, or not ours)");
  }
  try {
    await teardown(a, d, teardownSpec(a, facts));
    d.log.info("handled pod teardown using prevResult");
  } catch (e) {
    d.log.error("teardown from prevResult failed", { error: e });
  }
}

function leaseOf(a: VerbArgs, r: DelNetworkReply): DelLease | undefined {
  const parsed = parseDelReply(r);
  if (parsed.ok) return parsed.value;
  throw new CniError(CniCode.Generic, "del cmd: ipamd's reply is invalid", { details: `${podLabel(a)}: ${parsed.problem}` });
}

async function teardownFromReply(a: VerbArgs, d: VerbDeps, lease: DelLease | undefined): Promise<void> {
  if (lease === undefined) return d.log.warn("container did not have a valid IP");
  if (lease.vlanId !== 0 && a.env.netns === "") return d.log.info("ignoring branch pod teardown: netns is empty");
  try {
    await teardown(a, d, teardownSpec(a, lease));
  } catch (e) {
    throw new CniError(CniCode.Generic, "del cmd: failed on tear down pod network", {
      details: `${podLabel(a)}: ${e instanceof Error ? e.message : String(e)}`,
      cause: e,
    });
  }
}

export async function del(a: VerbArgs, d: VerbDeps): Promise<void> {
  const facts = prevFacts(a);
  if (facts !== undefined && facts.vlanId > 0) {
    await branchFromPrev(a, d, facts);
    return forget(a, d);
  }
  let reply: DelNetworkReply;
  try {
    reply = await d.ipamd.delNetwork(delRequest(a, "PodDeleted", a.k8s.podUid));
  } catch (e) {
    if (isIpamdError(e) && e.grpcDetails.includes(UNKNOWN_POD)) {
      d.log.info(`container ${a.env.containerId} not found`);
      return forget(a, d);
    }
    d.log.error("error received from DelNetwork gRPC call", { error: e, address: d.ipamd.address });
    await ordinaryFromPrev(a, d, facts);
    return d.log.warn("the lease is still held by ipamd: keeping the attachment record for CNI GC or a later DEL", {
      network: a.conf.name,
    });
  }
  if (!reply.Success) {
    throw new CniError(CniCode.Generic, "del cmd: failed to process delete request", {
      details: `${podLabel(a)}: ipamd at ${d.ipamd.address} answered Success=false`,
    });
  }
  await teardownFromReply(a, d, leaseOf(a, reply));
  await forget(a, d);
}

/** Drops the attachment record; a failure is only logged (ADD's release after a failed setup uses it too). */
export async function forget(a: VerbArgs, d: VerbDeps): Promise<void> {
  try {
    await d.store.remove(a.conf.name, a.env.containerId, a.env.ifName);
  } catch (e) {
    d.log.warn("could not remove the attachment record", { error: e });
  }
}
