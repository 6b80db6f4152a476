// The controller's events on Nodes, as provider.go InitResource sends them (docs/REFERENCE.md §8):
// NodeTrunkInitiated once the node's trunk is ready (created, or found again by a restarted
// controller), TrunkENICreationFailed (the EC2 error code only) and NodeTrunkFailedInit while it
// cannot be made; none for an instance type without trunking.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../common/clock.js";
import { createController, createSeededRng } from "../../controller/index.js";
import { markCniNode } from "../../ipamd/index.js";
import { registerNode } from "../../runtime/kubelet/index.js";
import { testCluster } from "../helpers/cluster.js";
import { installWebhook, rig } from "./helpers.js";

const INITIATED = "The node has trunk interface initialized successfully";

describe("node events", () => {
  it("NodeTrunkInitiated on the Node once its trunk is attached, with the node's name as uid (kubectl describe node finds it)", async () => {
    const { store, ctl } = await rig({}, [["node-1", "m5.large"], ["node-2", "t3.medium"]]);
    expect(ctl.getNode("node-1")?.trunkEniId).toMatch(/^eni-/);
    const events = store.listEvents({ name: "node-1" });
    expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([["Normal", "NodeTrunkInitiated", INITIATED]]);
    expect(events[0]?.involvedObject).toMatchObject({ kind: "Node", name: "node-1", uid: "node-1" });
    expect(events[0]?.source).toBe("vpc-resource-controller");
    // t3.medium has no trunking: no trunk, no event.
    expect(store.listEvents({ name: "node-2" }).map((e) => e.reason)).toEqual([]);
  });

  it("a failed trunk creation: TrunkENICreationFailed with EC2's code and NodeTrunkFailedInit, aggregated over retries; then NodeTrunkInitiated", async () => {
    const clock = new FakeClock(0);
    const store = testCluster(clock);
    const ctl = createController({ clock, cluster: store.cluster, rng: createSeededRng(5) }, { ec2: { callLatencyMs: 0 } });
    installWebhook(store, ctl);
    await ctl.start();
    // The instance runs; then its subnet has no address left for the trunk.
    ctl.ec2.launchInstance("node-1", 0);
    ctl.ec2.setFaults({ subnetExhausted: true });
    await registerNode(store.cluster, clock, { name: "node-1", instanceType: "m5.large", capacity: { pods: "29" } });
    await markCniNode(store.cluster, clock, "node-1");
    await clock.advance(5_000);
    expect(ctl.getNode("node-1")).toBeUndefined();
    const failed = store.listEvents({ name: "node-1" });
    expect(failed.map((e) => [e.type, e.reason, e.message])).toEqual([
      ["Warning", "TrunkENICreationFailed", "Failed to create trunk interface: Error Code: InsufficientFreeAddressesInSubnet"],
      ["Normal", "NodeTrunkFailedInit", "The node failed initializing trunk interface"],
    ]);
    // One event per reason, counted: the work queue retried.
    expect(failed.every((e) => (e.count ?? 1) >= 2)).toBe(true);
    ctl.ec2.setFaults({ subnetExhausted: false });
    await clock.advance(60_000);
    expect(ctl.getNode("node-1")?.trunkEniId).toMatch(/^eni-/);
    expect(store.listEvents({ name: "node-1" }).filter((e) => e.reason === "NodeTrunkInitiated").map((e) => e.message)).toEqual([INITIATED]);
    ctl.stop();
  });

  it("a restarted controller that finds the trunk in EC2 says so again", async () => {
    const { clock, store, ctl } = await rig();
    const trunk = ctl.getNode("node-1")?.trunkEniId;
    ctl.stop();
    const second = createController({ clock, cluster: store.cluster, rng: createSeededRng(9), ec2: ctl.ec2 }, { ec2: { callLatencyMs: 0 } });
    await second.start();
    await clock.advance(5_000);
    expect(second.getNode("node-1")?.trunkEniId).toBe(trunk);
    const initiated = store.listEvents({ name: "node-1" }).filter((e) => e.reason === "NodeTrunkInitiated");
    expect(initiated.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(2);
    second.stop();
  });
});
