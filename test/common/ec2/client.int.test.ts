// The cluster-mode EC2 client library against mock-ec2 as its own process: the typed client (errors,
// deadline, abort), ipamd's node discovery and SDK-backed EniAttacher on several nodes sharing one
// VPC, and the controller running on createRemoteEc2 (trunk at node join, a branch ENI per SGP pod).

import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerNode } from "../../../cluster/client/index.js";
import { POD_ENI_ANNOTATION } from "../../../common/names.js";
import { systemClock } from "../../../common/clock.js";
import { createEc2Client } from "../../../common/ec2/client.js";
import type { Ec2Client } from "../../../common/ec2/client.js";
import type { Ec2ClientOptions } from "../../../common/ec2/sdk.js";
import { Ec2Error } from "../../../common/ec2/errors.js";
import { createSdkEniAttacher, discoverNode } from "../../../common/ec2/node.js";
import { HarnessError } from "../../../common/errors.js";
import { instanceLimits } from "../../../common/limits.js";
import { createController, createRemoteEc2, createSeededRng, parseBranchAnnotation } from "../../../controller/index.js";
import { markCniNode, trunkReady, waitForNode } from "../../../ipamd/index.js";
import { installWebhook } from "../../controller/helpers.js";
import { testCluster } from "../../helpers/cluster.js";
import { startMockEc2 } from "../../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../../helpers/mock-ec2.js";

let svc: StartedMockEc2;
const clients: Ec2Client[] = [];
const client = (name: string, o: Omit<Ec2ClientOptions, "endpoint" | "accessKeyId"> = {}): Ec2Client => {
  const c = createEc2Client({ endpoint: svc.endpoint, accessKeyId: name, ...o });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  svc = await startMockEc2({ args: ["--qps", "0"] });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  expect(await svc.stop()).toBe(0);
});

describe("common/ec2 client", () => {
  it("turns EC2's errors into Ec2Error with the code, message and status", async () => {
    const c = client("errors");
    const e = await c.deleteNetworkInterface("eni-0123456789abcdef0").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Ec2Error);
    expect(e).toMatchObject({ code: "InvalidNetworkInterfaceID.NotFound", status: 400, message: "api error InvalidNetworkInterfaceID.NotFound: The networkInterface ID 'eni-0123456789abcdef0' does not exist" });
    expect((e as Ec2Error).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives up at its deadline on a server that never answers, and when the caller aborts", async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((s) => void held.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const slow = createEc2Client({ endpoint, callTimeoutMs: 300, maxAttempts: 1 });
      clients.push(slow);
      const e = await slow.describeVpcs([]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HarnessError);
      expect(e).toMatchObject({ kind: "deadline", message: `EC2 DescribeVpcs at ${endpoint}: no answer within 300 ms` });
      const ac = new AbortController();
      const p = slow.describeVpcs([], ac.signal).catch((x: unknown) => x);
      ac.abort(new Error("caller gave up"));
      expect(await p).toMatchObject({ message: "caller gave up" });
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
    const gone = createEc2Client({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    clients.push(gone);
    expect(await gone.describeVpcs([]).catch((x: unknown) => x)).toMatchObject({ kind: "unavailable" });
  });
});

describe("ipamd's EC2 side on several nodes sharing one VPC", () => {
  it("discovers each node, attaches ENIs up to the limit, and no address is held twice anywhere", async () => {
    const harness = client("harness");
    const names = ["node-a", "node-b", "node-c"];
    for (const n of names) await harness.runInstances({ instanceType: "m5.large", tags: { Name: n }, securityGroupIds: ["sg-0123456789abcdef0"] });
    const limits = instanceLimits("m5.large");
    const attached = await Promise.all(names.map(async (name) => {
      const c = client(`aws-node-${name}`);
      const node = await discoverNode(c, { nodeName: name });
      expect(node).toMatchObject({ instanceType: "m5.large", subnetCidr: "10.0.0.0/19", vpcCidrs: ["10.0.0.0/16"], securityGroupIds: ["sg-0123456789abcdef0"], trunk: undefined });
      await c.assignPrivateIpAddresses({ eniId: node.primaryEni.eniId, count: limits.ipv4PerEni - 1 });
      const attacher = createSdkEniAttacher(c, node, { ipsPerEni: limits.ipv4PerEni });
      // Asked for at once: the attacher takes them one at a time, each at its own device index.
      const enis = await Promise.all([attacher.attachEni(), attacher.attachEni()]);
      await expect(attacher.attachEni()).rejects.toMatchObject({ code: "AttachmentLimitExceeded" });
      return { c, node, attacher, enis };
    }));
    for (const { c, node, enis } of attached) {
      const again = await discoverNode(c, { instanceId: node.instanceId });
      expect(again.enis.map((e) => e.deviceNumber)).toEqual([0, 1, 2]);
      expect(enis.map((e) => e.deviceNumber).sort()).toEqual([1, 2]);
      expect(again.enis.every((e) => e.ips.length === limits.ipv4PerEni)).toBe(true);
    }
    const all = await harness.describeNetworkInterfaces({});
    const ips = all.flatMap((e) => e.privateIps.map((p) => p.ip));
    expect(new Set(ips).size).toBe(ips.length);
    expect(all.filter((e) => e.attachment === undefined)).toEqual([]);
    // Freeing an ENI returns its addresses; the next ENI may reuse them, never while they are held.
    const { attacher, enis } = attached[0] as (typeof attached)[number];
    const first = enis[0] as (typeof enis)[number];
    await attacher.detachEni(first.eniId);
    const after = await harness.describeNetworkInterfaces({});
    expect(after.map((e) => e.eniId)).not.toContain(first.eniId);
    const reused = await attacher.attachEni();
    const now = (await harness.describeNetworkInterfaces({})).flatMap((e) => e.privateIps.map((p) => p.ip));
    expect(new Set(now).size).toBe(now.length);
    expect(reused.ips.length).toBe(limits.ipv4PerEni);
    // The lowest free addresses of the subnet: those just freed come back.
    expect(reused.ips).toEqual(first.ips);
  });
});

describe("the controller on createRemoteEc2", () => {
  it("joins a node with a trunk ENI from EC2, and gives an SGP pod a branch ENI associated on it", async () => {
    await client("launcher").runInstances({ instanceType: "m5.large", tags: { Name: "node-ctl" } });
    const store = testCluster(systemClock);
    const ec2 = createRemoteEc2({
      name: "vpc-resource-controller", limit: { qps: 12, burst: 18 },
      makeClient: (name, limit) => client(name, limit === undefined ? {} : { rateLimit: limit }),
      primarySubnetCidr: "10.0.0.0/19", branchSubnetCidr: "10.0.32.0/19",
    });
    const ctl = createController({ clock: systemClock, cluster: store.cluster, rng: createSeededRng(1), ec2 }, { provisioningDelay: { kind: "fixed", fixedMs: 0 } });
    installWebhook(store, ctl);
    await ctl.start();
    try {
      // The handshake: the kubelet registers the Node, ipamd asks for a trunk through the CNINode.
      await registerNode(store.cluster, systemClock, { name: "node-ctl", instanceType: "m5.large", capacity: { pods: "29" } });
      await markCniNode(store.cluster, systemClock, "node-ctl");
      await waitForNode(store.cluster, systemClock, "node-ctl", trunkReady, 30_000, "the trunk ENI");
      const node = ctl.getNode("node-ctl");
      if (node === undefined) throw new Error("node-ctl did not join");
      const view = await discoverNode(client("check"), { nodeName: "node-ctl" });
      expect(view.trunk).toEqual({ eniId: node.trunkEniId, mac: node.trunkMac, deviceNumber: node.trunkDeviceNumber });
      store.applyPolicy({ namespace: "sgp", name: "all", podSelector: {}, securityGroupIds: ["sg-0123456789abcdef0"] });
      const annotated = new Promise<string>((resolve) => {
        const stop = store.watchPods((_t, pod) => {
          const v = pod.annotations[POD_ENI_ANNOTATION];
          if (v !== undefined) {
            stop();
            resolve(v);
          }
        });
      });
      store.createPod({ namespace: "sgp", name: "web", nodeName: "node-ctl" });
      const ann = parseBranchAnnotation(await annotated);
      const assoc = await client("check2").describeTrunkInterfaceAssociations({ trunkEniId: node.trunkEniId });
      expect(assoc).toEqual([{ associationId: ann.associationID, trunkEniId: node.trunkEniId, branchEniId: ann.eniId, vlanId: ann.vlanId }]);
      const [branch] = await client("check3").describeNetworkInterfaces({ eniIds: [ann.eniId ?? ""] });
      expect([branch?.interfaceType, branch?.privateIp, branch?.securityGroupIds, branch?.subnetId]).toEqual(["branch", ann.privateIp, ["sg-0123456789abcdef0"], expect.stringMatching(/^subnet-/)]);
      expect(ann.subnetCidr).toBe("10.0.32.0/19");
      const actions = ctl.ec2CallLog().filter((c) => c.client === "vpc-resource-controller").map((c) => c.action);
      expect(actions).toEqual(expect.arrayContaining(["CreateNetworkInterface", "AttachNetworkInterface", "CreateNetworkInterfacePermission", "AssociateTrunkInterface"]));
      const served = (await svc.harness.calls(0)).calls.filter((c) => c.caller === "vpc-resource-controller").map((c) => c.action);
      expect(served).toEqual(expect.arrayContaining(["DescribeInstances", "CreateNetworkInterface", "AttachNetworkInterface", "ModifyNetworkInterfaceAttribute", "AssociateTrunkInterface"]));
    } finally {
      ctl.stop();
      store.stop();
    }
  });
});
