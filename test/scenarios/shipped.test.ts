// Every shipped scenario, run in simulated time: its own expectations hold, and what each one is
// about is visible in the run (one transient failure, throttling retries, capacity waits, ...).

import { describe, expect, it } from "vitest";
import { listShipped } from "../../harness/scenario/shipped.js";
import { loadScenario } from "../../harness/scenario/parse.js";
import { runSimulated } from "../../harness/scenario/sim/run.js";
import type { RunResult } from "../../harness/scenario/result.js";
import { renderTimelineSvg } from "../../harness/timeline/index.js";

async function run(name: string): Promise<RunResult> {
  const file = listShipped().find((s) => s.name === name)?.file;
  if (file === undefined) throw new Error(`shipped scenario ${name} not found`);
  return runSimulated(await loadScenario(file));
}

const pod = (r: RunResult, name: string) => {
  const p = r.timeline.pods.find((x) => x.name === name);
  if (p === undefined) throw new Error(`pod ${name} not in the run`);
  return p;
};

describe("shipped scenarios", () => {
  it("all parse, and the expected set is there", () => {
    const list = listShipped();
    expect(list.filter((s) => s.error !== undefined)).toEqual([]);
    expect(list.map((s) => s.name)).toEqual(expect.arrayContaining(["basic", "scale-1000", "ec2-throttling", "capacity-exhausted", "ipamd-restart", "wait-for-branch-eni", "branch-faults", "scale-200-wait"]));
  });

  it("basic: the SGP pod fails once (transient-expected), retries on the annotation and runs; the ordinary pod never fails", async () => {
    const r = await run("basic");
    expect(r.differences).toEqual([]);
    const sgp = pod(r, "sgp-pod");
    expect(sgp.attempts.map((a) => a.outcome)).toEqual(["failed", "ok"]);
    // Why the first ADD failed, as ipamd's backend decided it (not as the simulated sandbox words it).
    const refusals = sgp.events.filter((e) => e.reason === "AddNetworkFailed" && e.source === "aws-node");
    expect(refusals.map((e) => e.attributes.reason)).toEqual(["branch-eni-not-ready"]);
    expect(sgp.attempts[0]?.sandboxId).not.toBe(sgp.attempts[1]?.sandboxId);
    // The retry follows the annotation PATCH (pod changed), not the 10 s back-off.
    const allocated = sgp.events.find((e) => e.reason === "ResourceAllocated")!.firstTimestamp;
    expect(sgp.attempts[1]!.start - allocated).toBeLessThan(1000);
    expect(sgp.provisioning).toMatchObject({ outcome: "ok", vlanId: 1 });
    expect(pod(r, "plain-pod").attempts.map((a) => a.outcome)).toEqual(["ok"]);
    expect(r.notes.join(" ")).toMatch(/instead of exec'ing the plugin/);
  });

  it("wait-for-branch-eni: no FailedCreatePodSandBox, the SGP pod's single ADD waits for the annotation", async () => {
    const r = await run("wait-for-branch-eni");
    expect(r.differences).toEqual([]);
    const sgp = pod(r, "sgp-pod");
    expect(sgp.attempts).toHaveLength(1);
    expect(sgp.attempts[0]!.end! - sgp.attempts[0]!.start).toBeGreaterThan(1000);
  });

  it("ec2-throttling: throttled calls fail allocations, which are retried; failures stay transient-expected", async () => {
    const r = await run("ec2-throttling");
    expect(r.differences).toEqual([]);
    expect(r.summary.events["BranchAllocationFailed"]).toBeGreaterThan(0);
    // Throttled attempts are extra EC2 calls beyond the 3 per branch ENI.
    expect(r.ec2Calls).toBeGreaterThan(60 * 3 + 7 * 2);
  });

  it("capacity-exhausted: 3 pods wait for node-2 and run there", async () => {
    const r = await run("capacity-exhausted");
    expect(r.differences).toEqual([]);
    const late = r.timeline.pods.filter((p) => p.nodeName === "node-2");
    expect(late).toHaveLength(3);
    for (const p of late) {
      expect(p.events.some((e) => e.reason === "FailedScheduling" && e.message.includes("Insufficient vpc.amazonaws.com/pod-eni"))).toBe(true);
      expect(p.runningAt).toBeGreaterThan(120_000);
    }
  });

  it("ipamd-restart: outage failures are real, leases survive, every pod runs", async () => {
    const r = await run("ipamd-restart");
    expect(r.differences).toEqual([]);
    const during = r.timeline.pods.filter((p) => p.name.startsWith("during-"));
    for (const p of during) {
      expect(p.attempts[0]).toMatchObject({ outcome: "failed", classification: "real" });
      // ipamd was down: the failure is the plugin not reaching it, not a refusal ipamd's backend made.
      expect(p.events.filter((e) => e.reason === "AddNetworkFailed")).toEqual([]);
      expect(p.runningAt).toBeDefined();
    }
    expect(r.timeline.clusterEvents.find((e) => e.reason === "IpamdStarted")?.message).toMatch(/5 leases restored from the checkpoint/);
  });

  it("branch-faults: both controller failure events happen and every pod still runs", async () => {
    const r = await run("branch-faults");
    expect(r.differences).toEqual([]);
    expect(r.summary.realFailures).toBe(0);
  });

  it("scale-200-wait: waiting for the branch ENI cuts warnings without delaying pods", async () => {
    const s = await loadScenario(listShipped().find((x) => x.name === "scale-200-wait")!.file);
    const waiting = await runSimulated(s);
    const failing = await runSimulated({ ...s, ipamd: { waitForBranchEni: 0 } });
    expect(waiting.differences).toEqual([]);
    // The real ipamd's behaviour: every SGP pod fails at least once.
    expect(failing.timeline.pods.every((p) => p.attempts[0]?.outcome === "failed")).toBe(true);
    expect(waiting.summary.transientFailures).toBeLessThan(failing.summary.transientFailures / 3);
    expect(Math.abs(waiting.summary.lastRunningAt! - failing.summary.lastRunningAt!)).toBeLessThan(2000);
  });

  it("the same seed replays the same run", async () => {
    const a = await run("ec2-throttling");
    const b = await run("ec2-throttling");
    expect(b.summary).toEqual(a.summary);
  });

  it("a real run's timeline renders with one row per pod", async () => {
    const r = await run("basic");
    const svg = renderTimelineSvg(r.timeline);
    expect([...svg.matchAll(/<g class="pod-row"/g)]).toHaveLength(2);
    expect([...svg.matchAll(/class="attempt attempt-failed transient-expected"/g)]).toHaveLength(1);
  });
});
