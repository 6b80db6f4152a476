import { describe, expect, it } from "vitest";
import * as d from "../../../ec2/model/describe.js";
import * as enis from "../../../ec2/model/enis.js";
import * as inst from "../../../ec2/model/instances.js";
import * as ips from "../../../ec2/model/ips.js";
import type { Ec2Model } from "../../../ec2/model/model.js";
import * as tags from "../../../ec2/model/tags.js";
import * as trunk from "../../../ec2/model/trunk.js";
import { encodeState } from "../../../ec2/store/format.js";
import { ec2ErrorOf, newModel, subnetIds } from "../helpers.js";

const run = (m: Ec2Model, type = "m5.large"): string =>
  inst.runInstances(m, {
    imageId: "ami-12345678", instanceType: type, minCount: 1, maxCount: 1, subnetId: subnetIds(m)[0],
    securityGroupIds: [], privateIpAddress: undefined, tagSpecifications: [], clientToken: undefined,
  })[0]?.instanceId as string;

const create = (m: Ec2Model, over: Partial<enis.CreateEniRequest> = {}) =>
  enis.createNetworkInterface(m, {
    subnetId: subnetIds(m)[0] as string, description: undefined, groups: [], privateIpAddress: undefined, privateIpAddresses: [],
    secondaryCount: undefined, interfaceType: undefined, tagSpecifications: [], clientToken: undefined, ...over,
  });

const assign = (m: Ec2Model, eniId: string, over: Partial<ips.AssignRequest>) =>
  ips.assignPrivateIpAddresses(m, { eniId, privateIpAddresses: [], secondaryCount: undefined, allowReassignment: false, ...over });

const page = (over: Partial<d.DescribeRequest> = {}): d.DescribeRequest => ({ ids: [], filters: [], maxResults: undefined, nextToken: undefined, ...over });

const snapshot = (m: Ec2Model): string => encodeState({ model: m.data(), rngState: m.deps.rng.state() });

describe("fake EC2 model: addresses unique across the VPC", () => {
  it("never hands an address out twice across instances, ENIs and assignments, and each lies in its subnet", () => {
    const m = newModel(3);
    const ids = [run(m), run(m), run(m), run(m, "c5.xlarge")];
    for (const id of ids) {
      const e = create(m, { secondaryCount: 5 });
      enis.attachNetworkInterface(m, { eniId: e.eniId, instanceId: id, deviceIndex: 1, networkCardIndex: undefined });
      assign(m, e.eniId, { secondaryCount: 3 });
      assign(m, m.instances.get(id)?.primaryEniId as string, { secondaryCount: 9 });
    }
    for (let i = 0; i < 40; i++) create(m, { subnetId: subnetIds(m)[1] as string, secondaryCount: i % 4 });
    const all = [...m.enis.values()].flatMap((e) => e.ips.map((ip) => ({ ip, subnet: e.subnetId })));
    expect(new Set(all.map((a) => a.ip)).size).toBe(all.length);
    for (const a of all) expect(m.addresses.usableIn(a.subnet, a.ip)).toBe(true);
    expect(all.length).toBeGreaterThan(150);
  });

  it("reuses an address only once it is released, never while another ENI holds it", () => {
    const m = newModel();
    const a = create(m, { secondaryCount: 2 });
    const [, second] = a.ips as [string, string, string];
    ips.unassignPrivateIpAddresses(m, { eniId: a.eniId, privateIpAddresses: [second] });
    const b = create(m);
    expect(b.ips[0]).toBe(second);
    const c = create(m);
    expect(c.ips[0]).not.toBe(second);
    expect(ec2ErrorOf(() => assign(m, a.eniId, { privateIpAddresses: [second] })).code).toBe("InvalidIPAddress.InUse");
  });

  it("moves a secondary address only with AllowReassignment, never a primary one", () => {
    const m = newModel();
    const a = create(m, { secondaryCount: 1 });
    const b = create(m);
    const [primary, secondary] = a.ips as [string, string];
    expect(assign(m, b.eniId, { privateIpAddresses: [secondary], allowReassignment: true })).toEqual([secondary]);
    expect(m.enis.get(a.eniId)?.ips).toEqual([primary]);
    expect(m.addresses.ownerOf(secondary)).toBe(b.eniId);
    expect(ec2ErrorOf(() => assign(m, b.eniId, { privateIpAddresses: [primary], allowReassignment: true })).code).toBe("InvalidIPAddress.InUse");
  });

  it("caps an attached ENI at its type's addresses per interface and refuses bad assignments without changing anything", () => {
    const m = newModel();
    const id = run(m);
    const primary = m.instances.get(id)?.primaryEniId as string;
    expect(assign(m, primary, { secondaryCount: 9 })).toHaveLength(9); // m5.large: 10 per interface
    const before = snapshot(m);
    expect(ec2ErrorOf(() => assign(m, primary, { secondaryCount: 1 })).code).toBe("PrivateIpAddressLimitExceeded");
    expect(ec2ErrorOf(() => assign(m, primary, { secondaryCount: 1, privateIpAddresses: ["10.0.5.5"] })).code).toBe("InvalidParameterCombination");
    expect(ec2ErrorOf(() => assign(m, primary, {})).code).toBe("MissingParameter");
    expect(ec2ErrorOf(() => ips.unassignPrivateIpAddresses(m, { eniId: primary, privateIpAddresses: ["10.0.0.4"] })).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => ips.unassignPrivateIpAddresses(m, { eniId: primary, privateIpAddresses: ["10.0.9.9"] })).code).toBe("InvalidParameterValue");
    expect(snapshot(m)).toBe(before);
  });
});

describe("fake EC2 model: trunk and branch interfaces", () => {
  function trunked(m: Ec2Model): { trunkId: string; instanceId: string } {
    const instanceId = run(m);
    const t = create(m, { interfaceType: "trunk" });
    enis.attachNetworkInterface(m, { eniId: t.eniId, instanceId, deviceIndex: 1, networkCardIndex: undefined });
    return { trunkId: t.eniId, instanceId };
  }
  const associate = (m: Ec2Model, trunkEniId: string, branchEniId: string, vlanId: number | undefined) =>
    trunk.associateTrunkInterface(m, { trunkEniId, branchEniId, vlanId, greKey: undefined, clientToken: undefined });

  it("associates branches on an attached trunk with VLAN ids unique per trunk; EC2 then calls them branch", () => {
    const m = newModel();
    const t1 = trunked(m);
    const t2 = trunked(m);
    const b1 = create(m, { subnetId: subnetIds(m)[1] as string });
    const b2 = create(m, { subnetId: subnetIds(m)[1] as string });
    const b3 = create(m, { subnetId: subnetIds(m)[1] as string });
    const a1 = associate(m, t1.trunkId, b1.eniId, 1);
    expect(a1.associationId).toMatch(/^trunk-assoc-[0-9a-f]{17}$/);
    expect(m.enis.get(b1.eniId)?.interfaceType).toBe("branch");
    expect(ec2ErrorOf(() => associate(m, t1.trunkId, b2.eniId, 1)).code).toBe("InvalidParameterValue");
    associate(m, t2.trunkId, b2.eniId, 1); // the same VLAN id on another trunk is fine
    expect(ec2ErrorOf(() => associate(m, t1.trunkId, b1.eniId, 2)).code).toBe("InvalidNetworkInterface.InUse");
    expect(ec2ErrorOf(() => associate(m, b3.eniId, b3.eniId, 3)).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => associate(m, t1.trunkId, b3.eniId, 4095)).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => associate(m, t1.trunkId, b3.eniId, undefined)).code).toBe("MissingParameter");
    expect(d.describeTrunkInterfaceAssociations(m, page({ filters: [{ name: "trunk-interface-association.trunk-interface-id", values: [t1.trunkId] }] })).items)
      .toEqual([a1]);
  });

  it("deleting a branch drops its association and frees its VLAN; a trunk with branches is in use", () => {
    const m = newModel();
    const { trunkId, instanceId } = trunked(m);
    const b = create(m);
    associate(m, trunkId, b.eniId, 7);
    expect(ec2ErrorOf(() => enis.attachNetworkInterface(m, { eniId: b.eniId, instanceId, deviceIndex: 2, networkCardIndex: undefined })).code)
      .toBe("InvalidNetworkInterface.InUse");
    enis.deleteNetworkInterface(m, b.eniId);
    expect(m.associations.size).toBe(0);
    const again = create(m);
    associate(m, trunkId, again.eniId, 7);
    const trunkAttachment = m.enis.get(trunkId)?.attachment?.attachmentId as string;
    enis.detachNetworkInterface(m, trunkAttachment);
    expect(ec2ErrorOf(() => enis.deleteNetworkInterface(m, trunkId)).code).toBe("InvalidNetworkInterface.InUse");
  });

  it("carries at most the instance type's branch interfaces (m5.large: 9)", () => {
    const m = newModel();
    const { trunkId } = trunked(m);
    for (let v = 1; v <= 9; v++) associate(m, trunkId, create(m).eniId, v);
    const tenth = create(m);
    const e = ec2ErrorOf(() => associate(m, trunkId, tenth.eniId, 10));
    expect([e.code, e.ec2Message]).toEqual(["AttachmentLimitExceeded", "Branch interface count 10 exceeds the limit for m5.large (9)"]);
  });

  it("disassociates by association id; an unknown one is InvalidAssociationID.NotFound", () => {
    const m = newModel();
    const { trunkId } = trunked(m);
    const a = associate(m, trunkId, create(m).eniId, 5);
    trunk.disassociateTrunkInterface(m, a.associationId);
    expect(m.branchAssociation.size).toBe(0);
    expect(ec2ErrorOf(() => trunk.disassociateTrunkInterface(m, a.associationId)).code).toBe("InvalidAssociationID.NotFound");
  });

  it("records INSTANCE-ATTACH permissions for an account, and refuses other permissions", () => {
    const m = newModel();
    const e = create(m);
    const p = trunk.createNetworkInterfacePermission(m, { eniId: e.eniId, permission: "INSTANCE-ATTACH", awsAccountId: "111122223333", awsService: undefined });
    expect(p.permissionId).toMatch(/^eni-perm-/);
    expect(ec2ErrorOf(() => trunk.createNetworkInterfacePermission(m, { eniId: e.eniId, permission: "DELETE", awsAccountId: "111122223333", awsService: undefined })).code)
      .toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => trunk.createNetworkInterfacePermission(m, { eniId: e.eniId, permission: "INSTANCE-ATTACH", awsAccountId: undefined, awsService: undefined })).code)
      .toBe("MissingParameter");
  });
});

describe("fake EC2 model: tags, filters and pages", () => {
  it("tags every named resource or none: one bad id leaves the others untouched", () => {
    const m = newModel();
    const e = create(m);
    tags.createTags(m, { resourceIds: [e.eniId, subnetIds(m)[0] as string, m.vpc.vpcId], tags: [{ key: "team", value: "net" }] });
    expect(m.enis.get(e.eniId)?.tags.get("team")).toBe("net");
    expect(ec2ErrorOf(() => tags.createTags(m, { resourceIds: [e.eniId, "eni-0123456789abcdef0"], tags: [{ key: "x", value: "1" }] })).code)
      .toBe("InvalidNetworkInterfaceID.NotFound");
    expect(m.enis.get(e.eniId)?.tags.has("x")).toBe(false);
    expect(ec2ErrorOf(() => tags.createTags(m, { resourceIds: [e.eniId], tags: [{ key: "aws:owner", value: "me" }] })).code).toBe("InvalidParameterValue");
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    expect(ec2ErrorOf(() => tags.createTags(m, { resourceIds: [e.eniId], tags: many })).code).toBe("TagLimitExceeded");
    tags.deleteTags(m, { resourceIds: [e.eniId], tags: [{ key: "team", value: "other" }] });
    expect(m.enis.get(e.eniId)?.tags.get("team")).toBe("net");
    tags.deleteTags(m, { resourceIds: [e.eniId], tags: [{ key: "team", value: undefined }] });
    expect(m.enis.get(e.eniId)?.tags.size).toBe(0);
  });

  it("filters interfaces by instance, type, subnet, status, tag, tag key, VPC and wildcards", () => {
    const m = newModel();
    const id = run(m);
    const t = create(m, { interfaceType: "trunk", tagSpecifications: [{ resourceType: "network-interface", tags: [{ key: "role", value: "trunk-eni" }] }] });
    enis.attachNetworkInterface(m, { eniId: t.eniId, instanceId: id, deviceIndex: 1, networkCardIndex: undefined });
    const loose = create(m, { subnetId: subnetIds(m)[1] as string });
    const ids = (filters: { name: string; values: string[] }[]) => d.describeNetworkInterfaces(m, page({ filters })).items.map((e) => e.eniId).sort();
    const primary = m.instances.get(id)?.primaryEniId as string;
    expect(ids([{ name: "attachment.instance-id", values: [id] }])).toEqual([primary, t.eniId].sort());
    expect(ids([{ name: "interface-type", values: ["trunk"] }])).toEqual([t.eniId]);
    expect(ids([{ name: "subnet-id", values: [subnetIds(m)[1] as string] }])).toEqual([loose.eniId]);
    expect(ids([{ name: "status", values: ["available"] }])).toEqual([loose.eniId]);
    expect(ids([{ name: "tag:role", values: ["trunk-*"] }])).toEqual([t.eniId]);
    expect(ids([{ name: "tag-key", values: ["role"] }])).toEqual([t.eniId]);
    expect(ids([{ name: "vpc-id", values: [m.vpc.vpcId] }, { name: "network-interface-id", values: [loose.eniId, primary] }])).toEqual([primary, loose.eniId].sort());
    expect(ec2ErrorOf(() => ids([{ name: "colour", values: ["blue"] }])).code).toBe("InvalidParameterValue");
  });

  it("pages through results MaxResults at a time, losing nothing when items go between pages", () => {
    const m = newModel();
    for (let i = 0; i < 12; i++) create(m);
    const p1 = d.describeNetworkInterfaces(m, page({ maxResults: 5 }));
    expect(p1.items).toHaveLength(5);
    enis.deleteNetworkInterface(m, p1.items[4]?.eniId as string);
    const p2 = d.describeNetworkInterfaces(m, page({ maxResults: 5, nextToken: p1.nextToken }));
    const p3 = d.describeNetworkInterfaces(m, page({ maxResults: 5, nextToken: p2.nextToken }));
    expect(p3.nextToken).toBeUndefined();
    const seen = [...p1.items, ...p2.items, ...p3.items].map((e) => e.eniId);
    expect(new Set(seen).size).toBe(12);
    expect(ec2ErrorOf(() => d.describeNetworkInterfaces(m, page({ maxResults: 3 }))).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => d.describeNetworkInterfaces(m, page({ maxResults: 5, ids: [seen[0] as string] }))).code).toBe("InvalidParameterCombination");
    expect(ec2ErrorOf(() => d.describeNetworkInterfaces(m, page({ nextToken: "garbage" }))).code).toBe("InvalidPaginationToken");
  });
});
