// The kubelet loop of a real-time run (demo and real-time scenarios): pods and events through
// mock-ipamd's control API, sandboxes through the libcni-like runtime exec'ing the built plugin.

import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import type { ControlClient } from "../../ipamd/index.js";
import { createCniSandboxRuntime } from "../../runtime/index.js";
import type { SandboxCall } from "../../runtime/index.js";
import { createKubelet } from "../../runtime/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/index.js";
import { createCniRuntime, loadConfDir, loopbackList } from "../../runtime/index.js";
import { fakeNetns, realNetns } from "../../runtime/index.js";
import { controlEventRecorder, controlPodSource } from "./cluster-client.js";
import type { NetworkSetup } from "./network.js";

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
  const runtime = createCniSandboxRuntime({
    cni: createCniRuntime({ binDirs: spec.net.binDirs, cacheDir: spec.net.cacheDir, execTimeoutMs: 30_000 }),
    podNetwork,
    loopback: spec.net.loopback ? loopbackList() : undefined,
    netns: spec.root ? realNetns() : fakeNetns(spec.fakeNetnsDir),
    ...(spec.onCall === undefined ? {} : { onCall: spec.onCall }),
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
      await kubelet.stop();
      if (!keep) await kubelet.teardownAll();
      await recorder.flush();
    },
  };
}
