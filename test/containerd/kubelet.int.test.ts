// kubelet's pod loop (runtime/kubelet) driving the real containerd through CRI, with our plugin
// and daemon: the SGP pod's first sandbox fails with containerd's error, kubelet records
// FailedCreatePodSandBox, retries at once when the controller annotates the pod (docs/REFERENCE.md
// section 1, step 6) and the new sandbox runs; the ordinary pod runs at its first attempt.
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemClock } from "../../common/clock.js";
import { createCriSandboxRuntime } from "../../cri/index.js";
import { controlEventRecorder, controlPodSource } from "../../harness/demo/cluster-client.js";
import { createKubelet } from "../../runtime/kubelet/index.js";
import type { Kubelet, KubeletObservation } from "../../runtime/kubelet/index.js";
import { waitFor } from "./lifecycle.js";
import { stackUnavailable, startStack } from "./stack.js";
import type { Stack } from "./stack.js";
import { describeIf } from "../helpers/prereq.js";

const unavailable = stackUnavailable();
const NS = "sgp";

describeIf(unavailable, `kubelet loop over containerd CRI (${unavailable ?? "root, built"})`, () => {
  let stack: Stack;
  let kubelet: Kubelet | undefined;
  let flush: () => Promise<void> = async () => undefined;
  const seen: KubeletObservation[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ daemonArgs: ["--sgp-namespace", NS, "--provisioning-delay", "4s"] });
    const { control } = stack.daemon;
    const recorder = controlEventRecorder(control, (t) => errors.push(t));
    flush = () => recorder.flush();
    kubelet = createKubelet({
      nodeName: (await control.GetNode({})).name,
      clock: systemClock,
      runtime: createCriSandboxRuntime({ cri: stack.env.cri }),
      pods: controlPodSource(control, (t) => errors.push(t)),
      events: recorder,
      rng: Math.random,
      observe: (o) => seen.push(o),
    });
    kubelet.start();
  });
  afterAll(async () => {
    await kubelet?.stop();
    await flush();
    await stack?.stop();
  });

  it("fails the SGP pod once, retries on the annotation, and runs both pods", async () => {
    const { control } = stack.daemon;
    await control.CreatePod({ namespace: NS, name: "app", schedule: true });
    await control.CreatePod({ namespace: "default", name: "plain", schedule: true });
    await waitFor("both pods running", 60_000, async () => (kubelet?.state() ?? []).filter((s) => s.phase === "running").length === 2, 200);

    const byName = Object.fromEntries((kubelet?.state() ?? []).map((s) => [s.pod.name, s]));
    expect([byName["plain"]?.attempts, byName["plain"]?.failures]).toEqual([1, 0]);
    expect([byName["app"]?.attempts, byName["app"]?.failures]).toEqual([2, 1]);

    const app = seen.filter((o) => o.pod.name === "app");
    const ends = app.filter((o): o is Extract<KubeletObservation, { kind: "attempt-end" }> => o.kind === "attempt-end");
    expect(ends.map((e) => e.ok)).toEqual([false, true]);
    expect(ends[0]?.error).toMatch(/^failed to setup network for sandbox "[0-9a-f]{64}": plugin type="mock-vpc-cni" name="mock-vpc-cni" failed \(add\): add cmd: failed to assign an IP address to container/);
    expect(ends[0]?.classification).toBe("transient-expected");
    // The retry came from the pod change (annotation), not the 10-15 s back-off timer.
    const retry = app.find((o) => o.kind === "retry-now");
    expect(retry && retry.kind === "retry-now" ? retry.reason : "").toBe("pod-changed");
    const annotation = (await control.GetPod({ namespace: NS, name: "app" })).annotations["vpc.amazonaws.com/pod-eni"] ?? "[]";
    expect(ends[1]?.ips).toEqual([(JSON.parse(annotation) as { privateIp: string }[])[0]?.privateIp]);

    await flush();
    const events = (await control.ListEvents({ namespace: NS, name: "app" })).events;
    const failed = events.find((e) => e.reason === "FailedCreatePodSandBox");
    expect(failed?.type).toBe("Warning");
    expect(failed?.message).toContain("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox");
    expect(errors).toEqual([]);
  });

  it("tears both sandboxes down through CRI and frees the leases", async () => {
    await kubelet?.teardownAll();
    expect(await stack.env.cri.listPodSandbox()).toEqual([]);
    expect((await stack.daemon.control.ListLeases({})).leases).toEqual([]);
  });
});
