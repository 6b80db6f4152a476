// Twenty SGP pods on one m5.large (9 branch ENIs), each deleted once it runs, then the next one
// created: a deleted pod's branch ENI goes to the cooldown queue (graceful deletion: the kubelet
// stops the sandbox, then the pod object is gone), is deleted at a delete pass once cooled down,
// and its slot serves a later pod. Every pod gets a branch ENI and runs; none stays failed. In
// simulated time: the real 30 s minimum cooldown and 30 s delete passes, in well under a second.

import { describe, expect, it } from "vitest";
import { createPod } from "../../../../cluster/client/index.js";
import { parseScenario } from "../../../../harness/scenario/parse.js";
import { scheduleScenario } from "../../../../harness/scenario/sim/script.js";
import { createSimWorld } from "../../../../harness/scenario/sim/world.js";

describe("deleting SGP pods one after another on an m5.large", () => {
  it("every new SGP pod gets a branch ENI once the cooldown frees one, and none stays failed", async () => {
    const s = parseScenario(`
name: delete-20
nodes: [{ name: node-1, instanceType: m5.large }]
policies: [{ namespace: default, name: p, podSelector: { app: sgp }, securityGroups: [sg-1] }]
controller: { provisioningDelay: 1s }
`, "delete-20.yaml");
    const w = createSimWorld(s);
    scheduleScenario(s, w);
    await w.clock.advanceTo(5_000);
    const deletedAt: number[] = [];
    const runningAt: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const pod = await createPod(w.cluster, { uid: w.newPodUid(), namespace: "default", name: `sgp-${i}`, labels: { app: "sgp" }, nodeName: "node-1" });
      // Until it runs (simulated time; a pod that never runs would stop at this bound).
      for (let t = 0; t < 600 && w.attempts.runningAt(pod) === undefined; t++) await w.clock.advance(1_000);
      const at = w.attempts.runningAt(pod);
      expect(at, `sgp-${i} runs`).toBeDefined();
      runningAt.push(at ?? 0);
      deletedAt.push(w.clock.now());
      await w.cluster.pods.delete(pod);
      await w.clock.advance(1_000);
    }
    const events = w.events.list();
    const allocated = events.filter((e) => e.reason === "ResourceAllocated");
    expect(allocated).toHaveLength(20);
    expect(new Set(allocated.map((e) => e.attributes["eniId"])).size).toBe(20);
    // Real failures: none (a waiting pod's capacity events and its first ADD are transient-expected).
    expect(events.filter((e) => e.classification === "real")).toEqual([]);
    // Pods 1-9 fit at once; the tenth waited for the first deleted pod's ENI: cooldown (30 s) and
    // the next delete pass, then the capacity requeue.
    const waits = runningAt.map((r, i) => r - (deletedAt[i - 1] ?? r));
    expect(Math.max(...waits.slice(0, 9))).toBeLessThan(10_000);
    expect((runningAt[9] ?? 0) - (deletedAt[0] ?? 0)).toBeGreaterThanOrEqual(30_000);
    const capacityWaits = events.filter((e) => e.reason === "BranchAllocationFailed" && e.classification === "transient-expected");
    expect(capacityWaits.map((e) => e.involvedObject.name)).toContain("sgp-10");
    // Every branch ENI of a deleted pod is deleted in EC2 in the end, none leaked.
    await w.clock.advance(120_000);
    expect(w.controller.listEnis({ kind: "branch" }).filter((e) => e.state !== "deleted")).toEqual([]);
    await w.stop();
  });
});
