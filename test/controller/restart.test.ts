// A controller that dies (kill -9: no clean-up) and a new one on the same cluster and EC2: the new
// one reuses the node's trunk, takes back the branch ENIs named in the pods' annotations, sends the
// ones no pod owns (provisioned but not annotated when the first died) to the front of the delete
// queue, and provisions the pods still waiting. No branch ENI is leaked or given to two pods.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createController, createSeededRng } from "../../controller/index.js";
import { testCluster } from "../helpers/cluster.js";
import { annotationOf, installWebhook, startJoin } from "./helpers.js";

describe("controller restart", () => {
  it("rebuilds branch state from EC2 and the annotations; nothing leaked, nothing shared", async () => {
    const clock = new FakeClock(0);
    const store = testCluster(clock);
    const first = createController({ clock, cluster: store.cluster, rng: createSeededRng(3) }, { provisioningDelay: { kind: "fixed", fixedMs: 2_000 }, ec2: { callLatencyMs: 10 } });
    installWebhook(store, first);
    await first.start();
    store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, securityGroupIds: ["sg-0123456789abcdef0"] });
    await startJoin(store, first, "node-1", "m5.large");
    await clock.advance(1_000);
    for (const n of ["a", "b", "c"]) store.createPod({ namespace: "sgp", name: n, nodeName: "node-1" });
    await clock.advance(3_000);
    // a, b, c annotated; d and e get their ENIs made, then the controller dies during the delay.
    for (const n of ["d", "e"]) store.createPod({ namespace: "sgp", name: n, nodeName: "node-1" });
    await clock.advance(500);
    const trunk = first.getNode("node-1")?.trunkEniId;
    expect(first.ec2.list({ nodeName: "node-1", kind: "branch" })).toHaveLength(5);
    first.stop();

    const second = createController({ clock, cluster: store.cluster, rng: createSeededRng(4), ec2: first.ec2 }, { provisioningDelay: { kind: "fixed", fixedMs: 2_000 }, ec2: { callLatencyMs: 10 } });
    await second.start();
    await clock.advance(60_000);
    expect(second.getNode("node-1")?.trunkEniId).toBe(trunk);
    const pods = store.listPods("sgp");
    const owned = pods.map((p) => annotationOf(p)?.eniId);
    expect(owned.every((e) => e !== undefined)).toBe(true);
    expect(new Set(owned).size).toBe(5);
    // EC2's live branch ENIs are exactly the annotated ones: d's and e's first ENIs were deleted.
    const live = second.ec2.list({ nodeName: "node-1", kind: "branch" }).map((e) => e.eniId).sort();
    expect(live).toEqual([...owned].sort());
    // VLAN ids stay unique on the trunk.
    expect(new Set(pods.map((p) => annotationOf(p)?.vlanId)).size).toBe(5);
    second.stop();
  });

  it("a pod deleted while the controller was down: its ENI is no one's and is deleted", async () => {
    const clock = new FakeClock(0);
    const store = testCluster(clock);
    const first = createController({ clock, cluster: store.cluster, rng: createSeededRng(5) }, { provisioningDelay: { kind: "fixed", fixedMs: 100 }, ec2: { callLatencyMs: 0 } });
    installWebhook(store, first);
    await first.start();
    store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, securityGroupIds: ["sg-0123456789abcdef0"] });
    await startJoin(store, first, "node-1", "m5.large");
    await clock.advance(1_000);
    store.createPod({ namespace: "sgp", name: "gone", nodeName: "node-1" });
    await clock.advance(1_000);
    const eni = annotationOf(store.getPod("sgp", "gone"))?.eniId ?? "";
    first.stop();
    store.deletePod("sgp", "gone");
    const second = createController({ clock, cluster: store.cluster, rng: createSeededRng(6), ec2: first.ec2 }, { ec2: { callLatencyMs: 0 } });
    await second.start();
    await clock.advance(60_000);
    expect(second.ec2.describe(eni)?.state).toBe("deleted");
    second.stop();
  });
});
