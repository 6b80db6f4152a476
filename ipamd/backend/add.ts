// AddNetwork as ipamd's rpc_handler does it (docs/REFERENCE.md sections 1, 2, 4): a pod with the pod-eni
// limit takes the branch path (annotation or Success=false), every other pod gets a secondary IP
// from the datastore. Failures are Success=false replies, not gRPC errors, as in the real daemon.

import type { PodObject } from "../../cluster/k8s/pod.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import { EVENT_SOURCE, POD_ENI_ANNOTATION, POD_ENI_RESOURCE } from "../../common/names.js";
import type { AddNetworkRequest } from "../../proto/rpc.js";
import { parseBranchAnnotation } from "./annotation.js";
import { waitForBranchAnnotation } from "./branch-wait.js";
import type { Ctx } from "./context.js";
import { classify } from "./context.js";
import { addReply, ipMeta } from "./replies.js";
import type { AddFailureReason, AddNetworkResult, LeaseKey } from "./types.js";
import { leaseKeyOf, optionalText } from "./validate.js";

export const NO_IP_TEXT = "AssignPodIPv4Address: no available IP/Prefix addresses";
export const NO_BRANCH_TEXT = "Send AddNetworkReply: failed to get Branch ENI resource";

export async function addNetwork(ctx: Ctx, req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkResult> {
  ctx.metrics.addRequest();
  if (ctx.state.down) throw new HarnessError("unavailable", "ipamd is down (fault ipamd_down)");
  const key = leaseKeyOf(req, "AddNetwork");
  const namespace = optionalText(req, "K8S_POD_NAMESPACE", "AddNetwork");
  const name = optionalText(req, "K8S_POD_NAME", "AddNetwork");
  ctx.log.info({ netns: optionalText(req, "Netns", "AddNetwork"), ...key, namespace, name }, "Received AddNetwork");
  let seen: SeenPod | undefined;
  if (namespace !== "" && name !== "") {
    seen = await findPod(ctx, namespace, name, signal);
    // Cluster mode: ipamd learns pods only from the API (its informer); one it cannot find is a
    // refused ADD, as the real ipamd's "Failed to get pod" (the kubelet retries).
    if (seen === undefined) return fail(ctx, "internal", `Send AddNetworkReply: Failed to get pod: pods "${name}" not found`, { ...key, namespace, name });
  }
  if (seen !== undefined && seen.pod.limits[POD_ENI_RESOURCE] !== undefined) return branchAdd(ctx, seen, key, signal);
  return ordinaryAdd(ctx, key, namespace, name, signal);
}

/** The pod, and what this ADD did to it (for a refusal's details): "" when nothing. */
interface SeenPod {
  pod: PodObject;
  origin: string;
}

/**
 * The pod from the node's informer (docs/REFERENCE.md §8); on a miss a direct GET (cluster mode),
 * or, in memory mode, the cnitool case (docs/ARCHITECTURE.md): a pod first seen at its ADD is
 * created and bound to this node now, an unbound one bound.
 */
async function findPod(ctx: Ctx, namespace: string, name: string, signal?: AbortSignal): Promise<SeenPod | undefined> {
  const cached = ctx.pods.get(namespace, name);
  if (cached !== undefined && cached.nodeName !== "") return { pod: cached, origin: "" };
  if (ctx.pods.adopt !== undefined) {
    const adopted = await ctx.pods.adopt(namespace, name);
    ctx.log.info({ namespace, name, uid: adopted.pod.uid }, `pod ${adopted.origin}`);
    return adopted;
  }
  const fetched = await ctx.pods.fetch?.(namespace, name, signal);
  return fetched === undefined ? undefined : { pod: fetched, origin: "" };
}

async function ordinaryAdd(ctx: Ctx, key: LeaseKey, namespace: string, name: string, signal?: AbortSignal): Promise<AddNetworkResult> {
  try {
    const a = await ctx.datastore.assign(key, { podNamespace: namespace, podName: name }, signal);
    ctx.log.info({ ...key, ipv4: a.ipv4, deviceNumber: a.deviceNumber, eniId: a.eniId }, "Send AddNetworkReply: Success: true");
    // Route table of device d is d+1 (network card 0), as rpc_handler computes it.
    return addReply({
      Success: true,
      IPAllocationMetadata: [ipMeta(a.ipv4, a.deviceNumber, a.deviceNumber + 1)],
      VPCv4CIDRs: [...ctx.node.vpcV4Cidrs()],
    });
  } catch (e) {
    // The caller gave up (deadline or cancel): no reply will reach it, and it is no ipamd failure.
    if (signal?.aborted === true) throw signal.reason;
    const exhausted = e instanceof HarnessError && e.kind === "exhausted";
    return fail(ctx, exhausted ? "no-available-ip" : "internal", errorMessage(e), { ...key, namespace, name });
  }
}

async function branchAdd(ctx: Ctx, seen: SeenPod, key: LeaseKey, signal?: AbortSignal): Promise<AddNetworkResult> {
  const found = seen.pod;
  const who = { ...key, namespace: found.namespace, name: found.name, uid: found.uid };
  if (ctx.node.trunkEniId() === undefined) {
    ctx.metrics.podEniError("getTrunkENI");
    return fail(ctx, "no-trunk-eni", "Send AddNetworkReply: No trunk ENI found, cannot add a pod ENI", who);
  }
  let pod: PodObject | undefined = found;
  let waited = 0;
  if (pod.annotations[POD_ENI_ANNOTATION] === undefined && ctx.state.branchWaitMs > 0) {
    const started = ctx.clock.now();
    pod = await waitForBranchAnnotation(ctx.pods, ctx.clock, found, ctx.state.branchWaitMs, signal);
    waited = ctx.clock.now() - started;
    ctx.metrics.branchWait(waited, pod === undefined ? "timeout" : "ready");
    ctx.log.info({ ...who, waitedMs: waited, ready: pod !== undefined }, "waited for the branch ENI annotation");
  }
  const value = pod?.annotations[POD_ENI_ANNOTATION];
  if (value === undefined) {
    return fail(ctx, "branch-eni-not-ready", NO_BRANCH_TEXT, { ...who, details: notReadyDetails(ctx, seen, waited, await ctx.branchProgress(seen.pod)) });
  }
  const parsed = parseBranchAnnotation(value);
  if (!parsed.ok) {
    ctx.metrics.podEniError("parseAnnotation");
    return fail(ctx, "branch-eni-annotation-invalid", `Failed to parse pod-ENI annotation: ${parsed.problem}`, who);
  }
  const eni = parsed.eni;
  ctx.log.info({ ...who, vlanId: eni.vlanId, eniId: eni.eniId, ipv4: eni.privateIp }, `Pod vlandId: ${eni.vlanId}`);
  // Branch IPs come from the annotation on every call and never enter the datastore (docs/REFERENCE.md §1.7).
  return addReply({
    Success: true,
    IPAllocationMetadata: [ipMeta(eni.privateIp, -1, 0)],
    VPCv4CIDRs: [...ctx.node.vpcV4Cidrs()],
    PodVlanId: eni.vlanId,
    PodENIMAC: eni.mac,
    PodENISubnetGW: eni.subnetGateway,
    ParentIfIndex: ctx.node.trunkIfIndex(),
  });
}

/** The pod, how long since it was scheduled, and where its provisioning stands (controller's view). */
function notReadyDetails(ctx: Ctx, { pod, origin }: SeenPod, waitedMs: number, progressNow: string | undefined): string {
  const since = origin !== "" ? `, ${origin},` :
    pod.scheduledAt === undefined ? "" : `, scheduled ${((ctx.clock.now() - pod.scheduledAt) / 1000).toFixed(1)} s ago,`;
  const progress = progressNow ?? "the controller is still provisioning it";
  // Wait-for-branch mode (docs/ARCHITECTURE.md): say that this ADD already waited its whole bound.
  const waited = waitedMs > 0 ? ` after waiting ${(waitedMs / 1000).toFixed(1)} s for it` : "";
  return `pod ${pod.namespace}/${pod.name} (uid ${pod.uid})${since} needs a branch ENI (${POD_ENI_RESOURCE} limit) ` +
    `and has no ${POD_ENI_ANNOTATION} annotation yet${waited}: ${progress}`;
}

function fail(ctx: Ctx, reason: AddFailureReason, text: string, who: Record<string, unknown>): AddNetworkResult {
  const classification = classify(reason);
  ctx.metrics.addFailure(reason, classification);
  const level = classification === "transient-expected" ? "info" : "warn";
  ctx.log[level]({ ...who, reason, classification }, text);
  const namespace = typeof who.namespace === "string" ? who.namespace : "";
  const name = typeof who.name === "string" ? who.name : "";
  if (ctx.recordFailureEvents && ctx.events !== undefined && name !== "") {
    const pod = ctx.pods.get(namespace, name);
    // The real aws-node emits no event here; ours is Normal so that Warning counts stay those of a
    // real cluster (kubelet's FailedCreatePodSandBox), while the timeline shows ipamd's reply.
    ctx.events.record({
      type: "Normal",
      reason: "AddNetworkFailed",
      message: text,
      involvedObject: { kind: "Pod", namespace, name, uid: pod?.uid ?? "" },
      source: EVENT_SOURCE.ipamd,
      classification,
      attributes: { reason, containerID: String(who.containerID ?? ""), ...(typeof who.details === "string" ? { details: who.details } : {}) },
    });
  }
  // The reply stays the real one (Success=false, nothing else); the server sends `failure` as
  // trailers that real clients ignore.
  return { ...addReply({ Success: false }), failure: { reason, details: failureDetails(text, who) } };
}

/** The trailer text: the pod, our explanation when there is one, else ipamd's log text. */
function failureDetails(text: string, who: Record<string, unknown>): string {
  if (typeof who.details === "string") return who.details;
  const pod = typeof who.name === "string" && who.name !== "" ? `pod ${String(who.namespace)}/${who.name}` : `container ${String(who.containerID)}`;
  return `${pod}: ${text}`;
}
