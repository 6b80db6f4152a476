// DelNetwork as ipamd's rpc_handler does it (docs/REFERENCE.md sections 1, 2, 4): release the datastore
// lease; for an unknown key look at the pod: gone -> Success, branch annotation -> its VLAN and IP
// (after the UID guard), otherwise the gRPC error `datastore: unknown pod`, which the plugin
// treats as success.

import { HarnessError } from "../../common/errors.js";
import { POD_ENI_ANNOTATION } from "../../common/names.js";
import type { DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";
import { uidMismatch } from "./adopted.js";
import { parseBranchAnnotation } from "./annotation.js";
import type { Ctx } from "./context.js";
import { delReply, ipMeta } from "./replies.js";
import { leaseKeyOf, optionalText } from "./validate.js";

export const UNKNOWN_POD_TEXT = "datastore: unknown pod";

export async function delNetwork(ctx: Ctx, req: DelNetworkRequest, signal?: AbortSignal): Promise<DelNetworkReply> {
  ctx.metrics.delRequest(optionalText(req, "Reason", "DelNetwork"));
  if (ctx.state.down) throw new HarnessError("unavailable", "ipamd is down (fault ipamd_down)");
  const key = leaseKeyOf(req, "DelNetwork");
  const namespace = optionalText(req, "K8S_POD_NAMESPACE", "DelNetwork");
  const name = optionalText(req, "K8S_POD_NAME", "DelNetwork");
  if (name !== "") ctx.pods.seen?.(namespace, name);
  const uid = optionalText(req, "K8S_POD_UID", "DelNetwork");
  const who = { ...key, namespace, name, uid, reason: optionalText(req, "Reason", "DelNetwork") };
  ctx.log.info(who, "Received DelNetwork");
  const released = await ctx.datastore.release(key, signal);
  if (released !== undefined) {
    ctx.log.info({ ...who, ipv4: released.ipv4 }, "Send DelNetworkReply: released");
    return delReply({ Success: true, IPAllocationMetadata: [ipMeta(released.ipv4, released.deviceNumber, released.deviceNumber + 1)] });
  }
  if (name === "") throw unknownPod(who, "no lease for this key and no pod name to look up");
  const pod = ctx.pods.get(namespace, name) ?? (await ctx.pods.fetch?.(namespace, name, signal));
  if (pod === undefined) {
    ctx.log.warn(who, "Send DelNetworkReply: pod not found");
    return delReply({ Success: true });
  }
  const value = pod.annotations[POD_ENI_ANNOTATION];
  if (value === undefined) throw unknownPod(who, "no lease for this key, and the pod has no branch ENI annotation");
  // UID guard: a DEL for an earlier incarnation of a same-named pod must not hand back (and let the
  // plugin tear down) the current pod's VLAN. Not for a pod whose uid we invented (adopted.ts).
  if (uidMismatch(pod, uid)) {
    ctx.metrics.podEniError("uidMismatch");
    ctx.log.warn({ ...who, podUid: pod.uid }, "Send DelNetworkReply: pod UID mismatch, not this pod's branch ENI");
    throw unknownPod(who, `K8S_POD_UID ${uid} is not the current pod's uid ${pod.uid}`);
  }
  const parsed = parseBranchAnnotation(value);
  if (!parsed.ok) {
    ctx.metrics.podEniError("parseAnnotation");
    ctx.log.error({ ...who, problem: parsed.problem }, "Failed to unmarshal PodENIData JSON");
    return delReply({ Success: true });
  }
  ctx.log.info({ ...who, vlanId: parsed.eni.vlanId, ipv4: parsed.eni.privateIp }, "Send DelNetworkReply: branch ENI pod");
  return delReply({ Success: true, PodVlanId: parsed.eni.vlanId, IPAllocationMetadata: [ipMeta(parsed.eni.privateIp, 0, 0)] });
}

function unknownPod(who: Record<string, unknown>, why: string): HarnessError {
  return new HarnessError("not-found", UNKNOWN_POD_TEXT, {
    details: `${why} (network ${String(who.networkName)}, container ${String(who.containerID)}, ifname ${String(who.ifName)})`,
  });
}
