// The kubelet loop of a real-time run (demo and real-time scenarios): pods and events through
// mock-ipamd's control API, sandboxes through the libcni-like runtime exec'ing the built plugin.

import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/index.js";
import { createCniSandboxRuntime } from "../../runtime/index.js";
import type { SandboxCall } from "../../runtime/index.js";
import { createKubelet } from "../../runtime/index.js";
import type { Kubelet, KubeletObservation, SandboxRuntime } from "../../runtime/index.js";
import { createCniRuntime, loadConfDir, loopbackList } from "../../runtime/index.js";
import type { CniRuntime, NetworkConfigList } from "../../runtime/index.js";
import { fakeNetns, realNetns, withNetworkGc } from "../../runtime/index.js";
import { controlEventRecorder, controlPodSource } from "./cluster-client.js";
import type { NetworkSetup } from "./network.js";

/** How often the runtime sends CNI GC. */
export const NETWORK_GC_INTERVAL_MS = 60_000;

export interface CniKubeletSpec {
  control: ControlClient;
  net: NetworkSetup;
  nodeName: string;
  /** Real network namespaces (root) or fake paths under `fakeNetnsDir`. */
  root: boolean;
  fakeNetnsDir: string;
  /** Called with each real netns name before it is made (the run records it for a cleanup). */
  beforeNetns?: (name: string) => Promise<void>;
  /** Watch and RecordEvent failures, as text. */
  onProblem: (text: string) => void;
  observe: (o: KubeletObservation) => void;
  onCall?: (call: SandboxCall) => void;
  /**
   * A second Ctrl-C: from then on no plugin runs (those running are cancelled) and no netns is
   * made, so the cleanup's sweep is not raced by the kubelet's own teardown.
   */
  hurry?: AbortSignal;
}

/** The runtime, closed once `hurry` fires: calls fail at once, plugins in flight are cancelled. */
export function gatedRuntime(cni: CniRuntime, hurry: AbortSignal | undefined): CniRuntime {
  if (hurry === undefined) return cni;
  const check = (): void => {
    if (hurry.aborted) throw new HarnessError("unavailable", "the run is being cleaned up: no more plugin calls");
  };
  const both = (s: AbortSignal | undefined): AbortSignal => (s === undefined ? hurry : AbortSignal.any([s, hurry]));
  return {
    addNetworkList: async (l, rt, s) => (check(), cni.addNetworkList(l, rt, both(s))),
    delNetworkList: async (l, rt, s) => (check(), cni.delNetworkList(l, rt, both(s))),
    checkNetworkList: async (l, rt, s) => (check(), cni.checkNetworkList(l, rt, both(s))),
    gcNetworkList: async (l, v, s) => (check(), cni.gcNetworkList(l, v, both(s))),
    statusNetworkList: async (l, s) => (check(), cni.statusNetworkList(l, both(s))),
    getCachedResult: (l, rt) => cni.getCachedResult(l, rt),
  };
}

export interface CniKubelet {
  kubelet: Kubelet;
  /**
   * Stops the loop; unless `keep`, DELs every sandbox still up. A run that failed part-way (ipamd
   * gone, a control call refused) skipped its own teardown: without this, its pods' netns, host
   * veths and rules would stay (the plugin's DEL works from prevResult without ipamd).
   */
  shutdown(keep: boolean): Promise<void>;
}

type RuntimeSpec = Pick<CniKubeletSpec, "net" | "root" | "fakeNetnsDir" | "onCall" | "beforeNetns" | "hurry">;

/** The runtime and what its CNI GC needs: the libcni runtime and every network a sandbox attaches to. */
async function cniParts(spec: RuntimeSpec): Promise<{ runtime: SandboxRuntime; cni: CniRuntime; attachments: { list: NetworkConfigList; ifName: string }[] }> {
  const loaded = await loadConfDir(spec.net.confDir);
  const podNetwork = loaded.lists[0];
  if (podNetwork === undefined) {
    throw new HarnessError("internal", `no network config in ${spec.net.confDir}: ${loaded.skipped.map((s) => s.reason).join("; ")}`);
  }
  const cni = gatedRuntime(createCniRuntime({ binDirs: spec.net.binDirs, cacheDir: spec.net.cacheDir, execTimeoutMs: 30_000 }), spec.hurry);
  const loopback = spec.net.loopback ? loopbackList() : undefined;
  const runtime = createCniSandboxRuntime({
    cni,
    podNetwork,
    loopback,
    netns: spec.root ? realNetns(spec.beforeNetns === undefined ? {} : { beforeCreate: spec.beforeNetns }) : fakeNetns(spec.fakeNetnsDir),
    ...(spec.onCall === undefined ? {} : { onCall: spec.onCall }),
  });
  return { runtime, cni, attachments: [...(loopback === undefined ? [] : [{ list: loopback, ifName: "lo" }]), { list: podNetwork, ifName: "eth0" }] };
}

/** containerd + libcni as the kubelet loop sees them: RunPodSandbox execs the conflist's plugins. */
export async function cniSandboxRuntime(spec: RuntimeSpec): Promise<SandboxRuntime> {
  return (await cniParts(spec)).runtime;
}

export async function startCniKubelet(spec: CniKubeletSpec): Promise<CniKubelet> {
  const parts = await cniParts(spec);
  // CNI GC on a timer, as CRI-O sends it: releases leases whose DEL could not reach ipamd (README, "No lost leases").
  const runtime = withNetworkGc(parts.runtime, {
    cni: parts.cni, clock: systemClock, intervalMs: NETWORK_GC_INTERVAL_MS, onError: (text) => spec.onProblem(text), attachments: parts.attachments,
  });
  const recorder = controlEventRecorder(spec.control, spec.onProblem);
  const kubelet = createKubelet({
    nodeName: spec.nodeName, clock: systemClock, runtime, pods: controlPodSource(spec.control, spec.onProblem), events: recorder, rng: Math.random,
    observe: spec.observe,
  });
  kubelet.start();
  return {
    kubelet,
    async shutdown(keep) {
      runtime.close();
      await kubelet.stop();
      if (!keep) await kubelet.teardownAll();
      await recorder.flush();
    },
  };
}
