// The containerd side of RunPodSandbox/StopPodSandbox/RemovePodSandbox as far as networking goes:
// netns per sandbox, CNI ADD of loopback and the pod network in parallel through the libcni-like
// runtime, undo on failure, and containerd's error wording (docs/REFERENCE.md sections 1 and 5).

import type { PodObject } from "../../cluster/k8s/index.js";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { SandboxInfo, SandboxOutcome, SandboxRequest, SandboxRuntime } from "../kubelet/types.js";
import type { CniResult, CniRuntime, NetworkConfigList, RuntimeConf } from "../libcni/index.js";
import type { NetnsManager } from "../netns.js";

export interface SandboxCall {
  verb: "ADD" | "DEL";
  network: string;
  sandboxId: string;
  pod: { namespace: string; name: string; uid: string };
  netns: string;
  ifName: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  error: string;
  /** Addresses of the result (ADD of the pod network). */
  ips: readonly string[];
}

export interface CniSandboxOptions {
  cni: CniRuntime;
  /** The pod network: the first valid list of the conf dir, as containerd picks it. */
  podNetwork: NetworkConfigList;
  /** containerd's built-in loopback list (needs the loopback plugin), or undefined to skip it. */
  loopback: NetworkConfigList | undefined;
  netns: NetnsManager;
  clock?: Clock;
  /** Capability args per pod (portMappings, bandwidth, ...), as the CRI pod config gives them. */
  capabilityArgs?: (pod: PodObject) => Record<string, unknown> | undefined;
  onCall?: (call: SandboxCall) => void;
}

interface Attachment {
  list: NetworkConfigList;
  ifName: string;
}

/** containerd's CNI labels (its map order is random; ours is fixed). */
export function cniArgs(pod: PodObject, sandboxId: string): [string, string][] {
  return [
    ["IgnoreUnknown", "1"],
    ["K8S_POD_NAMESPACE", pod.namespace],
    ["K8S_POD_NAME", pod.name],
    ["K8S_POD_INFRA_CONTAINER_ID", sandboxId],
    ["K8S_POD_UID", pod.uid],
  ];
}

/**
 * IPs of the result on interface `ifName`, as go-cni's createResult assigns them: by the ip's
 * `interface` index, and to eth0 when it has none. containerd needs some on eth0 (see below).
 */
export function ipsOn(result: CniResult, ifName: string): string[] {
  const ifaces = Array.isArray(result.interfaces) ? (result.interfaces as { name?: string }[]) : [];
  const ips = Array.isArray(result.ips) ? (result.ips as { address?: string; interface?: number }[]) : [];
  const on = ips.filter((ip) => (ip.interface === undefined ? ifName === "eth0" : ifaces[ip.interface]?.name === ifName));
  return on.map((ip) => ip.address ?? "").filter((a) => a !== "");
}

export function createCniSandboxRuntime(opts: CniSandboxOptions): SandboxRuntime {
  const clock = opts.clock ?? systemClock;
  const attachments: Attachment[] = [
    ...(opts.loopback === undefined ? [] : [{ list: opts.loopback, ifName: "lo" }]),
    { list: opts.podNetwork, ifName: "eth0" },
  ];

  function rtFor(pod: PodObject, sandboxId: string, netns: string, ifName: string): RuntimeConf {
    const caps = ifName === "lo" ? undefined : opts.capabilityArgs?.(pod);
    return { containerId: sandboxId, netns, ifName, args: cniArgs(pod, sandboxId), ...(caps === undefined ? {} : { capabilityArgs: caps }) };
  }

  async function call<T>(verb: "ADD" | "DEL", a: Attachment, pod: PodObject, rt: RuntimeConf, fn: () => Promise<T>): Promise<T> {
    const startedAt = clock.now();
    const report = (ok: boolean, error: string, ips: readonly string[]): void =>
      opts.onCall?.({ verb, network: a.list.name, sandboxId: rt.containerId, pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, netns: rt.netns, ifName: a.ifName, startedAt, durationMs: clock.now() - startedAt, ok, error, ips });
    try {
      const out = await fn();
      report(true, "", verb === "ADD" && a.ifName !== "lo" ? ipsOn(out as CniResult, a.ifName) : []);
      return out;
    } catch (e) {
      report(false, errorMessage(e), []);
      throw e;
    }
  }

  /** teardownPodNetwork: DEL every network in reverse order; returns the errors. */
  async function teardown(pod: PodObject, sandboxId: string, netns: string, signal: AbortSignal | undefined): Promise<string[]> {
    const errors: string[] = [];
    for (const a of [...attachments].reverse()) {
      const rt = rtFor(pod, sandboxId, netns, a.ifName);
      try {
        await call("DEL", a, pod, rt, () => opts.cni.delNetworkList(a.list, rt, signal));
      } catch (e) {
        errors.push(errorMessage(e));
      }
    }
    return errors;
  }

  return {
    async runPodSandbox(pod: PodObject, req: SandboxRequest, signal: AbortSignal): Promise<SandboxOutcome> {
      const id = req.sandboxId;
      let netns: string;
      try {
        netns = await opts.netns.create(signal);
      } catch (e) {
        return { ok: false, error: `failed to create network namespace for sandbox "${id}": ${errorMessage(e)}` };
      }
      // go-cni's Setup: every network attaches in parallel; the first failure (network order) is reported.
      const settled = await Promise.allSettled(
        attachments.map((a) => {
          const rt = rtFor(pod, id, netns, a.ifName);
          return call("ADD", a, pod, rt, () => opts.cni.addNetworkList(a.list, rt, signal));
        }),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      const podResult = settled[settled.length - 1];
      const ips = podResult?.status === "fulfilled" ? ipsOn(podResult.value, "eth0") : [];
      // containerd's setupPodNetwork also fails a sandbox whose result has no IP on eth0.
      const error = failed !== undefined ? `failed to setup network for sandbox "${id}": ${errorMessage(failed.reason)}`
        : ips.length === 0 ? `failed to find network info for sandbox "${id}"` : "";
      if (error === "") return { ok: true, sandbox: { sandboxId: id, netns, ips } };
      // RunPodSandbox's deferred cleanup: teardown (DEL), then the netns goes.
      await teardown(pod, id, netns, undefined);
      const removed = await opts.netns.remove(netns).then(() => "", (e: unknown) => `; also: ${errorMessage(e)}`);
      return { ok: false, error: `${error}${removed}` };
    },

    async stopPodSandbox(pod: PodObject, sandbox: SandboxInfo, signal: AbortSignal): Promise<void> {
      // StopPodSandbox: DEL with the netns, then the netns is removed.
      const errors = await teardown(pod, sandbox.sandboxId, sandbox.netns, signal);
      if (errors.length > 0) throw new HarnessError("internal", `failed to destroy network for sandbox "${sandbox.sandboxId}": ${errors.join("; ")}`);
      await opts.netns.remove(sandbox.netns);
      // RemovePodSandbox: containerd DELs once more with CNI_NETNS="" (and, the cache being gone, no prevResult).
      const again = await teardown(pod, sandbox.sandboxId, "", signal);
      if (again.length > 0) throw new HarnessError("internal", `failed to remove network for sandbox "${sandbox.sandboxId}": ${again.join("; ")}`);
    },
  };
}
