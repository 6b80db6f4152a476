// The simulated-time sandbox runtime: RunPodSandbox calls the ipamd backend's AddNetwork /
// DelNetwork in-process instead of exec'ing the plugin (no netns, no gRPC), and reports failures
// in containerd's exact text, so the kubelet loop, its classification and its events are the real ones.

import type { PodObject } from "../../../cluster/k8s/index.js";
import type { Clock } from "../../../common/clock.js";
import { errorMessage, isHarnessError } from "../../../common/errors.js";
import type { Backend } from "../../../ipamd/index.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import type { AddNetworkRequest, DelNetworkRequest } from "../../../proto/rpc.js";
import type { SandboxInfo, SandboxOutcome, SandboxRequest, SandboxRuntime } from "../../../runtime/index.js";

/** The network name and plugin type containerd would name in its error (our conflist). */
export const SIM_NETWORK = "aws-cni";
export const SIM_PLUGIN_TYPE = "mock-vpc-cni";

export interface SimSandboxDeps {
  clock: Clock;
  /** The node's current backend (it changes when ipamd restarts). */
  backend: () => Backend;
  /** Simulated duration of one CNI ADD / DEL (the real pair takes tens of ms). */
  addMs: number;
  delMs: number;
}

/** containerd's wrapping of a failed ADD (docs/REFERENCE.md §1, step 5). */
export function setupFailure(sandboxId: string, pluginMsg: string): string {
  return `failed to setup network for sandbox "${sandboxId}": plugin type="${SIM_PLUGIN_TYPE}" name="${SIM_NETWORK}" failed (add): ${pluginMsg}`;
}

function addRequest(pod: PodObject, sandboxId: string, netns: string): AddNetworkRequest {
  return {
    K8S_POD_NAME: pod.name,
    K8S_POD_NAMESPACE: pod.namespace,
    K8S_POD_INFRA_CONTAINER_ID: sandboxId,
    Netns: netns,
    IfName: "eth0",
    NetworkName: SIM_NETWORK,
    ContainerID: sandboxId,
    ClientVersion: CLIENT_VERSION,
    RequiresMultiNICAttachment: false,
  };
}

function delRequest(pod: PodObject, sandboxId: string, reason: string): DelNetworkRequest {
  return {
    K8S_POD_NAME: pod.name,
    K8S_POD_NAMESPACE: pod.namespace,
    K8S_POD_INFRA_CONTAINER_ID: sandboxId,
    Reason: reason,
    IfName: "eth0",
    NetworkName: SIM_NETWORK,
    ContainerID: sandboxId,
    ClientVersion: CLIENT_VERSION,
    K8S_POD_UID: pod.uid,
  };
}

/** DEL tolerates everything (unknown pod, ipamd down), as the real plugin's DEL does. */
async function quietDel(deps: SimSandboxDeps, pod: PodObject, sandboxId: string, reason: string): Promise<void> {
  await deps.clock.sleep(deps.delMs);
  try {
    await deps.backend().delNetwork(delRequest(pod, sandboxId, reason));
  } catch {
    // `datastore: unknown pod` and an unreachable ipamd are both success for DEL (docs/REFERENCE.md §3).
  }
}

export function createSimSandboxRuntime(deps: SimSandboxDeps): SandboxRuntime {
  return {
    async runPodSandbox(pod: PodObject, request: SandboxRequest, signal: AbortSignal): Promise<SandboxOutcome> {
      const netns = `/var/run/netns/cni-sim-${request.sandboxId.slice(0, 12)}`;
      await deps.clock.sleep(deps.addMs, signal);
      let pluginMsg: string;
      try {
        const reply = await deps.backend().addNetwork(addRequest(pod, request.sandboxId, netns), signal);
        const ip = reply.IPAllocationMetadata[0]?.IPv4Addr ?? "";
        if (reply.Success && ip !== "") return { ok: true, sandbox: { sandboxId: request.sandboxId, netns, ips: [`${ip}/32`] } };
        // Success=false without a reason on the wire: aws-cni's generic text (docs/REFERENCE.md §1, step 4).
        pluginMsg = "add cmd: failed to assign an IP address to container";
      } catch (e) {
        // A gRPC error (ipamd down): aws-cni wraps it as "add cmd: Error received from AddNetwork gRPC call".
        const code = isHarnessError(e) && e.kind === "unavailable" ? "Unavailable" : "Unknown";
        pluginMsg = `add cmd: Error received from AddNetwork gRPC call: rpc error: code = ${code} desc = ${errorMessage(e)}`;
      }
      // containerd undoes the failed setup with a DEL without prevResult, then removes the netns.
      await quietDel(deps, pod, request.sandboxId, "PodDeleted");
      return { ok: false, error: setupFailure(request.sandboxId, pluginMsg) };
    },
    async stopPodSandbox(pod: PodObject, sandbox: SandboxInfo): Promise<void> {
      await quietDel(deps, pod, sandbox.sandboxId, "PodDeleted");
    },
  };
}
