// The kubelet loop's SandboxRuntime over containerd's CRI: RunPodSandbox / StopPodSandbox +
// RemovePodSandbox, so runtime/kubelet drives the real containerd (and through it our plugin).
import type { PodObject } from "../cluster/k8s/index.js";
import { errorMessage } from "../common/errors.js";
import type { SandboxInfo, SandboxOutcome, SandboxRequest, SandboxRuntime } from "../runtime/kubelet/types.js";
import { grpcDetailsOf } from "./call.js";
import type { CriClient } from "./client.js";
import { podSandboxConfig } from "./pod.js";

export interface CriSandboxRuntimeOptions {
  cri: CriClient;
  /** CRI runtime handler (selects containerd's runtime and its CNI conf dir); "" = default. */
  runtimeHandler?: string;
  /** Deadline of each CRI call (RunPodSandbox includes the CNI ADD). */
  timeoutMs?: number;
}

interface VerboseInfo {
  runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } };
}

/**
 * Differences from the exec-based runtime, because CRI decides them: containerd picks the sandbox
 * id (SandboxInfo.sandboxId is containerd's, not request.sandboxId), and reports the pod IP without
 * a prefix length (ips = ["10.0.0.5"]).
 */
export function createCriSandboxRuntime(o: CriSandboxRuntimeOptions): SandboxRuntime {
  const call = (signal: AbortSignal): { timeoutMs: number; signal: AbortSignal } => ({ timeoutMs: o.timeoutMs ?? 120_000, signal });
  return {
    async runPodSandbox(pod: PodObject, request: SandboxRequest, signal: AbortSignal): Promise<SandboxOutcome> {
      // CRI's attempt counts from 0; the kubelet loop's from 1.
      const config = podSandboxConfig({ namespace: pod.namespace, name: pod.name, uid: pod.uid, attempt: request.attempt - 1, labels: { ...pod.labels } });
      let id: string;
      try {
        id = await o.cri.runPodSandbox(config, { ...call(signal), runtimeHandler: o.runtimeHandler ?? "" });
      } catch (e) {
        if (signal.aborted) throw e;
        // containerd has already run DEL and removed the netns, as kubelet expects.
        return { ok: false, error: grpcDetailsOf(e) ?? errorMessage(e) };
      }
      let reply: Awaited<ReturnType<CriClient["podSandboxStatus"]>>;
      try {
        reply = await o.cri.podSandboxStatus(id, { ...call(signal), verbose: true });
      } catch (e) {
        // The kubelet loop will retry with a new sandbox: this one must not stay behind (its netns, lease).
        const fresh = { timeoutMs: o.timeoutMs ?? 120_000 };
        await o.cri.stopPodSandbox(id, fresh).then(() => o.cri.removePodSandbox(id, fresh)).catch(() => undefined);
        throw e;
      }
      const { status, info } = reply;
      const netns = (JSON.parse(info["info"] ?? "{}") as VerboseInfo).runtimeSpec?.linux?.namespaces?.find((n) => n.type === "network")?.path ?? "";
      const ips = [status?.network?.ip ?? "", ...(status?.network?.additionalIps ?? []).map((a) => a.ip)].filter((ip) => ip !== "");
      return { ok: true, sandbox: { sandboxId: id, netns, ips } };
    },

    async stopPodSandbox(_pod: PodObject, sandbox: SandboxInfo, signal: AbortSignal): Promise<void> {
      await o.cri.stopPodSandbox(sandbox.sandboxId, call(signal));
      await o.cri.removePodSandbox(sandbox.sandboxId, call(signal));
    },
  };
}
