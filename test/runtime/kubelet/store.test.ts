// The kubelet loop on the cluster seam's memory backend: repeated identical failures aggregate into
// one Event (count, first/last timestamps, as client-go's recorder) and print as "(xN over T)".

import { describe, expect, it } from "vitest";
import { createInformer, recorderFor } from "../../../cluster/client/index.js";
import { FakeClock } from "../../../common/clock.js";
import { formatRecord } from "../../../harness/output/index.js";
import { createKubelet, runningStatusPatch, startClusterKubelet } from "../../../runtime/kubelet/index.js";
import { testCluster } from "../../helpers/cluster.js";
import { ScriptedRuntime, seededRng } from "./fakes.js";
import type { SandboxOutcome } from "../../../runtime/kubelet/index.js";

describe("kubelet loop + the cluster seam (memory backend)", () => {
  it("three identical failures become one FailedCreatePodSandBox (x3 over T), T = the two back-offs", async () => {
    const clock = new FakeClock(1_000_000);
    const store = testCluster(clock);
    const runtime = new ScriptedRuntime(clock);
    // The same text every time (no sandbox id in it), as for a misconfigured CNI.
    runtime.runPodSandbox = async (pod, req): Promise<SandboxOutcome> => {
      runtime.calls.push({ verb: "run", pod: pod.name, sandboxId: req.sandboxId, at: clock.now(), attempt: req.attempt });
      return req.attempt <= 3 ? { ok: false, error: "cni config uninitialized" } : { ok: true, sandbox: { sandboxId: req.sandboxId, netns: "/x", ips: [] } };
    };
    const kubelet = createKubelet({
      nodeName: "node-1", clock, runtime, rng: seededRng(9),
      pods: createInformer(store.cluster.pods, { clock, select: { fieldSelector: "spec.nodeName=node-1" } }),
      events: recorderFor(store.cluster, { clock, source: "kubelet", host: "node-1" }),
    });
    await kubelet.start();
    store.createPod({ namespace: "ns", name: "p", nodeName: "node-1" });
    await clock.runUntilIdle();
    const runs = runtime.calls.map((c) => c.at);
    expect(runs).toHaveLength(4);
    const failed = store.listEvents({ namespace: "ns", name: "p" }).filter((e) => e.reason === "FailedCreatePodSandBox");
    expect(failed).toHaveLength(1);
    const e = failed[0];
    if (e === undefined) return;
    expect(e.count).toBe(3);
    // Event times keep the clock's fraction of a ms (to the ns: RFC 3339 text on the wire).
    expect(e.firstTimestamp).toBe(runs[0]);
    expect(e.lastTimestamp).toBeCloseTo(runs[2] ?? 0, 5);
    expect(e.classification).toBe("real");
    const span = Math.trunc(((runs[2] ?? 0) - (runs[0] ?? 0)) / 1000);
    expect(span).toBeGreaterThanOrEqual(20);
    expect(span).toBeLessThan(30);
    expect(formatRecord({ kind: "event", at: e.lastTimestamp, event: e }, 1_000_000)).toContain(`Failed to create pod sandbox: rpc error: code = Unknown desc = cni config uninitialized (x3 over ${span}s)`);
    await kubelet.stop();
  });
});

describe("startClusterKubelet (the kubelet loop on the seam)", () => {
  it("registers its Node, runs its pods, reports Running with the pod IP, and ends a graceful deletion with grace 0", async () => {
    const clock = new FakeClock(1_000_000);
    const tc = testCluster(clock);
    const runtime = new ScriptedRuntime(clock);
    const k = await startClusterKubelet({ cluster: tc.cluster, nodeName: "node-1", instanceType: "m5.large", runtime, hostIP: "10.0.0.9", clock, rng: seededRng(1) });
    const node = tc.getNode("node-1");
    expect(node?.labels["node.kubernetes.io/instance-type"]).toBe("m5.large");
    expect(node?.capacity["pods"]).toBe("29");
    tc.createPod({ namespace: "ns", name: "p", nodeName: "node-1" });
    await clock.runUntilIdle();
    const raw = tc.store.get({ group: "", plural: "pods" }, "ns", "p") as { status?: Record<string, unknown> };
    expect(raw.status).toMatchObject({ phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }], hostIP: "10.0.0.9" });
    expect(tc.reasons("p")).toEqual(expect.arrayContaining(["Scheduled", "Pulled", "Created", "Started"]));
    tc.deletePod("ns", "p", { graceful: true });
    await clock.runUntilIdle();
    expect(runtime.calls.map((c) => c.verb)).toEqual(["run", "stop"]);
    expect(tc.getPod("ns", "p")).toBeUndefined();
    await k.shutdown();
  });

  it("a running pod's status patch", () => {
    expect(runningStatusPatch("2026-01-01T00:00:00Z", ["10.0.32.4/32"], undefined)).toEqual({
      status: {
        phase: "Running", podIP: "10.0.32.4", podIPs: [{ ip: "10.0.32.4" }], startTime: "2026-01-01T00:00:00Z",
        conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" })),
      },
    });
  });
});
