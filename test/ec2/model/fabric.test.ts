import { describe, expect, it } from "vitest";
import * as enis from "../../../ec2/model/enis.js";
import { fabricView } from "../../../ec2/model/fabric.js";
import * as inst from "../../../ec2/model/instances.js";
import * as ips from "../../../ec2/model/ips.js";
import type { Ec2Model } from "../../../ec2/model/model.js";
import * as trunk from "../../../ec2/model/trunk.js";
import { ChangeFeed } from "../../../ec2/server/changes.js";
import { newModel, subnetIds } from "../helpers.js";

const run = (m: Ec2Model, name: string): string =>
  inst.runInstances(m, {
    imageId: "ami-12345678", instanceType: "m5.large", minCount: 1, maxCount: 1, subnetId: subnetIds(m)[0],
    securityGroupIds: [], privateIpAddress: undefined, clientToken: undefined,
    tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: name }] }],
  })[0]?.instanceId as string;

const create = (m: Ec2Model, subnet: number, interfaceType?: "trunk" | "branch") =>
  enis.createNetworkInterface(m, {
    subnetId: subnetIds(m)[subnet] as string, description: undefined, groups: [], privateIpAddress: undefined, privateIpAddresses: [],
    secondaryCount: undefined, interfaceType, tagSpecifications: [], clientToken: undefined,
  });

/** Two nodes; node-a has a trunk with one branch ENI (VLAN 7) and two secondary IPs on its primary ENI. */
function vpc(): { m: Ec2Model; a: string; b: string; trunkId: string; branchId: string } {
  const m = newModel();
  const a = run(m, "node-a");
  const b = run(m, "node-b");
  ips.assignPrivateIpAddresses(m, { eniId: m.instances.get(a)?.primaryEniId as string, privateIpAddresses: [], secondaryCount: 2, allowReassignment: false });
  const t = create(m, 0, "trunk");
  enis.attachNetworkInterface(m, { eniId: t.eniId, instanceId: a, deviceIndex: 1, networkCardIndex: undefined });
  const br = create(m, 1, "branch");
  trunk.associateTrunkInterface(m, { branchEniId: br.eniId, trunkEniId: t.eniId, vlanId: 7, greKey: undefined, clientToken: undefined });
  return { m, a, b, trunkId: t.eniId, branchId: br.eniId };
}

describe("fake EC2: the VPC's routing view", () => {
  it("names each running instance with its Name tag and primary address, and each interface with its owner", () => {
    const { m, a, b, trunkId, branchId } = vpc();
    const v = fabricView(m);
    expect(v.instances.map((i) => [i.name, i.privateIp])).toEqual([["node-a", m.instances.get(a)?.privateIp], ["node-b", m.instances.get(b)?.privateIp]]);
    const primaryA = v.interfaces.find((e) => e.eniId === m.instances.get(a)?.primaryEniId);
    expect(primaryA?.ips).toHaveLength(3);
    expect(primaryA?.instanceId).toBe(a);
    const branch = v.interfaces.find((e) => e.eniId === branchId);
    // A branch ENI is not attached: it reaches the instance through its trunk, on its VLAN.
    expect(branch).toMatchObject({ interfaceType: "branch", instanceId: a, trunkEniId: trunkId, vlanId: 7, subnetCidr: "10.0.32.0/19" });
    expect(branch?.macAddress).toBe(m.enis.get(branchId)?.macAddress);
  });

  it("leaves out what reaches no running instance: detached ENIs, unassociated branches, a terminated instance's", () => {
    const { m, a, branchId } = vpc();
    const loose = create(m, 0);
    const lonely = create(m, 1, "branch");
    let v = fabricView(m);
    expect(v.interfaces.map((e) => e.eniId)).not.toContain(loose.eniId);
    expect(v.interfaces.map((e) => e.eniId)).not.toContain(lonely.eniId);
    inst.terminateInstances(m, [a]);
    v = fabricView(m);
    expect(v.instances.map((i) => i.instanceId)).not.toContain(a);
    expect(v.interfaces.some((e) => e.instanceId === a || e.eniId === branchId)).toBe(false);
  });
});

describe("fake EC2: the change feed behind the long poll", () => {
  it("answers at once when the caller's version is old, and wakes waiters on the next change", async () => {
    const f = new ChangeFeed();
    const v0 = f.version;
    await f.wait("some-other-version", 60_000);
    let woke = false;
    const waiting = f.wait(v0, 60_000).then(() => void (woke = true));
    expect(f.waiting).toBe(1);
    f.bump();
    await waiting;
    expect(woke).toBe(true);
    expect(f.version).not.toBe(v0);
    expect(f.waiting).toBe(0);
  });

  it("lets an aborted waiter and a closed feed go, and never holds more than its cap", async () => {
    const f = new ChangeFeed();
    const ac = new AbortController();
    const w = f.wait(f.version, 60_000, ac.signal);
    ac.abort();
    await w;
    expect(f.waiting).toBe(0);
    const held = Array.from({ length: 1100 }, () => f.wait(f.version, 60_000));
    expect(f.waiting).toBe(1024);
    f.close();
    await Promise.all(held);
    expect(f.waiting).toBe(0);
    await f.wait(f.version, 60_000);
  });
});
