// The warm pool against the real fake controller's EC2 (FakeClock): ENIs are created and attached
// through the rate-limited EC2 calls, an EC2 outage makes the pool back off, and it recovers.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { createController, createSeededRng } from "../../../controller/index.js";
import { Datastore } from "../../../ipamd/datastore/index.js";
import { startJoin } from "../../controller/helpers.js";
import { testCluster } from "../../helpers/cluster.js";
import { instanceLimits } from "../../../common/limits.js";
import { WarmPoolReconciler, warmPoolConfig } from "../../../ipamd/warmpool/index.js";

async function node() {
  const clock = new FakeClock(0);
  const tc = testCluster(clock);
  const ctl = createController({ clock, cluster: tc.cluster, rng: createSeededRng(3) }, { ec2: { callLatencyMs: 100 } });
  await ctl.start();
  const limits = instanceLimits("m5.xlarge"); // 4 ENIs x 14 pod IPs, one slot for the trunk
  const primary = await startJoin(tc, ctl, "n1", "m5.xlarge", limits.ipv4PerEni - 1);
  await clock.runUntilIdle();
  const trunk = ctl.ec2.list({ nodeName: "n1", kind: "trunk" })[0];
  if (trunk === undefined) throw new Error("no trunk ENI");
  const ds = new Datastore({ clock });
  const [primaryIp = "", ...secondaryIps] = primary.privateIps;
  ds.addEni({ eniId: primary.eniId, mac: primary.mac, deviceNumber: 0, primaryIp, subnetCidr: primary.subnetCidr, secondaryIps });
  ds.addEni({ eniId: trunk.eniId, mac: trunk.mac, deviceNumber: trunk.deviceNumber, primaryIp: "", subnetCidr: trunk.subnetCidr, secondaryIps: [], isTrunk: true });
  const pool = new WarmPoolReconciler({
    datastore: ds, clock, limits, podEniEnabled: true, config: warmPoolConfig({}),
    attacher: ctl.eniAttacher("n1", { ipsPerEni: limits.ipv4PerEni }),
  });
  return { clock, ctl, ds, pool };
}

const fill = (ds: Datastore, from: number, n: number): void => {
  for (let i = from; i < from + n; i++) ds.assign({ networkName: "aws-cni", containerID: `c${i}`, ifName: "eth0" }, { k8sPodNamespace: "d", k8sPodName: `p${i}`, interfacesCount: 1 });
};

describe("warm pool through the fake EC2", () => {
  it("attaches ENIs with CreateNetworkInterface + AttachNetworkInterface up to the instance limit", async () => {
    const { clock, ctl, ds, pool } = await node();
    pool.start();
    fill(ds, 0, 1);
    pool.nudge();
    await clock.advance(10_000);
    expect(ds.stats()).toMatchObject({ enis: 2, totalIps: 28, trunkAttached: true });
    const eni = ds.enis().find((e) => !e.isPrimary && !e.isTrunk);
    expect(eni?.deviceNumber).toBe(2);
    expect(ctl.ec2.describe(eni?.eniId ?? "")).toMatchObject({ nodeName: "n1", state: "attached", deviceNumber: 2 });
    const calls = ctl.ec2CallLog().filter((c) => c.client === "aws-node/n1").map((c) => c.action);
    expect(calls).toEqual(["CreateNetworkInterface", "AttachNetworkInterface"]);

    fill(ds, 1, 20); // 7 free < 14: one more ENI, then the instance is full (primary, trunk, 2)
    await clock.advance(30_000);
    expect(ds.stats()).toMatchObject({ enis: 3, totalIps: 42 });
    fill(ds, 21, 20);
    await clock.advance(30_000);
    expect(ds.stats().enis).toBe(3);
    expect(pool.decide()).toMatchObject({ action: "none", reason: expect.stringContaining("no room for another ENI") });
    await pool.stop();
  });

  it("backs off while EC2 fails and recovers when it answers again", async () => {
    const { clock, ctl, ds, pool } = await node();
    ctl.setFaults({ ec2FailureRate: 1 });
    fill(ds, 0, 1);
    pool.start();
    await clock.advance(60_000);
    const status = pool.status();
    expect(status.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(status.lastOutcome).toMatchObject({ result: "failed", error: expect.stringContaining("InternalError") });
    const attempts = ctl.ec2CallLog().filter((c) => c.client === "aws-node/n1" && c.attempt === 1).length;
    // Back-off keeps the attempts far below one per pool interval... and doubles.
    expect(attempts).toBeLessThan(10);
    ctl.setFaults({ ec2FailureRate: 0 });
    await clock.advance(70_000);
    expect(ds.stats().enis).toBe(2);
    expect(pool.status().consecutiveFailures).toBe(0);
    expect(ctl.listEnis({ nodeName: "n1" }).filter((e) => e.kind === "secondary" && e.state !== "deleted")).toHaveLength(1);
    await pool.stop();
  });
});
