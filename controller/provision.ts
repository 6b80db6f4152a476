// One pod's branch-ENI job, as provider.go CreateAndAnnotateResources + trunk.go
// CreateAndAssociateBranchENIs: capacity check, lowest free VLAN, the three EC2 calls, the
// provisioning delay, then the UID-guarded annotation PATCH and the events.

import { isConflict, isUidPreconditionFailure, retryOnConflict } from "../cluster/client/retry.js";
import type { PodObject } from "../cluster/k8s/pod.js";
import { errorMessage, isHarnessError } from "../common/errors.js";
import { POD_ENI_ANNOTATION } from "../common/names.js";
import { renderBranchAnnotation } from "./annotation.js";
import { effectiveLimit, podEvent, usedBranches } from "./context.js";
import type { BranchAlloc, ControllerContext, NodeState, PodRef } from "./context.js";
import { sampleDelay } from "./delay.js";
import { pushToFront } from "./deletes.js";
import { chance } from "./rng.js";
import type { ProvisioningRecord } from "./types.js";
import { matchingSecurityGroups, wantsBranchEni } from "./webhook.js";
import type { JobResult } from "./workqueue.js";

export interface PodJob extends PodRef {
  queuedAt: number;
}

/** trunk.go ErrCurrentlyAtMaxCapacity, verbatim. */
export const AT_MAX_CAPACITY =
  "cannot create more branches at this point as used branches plus the delete queue is at max capacity";

/** The pod still needs a branch ENI: same uid, scheduled, has the limit, no annotation yet. */
export function needsBranch(pod: PodObject | undefined, uid?: string): pod is PodObject {
  return (
    pod !== undefined &&
    (uid === undefined || pod.uid === uid) &&
    pod.deletedAt === undefined &&
    pod.nodeName !== "" &&
    wantsBranchEni(pod) &&
    pod.annotations[POD_ENI_ANNOTATION] === undefined
  );
}

class StepError extends Error {}

export async function processPod(ctx: ControllerContext, job: PodJob, attempt: number): Promise<JobResult> {
  // Level-triggered: what the pod is now, from the cache, not what the event said.
  const pod = ctx.informers.pods.get(job);
  if (!needsBranch(pod, job.uid)) return { kind: "done" };
  const node = ctx.nodes.get(pod.nodeName);
  // Unknown node: picked up again by addNode (the real controller has no trunk for it either).
  if (node === undefined) return { kind: "done" };
  // No trunk (the type does not support trunking): provider.go's "trunk not found" error.
  if (node.info.trunkEniId === "") {
    podEvent(ctx, pod, "Warning", "BranchAllocationFailed", `failed to allocate branch ENI to pod: trunk not found for node ${pod.nodeName}`, { node: pod.nodeName }, "real");
    return { kind: "done" };
  }
  const groups = matchingSecurityGroups(ctx.informers.sgps.list(), pod);
  // provider.go emits SecurityGroupRequested when the job runs (after scheduling), not at admission.
  if (groups.length === 0) {
    podEvent(ctx, pod, "Warning", "SecurityGroupRequested", "Pod will get the instance security group as the pod didn't match any Security Group from SecurityGroupPolicy");
  } else {
    podEvent(ctx, pod, "Normal", "SecurityGroupRequested", `Pod will get the following Security Groups [${groups.join(" ")}]`, { securityGroups: groups.join(",") });
  }
  if (usedBranches(node) >= effectiveLimit(ctx, node)) {
    // The real controller requeues after the cooldown period without an event; we add one (with
    // its error text) so the wait is visible on the timeline.
    podEvent(ctx, pod, "Warning", "BranchAllocationFailed", `failed to allocate branch ENI to pod: ${AT_MAX_CAPACITY}`,
      { node: node.info.name, limit: String(effectiveLimit(ctx, node)), requeueAfterMs: String(ctx.config.cooldownMs) }, "transient-expected");
    return { kind: "after", ms: ctx.config.cooldownMs };
  }
  const rec: ProvisioningRecord = {
    namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: node.info.name, attempt,
    queuedAt: job.queuedAt, startedAt: ctx.clock.now(), ec2DoneAt: undefined, endedAt: undefined,
    delayMs: 0, outcome: "in-progress", eniId: "", vlanId: 0, error: "",
  };
  ctx.records.push(rec);
  node.inflight++;
  let alloc: BranchAlloc | undefined;
  try {
    alloc = await createBranch(ctx, node, pod, groups, rec);
  } catch (e) {
    rec.outcome = "failed";
    rec.error = errorMessage(e);
    rec.endedAt = ctx.clock.now();
    if (ctx.abort.signal.aborted) return { kind: "done" };
    podEvent(ctx, pod, "Warning", "BranchAllocationFailed", `failed to allocate branch ENI to pod: ${rec.error}`,
      { node: node.info.name, attempt: String(attempt), ...(rec.eniId === "" ? {} : { eniId: rec.eniId }) }, "real");
    return { kind: "retry" };
  } finally {
    node.inflight--;
  }
  return annotate(ctx, node, pod, alloc, rec);
}

async function createBranch(ctx: ControllerContext, node: NodeState, pod: PodObject, groups: string[], rec: ProvisioningRecord): Promise<BranchAlloc> {
  const signal = ctx.abort.signal;
  const vlanId = node.vlans.assign();
  if (vlanId === undefined) throw new StepError("assigning vlad id, no free vlan id");
  if (chance(ctx.rng, ctx.faults.branchAllocationFailureRate)) {
    node.vlans.free(vlanId);
    throw new StepError("creating network interface, injected fault (branchAllocationFailureRate)");
  }
  let eni;
  try {
    eni = await ctx.ec2.createNetworkInterface({
      kind: "branch", subnet: "branch", securityGroupIds: groups, description: "branch-eni",
      // What a restarted controller recognises its branch ENIs by (docs/REFERENCE.md §8).
      tags: { "vpcresources.k8s.aws/vlan-id": String(vlanId), "vpcresources.k8s.aws/trunk-eni-id": node.info.trunkEniId },
    }, signal);
  } catch (e) {
    node.vlans.free(vlanId);
    throw new StepError(`creating network interface, ${errorMessage(e)}`);
  }
  rec.eniId = eni.eniId;
  rec.vlanId = vlanId;
  const alloc: BranchAlloc = {
    eniId: eni.eniId, mac: eni.mac, privateIp: eni.privateIps[0] ?? "", subnetCidr: eni.subnetCidr, vlanId,
    associationId: "", pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, deletionAt: undefined, deleteRetries: 0,
  };
  ctx.ec2.tagPod(eni.eniId, alloc.pod, "available");
  if (ctx.config.ec2.clientModel === "single") {
    try {
      await ctx.ec2.createNetworkInterfacePermission(eni.eniId, signal);
    } catch (e) {
      pushToFront(ctx, node, [alloc]);
      throw new StepError(`creating network interface permission, ${errorMessage(e)}`);
    }
  }
  try {
    alloc.associationId = await ctx.instanceEc2.associateTrunkInterface({ trunkEniId: node.info.trunkEniId, branchEniId: eni.eniId, vlanId }, signal);
  } catch (e) {
    pushToFront(ctx, node, [alloc]);
    throw new StepError(`associating branch to trunk, ${errorMessage(e)}`);
  }
  ctx.ec2.tagPod(eni.eniId, alloc.pod, "associated");
  rec.ec2DoneAt = ctx.clock.now();
  rec.delayMs = sampleDelay(ctx.delay, ctx.rng);
  if (rec.delayMs > 0) {
    try {
      await ctx.clock.sleep(rec.delayMs, signal);
    } catch (e) {
      pushToFront(ctx, node, [alloc]);
      throw e;
    }
  }
  return alloc;
}

async function annotate(ctx: ControllerContext, node: NodeState, pod: PodObject, alloc: BranchAlloc, rec: ProvisioningRecord): Promise<JobResult> {
  const value = renderBranchAnnotation([
    { eniId: alloc.eniId, ifAddress: alloc.mac, privateIp: alloc.privateIp, ipv6Addr: "", vlanId: alloc.vlanId, subnetCidr: alloc.subnetCidr, subnetV6Cidr: "", associationID: alloc.associationId },
  ]);
  const attrs = { eniId: alloc.eniId, vlanId: String(alloc.vlanId), privateIp: alloc.privateIp, mac: alloc.mac, node: node.info.name };
  rec.endedAt = ctx.clock.now();
  // In the cache before the PATCH, so a watcher that deletes the pod on the PATCH finds the ENI.
  node.branches.set(pod.uid, alloc);
  try {
    if (chance(ctx.rng, ctx.faults.annotationFailureRate)) {
      throw new Error(`Internal error occurred: injected fault (annotationFailureRate) patching pod ${pod.namespace}/${pod.name}`);
    }
    await patchAnnotation(ctx, pod, value);
  } catch (e) {
    rec.outcome = "annotation-failed";
    rec.error = errorMessage(e);
    if (node.branches.get(pod.uid) === alloc) node.branches.delete(pod.uid);
    pushToFront(ctx, node, [alloc]);
    podEvent(ctx, pod, "Warning", "BranchENIAnnotationFailed", `failed to annotate pod with branch ENI details: ${rec.error}`, attrs, "real");
    // worker.go does not requeue a not-found job; a uid conflict means a new pod object with its own job.
    const gone = isHarnessError(e) && (e.kind === "not-found" || e.kind === "conflict");
    if (gone) rec.outcome = "abandoned";
    return gone ? { kind: "done" } : { kind: "retry" };
  }
  rec.outcome = "allocated";
  podEvent(ctx, pod, "Normal", "ResourceAllocated", `Allocated ${value} to the pod`, attrs);
  return { kind: "done" };
}

/**
 * The merge PATCH of the annotation with a UID precondition, retried on conflict (wrapper.go
 * AnnotatePod). A pod that is gone answers not-found; one deleted and recreated under the same
 * name fails the UID precondition: neither is retried, neither is ours to annotate.
 */
async function patchAnnotation(ctx: ControllerContext, pod: PodObject, value: string): Promise<void> {
  await retryOnConflict(
    ctx.clock,
    () => ctx.cluster.pods.patch(pod, { metadata: { annotations: { [POD_ENI_ANNOTATION]: value } } }, { uid: pod.uid, signal: ctx.abort.signal }),
    { rng: () => ctx.rng.next(), signal: ctx.abort.signal, retriable: (e) => isConflict(e) && !isUidPreconditionFailure(e) },
  );
}
