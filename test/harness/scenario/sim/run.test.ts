// The simulated-time runner on small scenarios: deletions free what pods held, the limit stops a
// run that cannot settle, ordinary pods get IPs from an ENI attached on first need.

import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../../harness/scenario/parse.js";
import { runSimulated } from "../../../../harness/scenario/sim/run.js";
import { createSimWorld } from "../../../../harness/scenario/sim/world.js";
import { scheduleScenario } from "../../../../harness/scenario/sim/script.js";

const BASE = `
name: t
nodes: [{ name: node-1 }]
policies: [{ namespace: default, name: p, podSelector: { app: sgp }, securityGroups: [sg-1] }]
controller: { provisioningDelay: 1s }
`;

describe("runSimulated", () => {
  it("deleted pods are torn down: their IP lease and branch ENI are released", async () => {
    const s = parseScenario(`${BASE}
pods:
  - { name: plain, at: 1s, deleteAfter: 10s }
  - { name: sgp, at: 1s, deleteAfter: 10s, labels: { app: sgp } }
  - { name: stays, at: 1s }
`, "t.yaml");
    const w = createSimWorld(s);
    scheduleScenario(s, w);
    await w.clock.advanceTo(5_000);
    const node = w.nodes.get("node-1")!;
    expect(node.ipamd.leaseCount()).toBe(2);
    expect(w.controller.listEnis({ kind: "branch" }).filter((e) => e.podName === "sgp" && e.state !== "deleted")).toHaveLength(1);
    await w.clock.advanceTo(15_000);
    expect(node.ipamd.leaseCount()).toBe(1);
    expect(await w.cluster.pods.get({ namespace: "default", name: "plain" })).toBeUndefined();
    expect(w.controller.listEnis({ kind: "branch" }).find((e) => e.podName === "sgp")?.state).toMatch(/cooldown|deleted/);
    await w.stop();
  });

  it("stops at the limit when pods cannot run, and says so", async () => {
    const s = parseScenario(`${BASE}
limit: 40s
pods: [{ name: "sgp-{i}", count: 10, labels: { app: sgp }, node: node-1 }]
expect: { allRunning: true }
`, "t.yaml");
    const r = await runSimulated(s);
    // m5.large: 9 branch ENIs; the tenth pod, pinned to the node, waits for capacity forever.
    expect(r.settled).toBe(false);
    expect(r.summary.running).toBe(9);
    expect(r.summary.durationMs).toBeLessThanOrEqual(40_000);
    expect(r.notes.join("\n")).toMatch(/went on to its limit \(\+40s\): 1 pods not running/);
    expect(r.differences).toEqual(["expect.allRunning: 9 of 10 pods running"]);
    const stuck = r.timeline.pods.find((p) => p.runningAt === undefined)!;
    expect(stuck.attempts.length).toBeGreaterThan(1);
    expect(stuck.attempts.every((a) => a.classification === "transient-expected")).toBe(true);
    // Why each ADD failed, as ipamd's backend decided it (its AddNetworkFailed record), not as the
    // simulated sandbox worded it: the branch ENI was not there yet, every time.
    const refusals = stuck.events.filter((e) => e.reason === "AddNetworkFailed" && e.source === "aws-node");
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals.map((e) => e.attributes.reason))).toEqual(new Set(["branch-eni-not-ready"]));
  });

  it("ordinary pods get distinct IPs of one attached ENI; the first waits for the attach", async () => {
    const s = parseScenario(`${BASE}
pods: [{ name: "w-{i}", count: 5, at: 1s }]
expect: { allRunning: true, realFailures: 0 }
`, "t.yaml");
    const r = await runSimulated(s);
    expect(r.differences).toEqual([]);
    expect(r.timeline.pods.every((p) => p.attempts.length === 1 && p.provisioning === undefined)).toBe(true);
    const w = createSimWorld(s);
    scheduleScenario(s, w);
    await w.clock.advanceTo(10_000);
    const ips = w.nodes.get("node-1")!.kubelet.state().map((st) => st.sandbox?.ips[0]);
    expect(ips.every((ip) => ip !== undefined && /^\d+\.\d+\.\d+\.\d+\/32$/.test(ip))).toBe(true);
    expect(new Set(ips).size).toBe(5);
    expect(w.controller.listEnis({ nodeName: "node-1", kind: "secondary" })).toHaveLength(1);
    await w.stop();
  });
});
