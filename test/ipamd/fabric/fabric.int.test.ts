// The fabric on real network namespaces: two nodes on a VPC bridge, each with ordinary pods, a
// strict-mode and a standard-mode branch pod on its trunk (the plugin's own wiring, macvlan
// fallback), and each node's fabric reconciler fed by mock-ec2's routing view. Every pod reaches
// every other; a branch ENI that goes away takes its routes with it, a new one gets them.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Ec2Client } from "../../../common/ec2/client.js";
import { createEc2Client } from "../../../common/ec2/client.js";
import { createFabric, ec2FabricSource } from "../../../ipamd/fabric/index.js";
import type { Fabric } from "../../../ipamd/fabric/index.js";
import { clusterLayout } from "../../../harness/cluster/names.js";
import type { ClusterLayout } from "../../../harness/cluster/names.js";
import { ensureInstance } from "../../../harness/cluster/instance.js";
import { createBridge, createNodeNetwork, deleteBridge, deleteNodeNetwork } from "../../../harness/cluster/vpc.js";
import { startMockEc2 } from "../../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../../helpers/mock-ec2.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";
import { eventually } from "../../helpers/wait.js";
import type { TestPod } from "./nodes.js";
import { addPod, deleteNetns, nodeIp, nodeSysctl, pings, run, trunkLink } from "./nodes.js";

const missing = missingOf(needRoot(), existsSync("/usr/bin/ping") ? undefined : "ping (Debian's iputils-ping)");

describeIf(missing, "fabric: cross-node pod traffic through the VPC's routing view", () => {
  let ec2: StartedMockEc2;
  let client: Ec2Client;
  let layout: ClusterLayout;
  const stateDir = mkdtempSync(join(tmpdir(), "vch-fabric-"));
  const pods: TestPod[] = [];
  const fabrics: Fabric[] = [];
  const branchOf = new Map<string, { eniId: string; associationId: string }>();
  const trunks = new Map<string, { eniId: string; peer: string; link: string }>();
  const instances = new Map<string, string>();

  beforeAll(async () => {
    ec2 = await startMockEc2();
    client = createEc2Client({ endpoint: ec2.endpoint, accessKeyId: "fabric-test" });
    layout = clusterLayout({ name: "vchf", stateDir, nodes: 2, vpcCidr: "10.0.0.0/16" });
    await createBridge(layout);
    for (const n of layout.nodes) {
      const inst = await ensureInstance(client, n.name, "m5.large");
      instances.set(n.name, inst.instanceId);
      await createNodeNetwork(layout, n, { ip: inst.privateIp, mac: inst.mac });
      // What the controller does for a trunk, and ipamd for its host link.
      const trunk = await client.createNetworkInterface({ subnetId: (await client.describeSubnets({}))[0]?.subnetId as string, interfaceType: "trunk" });
      await client.attachNetworkInterface({ eniId: trunk.eniId, instanceId: inst.instanceId, deviceIndex: 1 });
      const link = await trunkLink(n.netns, trunk.macAddress, 1);
      trunks.set(n.name, { eniId: trunk.eniId, peer: link.peer, link: link.name });
      const primary = (await client.describeInstances({ instanceIds: [inst.instanceId] }))[0]?.networkInterfaces[0]?.eniId as string;
      const [ip1, ip2] = await client.assignPrivateIpAddresses({ eniId: primary, count: 2 });
      pods.push(addPod(n.netns, `${n.index}-plain-a`, ip1 as string), addPod(n.netns, `${n.index}-plain-b`, ip2 as string));
      for (const [vlanId, mode] of [[1, "strict"], [2, "standard"]] as const) pods.push(await branchPod(n.netns, n.name, vlanId, mode));
    }
    for (const n of layout.nodes) {
      const f = createFabric({
        source: ec2FabricSource(ec2.harness), ip: nodeIp(n.netns), sysctl: nodeSysctl(n.netns),
        self: () => ({ instanceId: instances.get(n.name) as string, uplink: n.uplink, trunkPeer: trunks.get(n.name)?.peer as string }),
        log: { info: () => undefined, warn: () => undefined }, waitMs: 10_000,
      });
      f.start();
      fabrics.push(f);
    }
  });

  async function branchPod(netns: string, node: string, vlanId: number, mode: "strict" | "standard"): Promise<TestPod> {
    const subnets = await client.describeSubnets({});
    const branch = await client.createNetworkInterface({ subnetId: subnets[1]?.subnetId as string });
    const assoc = await client.associateTrunkInterface({ branchEniId: branch.eniId, trunkEniId: trunks.get(node)?.eniId as string, vlanId });
    branchOf.set(`${node}/${vlanId}`, { eniId: branch.eniId, associationId: assoc.associationId });
    return addPod(netns, `${node.slice(-1)}-${mode}-${vlanId}`, branch.privateIp, { vlanId, eniMac: branch.macAddress, subnetGateway: "10.0.32.1", mode, trunk: trunks.get(node)?.link as string });
  }

  afterAll(async () => {
    for (const f of fabrics) await f.stop();
    for (const p of pods) deleteNetns(p.netns);
    for (const n of layout?.nodes ?? []) await deleteNodeNetwork(n);
    if (layout !== undefined) await deleteBridge(layout.bridge);
    client?.destroy();
    await ec2?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function converged(): Promise<void> {
    const version = (await ec2.harness.fabric()).version;
    await eventually(`both fabrics at VPC version ${version}`, () => fabrics.every((f) => f.status().version === version), 30_000);
  }

  it("lets every pod reach every other, across nodes and between ordinary, strict and standard branch pods", async () => {
    await converged();
    const failed: string[] = [];
    for (const a of pods) for (const b of pods) if (a !== b && !pings(a, b.ip)) failed.push(`${a.name} -> ${b.name} (${b.ip})`);
    expect(failed).toEqual([]);
    expect(pods).toHaveLength(8);
  });

  it("routes a branch ENI's address to its node only while the VPC says so", async () => {
    const [a, b] = layout.nodes.map((n) => n.netns) as [string, string];
    const gone = branchOf.get(`${layout.nodes[1]?.name}/2`);
    const goneIp = pods.find((p) => p.name === "2-standard-2")?.ip as string;
    const table = (ns: string): string => run("ip", ["-n", ns, "route", "show", "table", "5000"]);
    expect(table(a)).toContain(`${goneIp} via`);
    await client.disassociateTrunkInterface(gone?.associationId as string);
    await client.deleteNetworkInterface(gone?.eniId as string);
    await converged();
    expect(table(a)).not.toContain(`${goneIp} `);
    // A new branch ENI on node b (VLAN 3): node a routes it to b, node b onto its trunk with the ENI's MAC.
    const fresh = await branchPod(b, layout.nodes[1]?.name as string, 3, "strict");
    pods.push(fresh);
    await converged();
    expect(table(a)).toContain(`${fresh.ip} via`);
    expect(run("ip", ["-n", b, "neigh", "show", "dev", trunks.get(layout.nodes[1]?.name as string)?.peer as string])).toContain(fresh.ip);
    expect(pings(pods[0] as TestPod, fresh.ip)).toBe(true);
  });
});
