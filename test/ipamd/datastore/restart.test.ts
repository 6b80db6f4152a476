// A daemon restart in-process (FakeClock, the controller's fake EC2 with the same seed): leases on
// the primary ENI come back at once; leases on a warm-pool ENI come back "unbacked" and are claimed
// when the warm pool re-attaches an ENI carrying their IPs; meanwhile nobody else gets those IPs.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { createController, createSeededRng } from "../../../controller/index.js";
import { MemoryCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";
import { startJoin } from "../../controller/helpers.js";
import { testCluster } from "../../helpers/cluster.js";
import { instanceLimits } from "../../../common/limits.js";
import { WarmPoolReconciler, warmPoolConfig } from "../../../ipamd/warmpool/index.js";

const limits = instanceLimits("m5.large");

/** One daemon "process": controller + node join + datastore restored from cp + warm pool. */
async function boot(cp: MemoryCheckpoint) {
  const clock = new FakeClock(0);
  const tc = testCluster(clock);
  const ctl = createController({ clock, cluster: tc.cluster, rng: createSeededRng(1) }, { ec2: { callLatencyMs: 10 } });
  await ctl.start();
  const n = await startJoin(tc, ctl, "n1", "m5.large", limits.ipv4PerEni - 1);
  await clock.runUntilIdle();
  const ds = new Datastore({ clock });
  const [primaryIp = "", ...secondaryIps] = n.privateIps;
  ds.addEni({ eniId: n.eniId, mac: n.mac, deviceNumber: 0, primaryIp, subnetCidr: n.subnetCidr, secondaryIps });
  const durable = new DurableDatastore(ds, cp);
  const report = await durable.restore();
  const pool = new WarmPoolReconciler({
    datastore: ds, clock, limits, podEniEnabled: false, config: warmPoolConfig({}),
    attacher: ctl.eniAttacher("n1", { ipsPerEni: limits.ipv4PerEni }),
  });
  pool.start();
  await clock.advance(5_000);
  return { clock, ds, durable, pool, report, ctl };
}

const KEY = (i: number) => ({ networkName: "aws-cni", containerID: `c${i}`, ifName: "eth0" });
const META = { k8sPodNamespace: "d", k8sPodName: "p", interfacesCount: 1 };

describe("restart with leases on a warm-pool ENI", () => {
  it("restores every lease, claims the re-attached ENI's IPs, and never hands them out twice", async () => {
    const cp = new MemoryCheckpoint();
    const first = await boot(cp);
    const before = new Map<string, string>();
    for (let i = 0; i < 12; i++) {
      before.set(`c${i}`, (await first.durable.assign(KEY(i), META)).lease.ip); // 9 on eni-0, 3 on the warm ENI
      first.pool.nudge();
      await first.clock.advance(1_000);
    }
    expect(first.ds.leases().filter((l) => l.deviceNumber > 0)).toHaveLength(3);
    await first.pool.stop();

    const second = await boot(cp);
    expect(second.report.restored).toBe(12);
    expect(second.report.unbacked.map((l) => l.ip).sort()).toEqual(
      first.ds.leases().filter((l) => l.deviceNumber > 0).map((l) => l.ip).sort(),
    );
    // The warm pool of the new process re-attached an ENI; its IPs are those of the old one.
    expect(second.ds.stats()).toMatchObject({ unbackedLeases: 0, assignedIps: 12 });
    for (const [c, ip] of before) expect(second.ds.lookup({ networkName: "aws-cni", containerID: c, ifName: "eth0" })?.ip).toBe(ip);
    expect(second.ds.leases().filter((l) => l.deviceNumber > 0).every((l) => l.routeTableId === l.deviceNumber + 1)).toBe(true);
    const fresh = await second.durable.assign(KEY(100), META);
    expect([...before.values()]).not.toContain(fresh.lease.ip);
    await second.pool.stop();
  });
});
