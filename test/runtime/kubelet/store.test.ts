// The kubelet loop against the real in-memory cluster store: repeated identical failures
// aggregate into one event (count, first/last timestamps) and print as "(xN over T)".

import { describe, expect, it } from "vitest";
import { createClusterStore } from "../../../cluster/k8s/index.js";
import { FakeClock } from "../../../common/clock.js";
import { formatRecord } from "../../../harness/output/index.js";
import { createKubelet } from "../../../runtime/kubelet/index.js";
import { ScriptedRuntime, seededRng } from "./fakes.js";
import type { SandboxOutcome } from "../../../runtime/kubelet/index.js";

describe("kubelet loop + cluster store", () => {
  it("three identical failures become one FailedCreatePodSandBox (x3 over T), T = the two back-offs", async () => {
    const clock = new FakeClock(1_000_000);
    const store = createClusterStore({ clock });
    const runtime = new ScriptedRuntime(clock);
    // The same text every time (no sandbox id in it), as for a misconfigured CNI.
    runtime.runPodSandbox = async (pod, req): Promise<SandboxOutcome> => {
      runtime.calls.push({ verb: "run", pod: pod.name, sandboxId: req.sandboxId, at: clock.now(), attempt: req.attempt });
      return req.attempt <= 3 ? { ok: false, error: "cni config uninitialized" } : { ok: true, sandbox: { sandboxId: req.sandboxId, netns: "/x", ips: [] } };
    };
    const kubelet = createKubelet({ nodeName: "node-1", clock, runtime, pods: store, events: store, rng: seededRng(9) });
    kubelet.start();
    store.createPod({ namespace: "ns", name: "p", nodeName: "node-1" });
    await clock.runUntilIdle();
    const runs = runtime.calls.map((c) => c.at);
    expect(runs).toHaveLength(4);
    const failed = store.listEvents({ namespace: "ns", name: "p" }).filter((e) => e.reason === "FailedCreatePodSandBox");
    expect(failed).toHaveLength(1);
    const e = failed[0];
    if (e === undefined) return;
    expect(e.count).toBe(3);
    expect([e.firstTimestamp, e.lastTimestamp]).toEqual([runs[0], runs[2]]);
    expect(e.classification).toBe("real");
    const span = Math.trunc(((runs[2] ?? 0) - (runs[0] ?? 0)) / 1000);
    expect(span).toBeGreaterThanOrEqual(20);
    expect(span).toBeLessThan(30);
    expect(formatRecord({ kind: "event", at: e.lastTimestamp, event: e }, 1_000_000)).toContain(`Failed to create pod sandbox: rpc error: code = Unknown desc = cni config uninitialized (x3 over ${span}s)`);
    await kubelet.stop();
  });
});
