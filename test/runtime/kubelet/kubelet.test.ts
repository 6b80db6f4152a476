// The kubelet pod loop with a FakeClock: exact retry timing (jitter bounds), retry on pod change,
// a new sandbox id per attempt, classification, container events and teardown.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { createKubelet } from "../../../runtime/kubelet/index.js";
import type { KubeletObservation } from "../../../runtime/kubelet/index.js";
import { FakeEvents, FakePods, ScriptedRuntime, seededRng } from "./fakes.js";

const BRANCH_FAIL = 'plugin type="mock-vpc-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container';

function setup(seed = 1, latencyMs = 0) {
  const clock = new FakeClock(0);
  const pods = new FakePods();
  const events = new FakeEvents();
  const runtime = new ScriptedRuntime(clock, latencyMs);
  const observed: KubeletObservation[] = [];
  const rngValues: number[] = [];
  const base = seededRng(seed);
  const rng = (): number => {
    const v = base();
    rngValues.push(v);
    return v;
  };
  const kubelet = createKubelet({ nodeName: "node-1", clock, runtime, pods, deletePod: pods.deletePod, events, rng, observe: (o) => observed.push(o) });
  return { clock, pods, events, runtime, kubelet, observed, rngValues };
}

describe("kubelet pod loop", () => {
  it("runs an ordinary pod once and emits Pulled, Created, Started", async () => {
    const t = setup();
    t.kubelet.start();
    t.pods.add("web");
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.verb)).toEqual(["run"]);
    expect(t.events.reasons("web")).toEqual(["Pulled", "Created", "Started"]);
    expect(t.kubelet.state()[0]?.phase).toBe("running");
  });

  it("ignores pods of other nodes and unscheduled pods", async () => {
    const t = setup();
    t.kubelet.start();
    t.pods.add("elsewhere", { node: "node-2" });
    t.pods.add("pending", { node: "" });
    await t.clock.runUntilIdle();
    expect(t.runtime.calls).toEqual([]);
  });

  it("retries after 10 to 15 s with a new sandbox id, the delay drawn from the rng", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = setup(seed);
      t.runtime.script("db", "boom");
      t.kubelet.start();
      t.pods.add("db");
      await t.clock.runUntilIdle();
      const runs = t.runtime.calls.filter((c) => c.verb === "run");
      expect(runs).toHaveLength(2);
      const delay = (runs[1]?.at ?? 0) - (runs[0]?.at ?? 0);
      // rng draws: 64 for the first sandbox id, then one for the jitter.
      const jitter = t.rngValues[64] ?? -1;
      expect(delay).toBeCloseTo(10_000 + jitter * 5_000, 6);
      expect(delay).toBeGreaterThanOrEqual(10_000);
      expect(delay).toBeLessThan(15_000);
      expect(runs[0]?.sandboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(runs[1]?.sandboxId).toMatch(/^[0-9a-f]{64}$/);
      expect(runs[1]?.sandboxId).not.toBe(runs[0]?.sandboxId);
      const warn = t.events.events.find((e) => e.reason === "FailedCreatePodSandBox");
      expect(warn?.classification).toBe("real");
      expect(warn?.message).toBe(`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${runs[0]?.sandboxId}": boom`);
    }
  });

  it("retries after 1 to 1.5 s when the error says network is not ready", async () => {
    const t = setup(7);
    t.runtime.script("db", "container runtime network not ready: cni config uninitialized: network is not ready");
    t.kubelet.start();
    t.pods.add("db");
    await t.clock.runUntilIdle();
    const runs = t.runtime.calls.filter((c) => c.verb === "run");
    const delay = (runs[1]?.at ?? 0) - (runs[0]?.at ?? 0);
    expect(delay).toBeCloseTo(1_000 + (t.rngValues[64] ?? -1) * 500, 6);
    expect(t.observed.find((o) => o.kind === "retry-scheduled")).toMatchObject({ reason: "network-not-ready" });
  });

  it("retries at once when the pod changes during back-off (the annotation PATCH), transient-expected", async () => {
    const t = setup(3);
    t.runtime.script("sgp", BRANCH_FAIL);
    t.kubelet.start();
    t.pods.add("sgp", { sgp: true });
    await t.clock.advance(700);
    expect(t.runtime.calls).toHaveLength(1);
    t.pods.annotate("sgp", "vpc.amazonaws.com/pod-eni", '[{"vlanId":1}]');
    await t.clock.advance(0);
    const runs = t.runtime.calls.filter((c) => c.verb === "run");
    expect(runs.map((r) => r.at)).toEqual([0, 700]);
    expect(t.events.reasons("sgp")).toEqual(["FailedCreatePodSandBox", "Pulled", "Created", "Started"]);
    expect(t.events.events[0]?.classification).toBe("transient-expected");
    expect(t.observed.filter((o) => o.kind === "retry-now")).toEqual([{ kind: "retry-now", at: 700, pod: { namespace: "ns", name: "sgp", uid: "uid-sgp" }, reason: "pod-changed" }]);
    // The back-off timer was cancelled: nothing fires later.
    await t.clock.runUntilIdle();
    expect(t.runtime.calls).toHaveLength(2);
  });

  it("a change that is not semantic (status/resourceVersion only) does not wake a pod in back-off", async () => {
    const t = setup(5, 50);
    t.runtime.script("sgp", BRANCH_FAIL);
    t.kubelet.start();
    t.pods.add("sgp", { sgp: true });
    await t.clock.advance(20);
    t.pods.touch("sgp");
    await t.clock.advance(100);
    t.pods.touch("sgp");
    await t.clock.advance(100);
    expect(t.runtime.calls).toHaveLength(1);
    await t.clock.runUntilIdle();
    const runs = t.runtime.calls.filter((c) => c.verb === "run");
    expect(runs).toHaveLength(2);
    expect(runs[1]?.at).toBeGreaterThanOrEqual(10_050);
  });

  it("retries at once after the attempt when the pod changed while it ran", async () => {
    const t = setup(3, 50);
    t.runtime.script("sgp", BRANCH_FAIL);
    t.kubelet.start();
    t.pods.add("sgp", { sgp: true });
    await t.clock.advance(20);
    t.pods.annotate("sgp", "vpc.amazonaws.com/pod-eni", '[{"vlanId":1}]');
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.at)).toEqual([0, 50]);
    expect(t.kubelet.state()[0]).toMatchObject({ phase: "running", attempts: 2, failures: 1, runningAt: 100 });
  });

  it("labels a branch failure real once the annotation is there, and for ordinary pods", async () => {
    const t = setup();
    t.runtime.script("plain", BRANCH_FAIL);
    t.kubelet.start();
    t.pods.add("plain");
    await t.clock.runUntilIdle();
    expect(t.events.events[0]?.classification).toBe("real");
    // An SGP pod annotated before its sandbox attempt: the branch ENI was ready, so the failure is real.
    const a = setup();
    a.runtime.script("sgp", BRANCH_FAIL);
    a.pods.add("sgp", { sgp: true });
    a.pods.annotate("sgp", "vpc.amazonaws.com/pod-eni", '[{"vlanId":1}]');
    a.kubelet.start();
    await a.clock.runUntilIdle();
    const failed = a.events.events.filter((e) => e.reason === "FailedCreatePodSandBox");
    expect(failed.map((e) => e.classification)).toEqual(["real"]);
  });

  it("stops the running sandbox on deletion and forgets the pod", async () => {
    const t = setup();
    t.kubelet.start();
    t.pods.add("web");
    await t.clock.runUntilIdle();
    t.pods.delete("web");
    await t.kubelet.idle();
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.verb)).toEqual(["run", "stop"]);
    expect(t.runtime.calls[1]?.sandboxId).toBe(t.runtime.calls[0]?.sandboxId);
    expect(t.events.reasons("web")).toContain("Killing");
    expect(t.kubelet.state()).toEqual([]);
  });

  it("graceful deletion: a deletionTimestamp stops the sandbox first, then the kubelet deletes the pod with grace 0", async () => {
    const t = setup();
    t.kubelet.start();
    t.pods.add("web");
    await t.clock.runUntilIdle();
    t.pods.terminate("web");
    // The pod object stays until the sandbox is down.
    expect(t.pods.pods.has("web")).toBe(true);
    await t.kubelet.idle();
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.verb)).toEqual(["run", "stop"]);
    expect(t.pods.deleted).toEqual(["web"]);
    expect(t.pods.pods.has("web")).toBe(false);
    expect(t.events.reasons("web")).toContain("Killing");
    expect(t.kubelet.state()).toEqual([]);
  });

  it("a failing stop is retried 1 s then 2 s later, with a FailedKillPod each time", async () => {
    const t = setup();
    t.kubelet.start();
    t.pods.add("web");
    await t.clock.runUntilIdle();
    t.runtime.failStops = 2;
    const t0 = t.clock.now();
    t.pods.delete("web");
    await t.clock.runUntilIdle();
    const stops = t.runtime.calls.filter((c) => c.verb === "stop");
    expect(stops.map((c) => c.at - t0)).toEqual([0, 1_000, 3_000]);
    expect(t.events.reasons("web").filter((r) => r === "FailedKillPod")).toHaveLength(2);
    expect(t.kubelet.state()).toEqual([]);
  });

  it("deleting a pod in back-off cancels the retry", async () => {
    const t = setup();
    t.runtime.script("db", "boom");
    t.kubelet.start();
    t.pods.add("db");
    await t.clock.advance(100);
    t.pods.delete("db");
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.verb)).toEqual(["run"]);
  });

  it("stop() aborts the attempt in flight and leaves no timer behind", async () => {
    const t = setup(1, 5_000);
    t.kubelet.start();
    t.pods.add("slow");
    await t.clock.advance(100);
    const stopped = t.kubelet.stop();
    await t.clock.advance(0);
    await stopped;
    expect(t.clock.pending()).toBe(0);
    expect(t.kubelet.state()[0]).toMatchObject({ phase: "pending", attempts: 1, failures: 0 });
    expect(t.events.events).toEqual([]);
    // Later pod changes are ignored once stopped.
    t.pods.add("late");
    await t.clock.runUntilIdle();
    expect(t.runtime.calls.map((c) => c.pod)).toEqual(["slow"]);
  });

  it("picks up pods that already exist at start", async () => {
    const t = setup();
    t.pods.add("early");
    t.kubelet.start();
    await t.clock.runUntilIdle();
    expect(t.runtime.calls).toHaveLength(1);
  });
});
