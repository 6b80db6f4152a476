// The kubelet loop of a real-time run (demo and real-time scenarios): pods and events through
// mock-ipamd's control API, sandboxes through the libcni-like runtime exec'ing the built plugin.

import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/server/control-client.js";
import { createCniSandboxRuntime } from "../../runtime/containerd/index.js";
import type { SandboxCall } from "../../runtime/containerd/index.js";
import { createKubelet } from "../../runtime/kubelet/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/kubelet/index.js";
import { createCniRuntime, loadConfDir, loopbackList } from "../../runtime/libcni/index.js";
import { withNetworkGc } from "../../runtime/network-gc.js";
import { fakeNetns, realNetns } from "../../runtime/netns.js";
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
  /** Watch and RecordEvent failures, as text. */
  onProblem: (text: string) => void;
  observe: (o: KubeletObservation) => void;
  onCall?: (call: SandboxCall) => void;
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

export async function startCniKubelet(spec: CniKubeletSpec): Promise<CniKubelet> {
  const loaded = await loadConfDir(spec.net.confDir);
  const podNetwork = loaded.lists[0];
  if (podNetwork === undefined) {
    throw new HarnessError("internal", `no network config in ${spec.net.confDir}: ${loaded.skipped.map((s) => s.reason).join("; ")}`);
  }
  const cni = createCniRuntime({ binDirs: spec.net.binDirs, cacheDir: spec.net.cacheDir, execTimeoutMs: 30_000 });
  const loopback = spec.net.loopback ? loopbackList() : undefined;
  // CNI GC on a timer, as CRI-O sends it: releases leases whose DEL could not reach ipamd (README, "No lost leases").
  const runtime = withNetworkGc(createCniSandboxRuntime({
    cni,
    podNetwork,
    loopback,
    netns: spec.root ? realNetns() : fakeNetns(spec.fakeNetnsDir),
    ...(spec.onCall === undefined ? {} : { onCall: spec.onCall }),
  }), {
    cni, clock: systemClock, intervalMs: NETWORK_GC_INTERVAL_MS, onError: (text) => spec.onProblem(text),
    attachments: [...(loopback === undefined ? [] : [{ list: loopback, ifName: "lo" }]), { list: podNetwork, ifName: "eth0" }],
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
