import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../common/clock.js";
import { encodeState } from "../../../ec2/store/format.js";
import * as enis from "../../../ec2/model/enis.js";
import * as inst from "../../../ec2/model/instances.js";
import type { Ec2Model } from "../../../ec2/model/model.js";
import { ec2ErrorOf, newModel, subnetIds } from "../helpers.js";

const run = (m: Ec2Model, over: Partial<inst.RunInstancesRequest> = {}) =>
  inst.runInstances(m, {
    imageId: "ami-12345678", instanceType: "m5.large", minCount: 1, maxCount: 1, subnetId: subnetIds(m)[0],
    securityGroupIds: [], privateIpAddress: undefined, tagSpecifications: [], clientToken: undefined, ...over,
  });

const create = (m: Ec2Model, over: Partial<enis.CreateEniRequest> = {}) =>
  enis.createNetworkInterface(m, {
    subnetId: subnetIds(m)[0] as string, description: undefined, groups: [], privateIpAddress: undefined, privateIpAddresses: [],
    secondaryCount: undefined, interfaceType: undefined, tagSpecifications: [], clientToken: undefined, ...over,
  });

const snapshot = (m: Ec2Model): string => encodeState({ model: m.data(), rngState: m.deps.rng.state() });

describe("fake EC2 model: VPC, instances", () => {
  it("makes the same ids for the same seed, other ids for another seed", () => {
    const a = newModel(7);
    const b = newModel(7);
    const c = newModel(8);
    expect(a.vpc.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(subnetIds(a)).toEqual(subnetIds(b));
    expect(run(a)[0]?.instanceId).toBe(run(b)[0]?.instanceId);
    expect(subnetIds(c)).not.toEqual(subnetIds(a));
  });

  it("launches an instance with its primary ENI at device 0, delete-on-termination, the subnet's first usable address", () => {
    const m = newModel();
    const [i] = run(m, { tagSpecifications: [{ resourceType: "instance", tags: [{ key: "Name", value: "node-1" }] }] });
    expect(i).toMatchObject({ instanceType: "m5.large", state: "running", privateIp: "10.0.0.4" });
    expect(i?.tags.get("Name")).toBe("node-1");
    const primary = m.enis.get(i?.primaryEniId ?? "");
    expect(primary?.attachment).toMatchObject({ instanceId: i?.instanceId, deviceIndex: 0, deleteOnTermination: true });
    expect(primary?.groups).toEqual([m.vpc.defaultSecurityGroupId]);
  });

  it("refuses an unknown type, a malformed AMI, an unknown subnet, a taken address, and changes nothing", () => {
    const m = newModel();
    run(m);
    const before = snapshot(m);
    expect(ec2ErrorOf(() => run(m, { instanceType: "x9.huge" })).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => run(m, { imageId: "image-1" })).code).toBe("InvalidAMIID.Malformed");
    expect(ec2ErrorOf(() => run(m, { subnetId: "subnet-00000000" })).code).toBe("InvalidSubnetID.NotFound");
    expect(ec2ErrorOf(() => run(m, { privateIpAddress: "10.0.0.4" })).code).toBe("InvalidIPAddress.InUse");
    expect(ec2ErrorOf(() => run(m, { privateIpAddress: "10.0.0.1" })).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => run(m, { minCount: 2, maxCount: 1 })).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => run(m, { securityGroupIds: ["default"] })).code).toBe("InvalidGroupId.Malformed");
    expect(ec2ErrorOf(() => run(m, { tagSpecifications: [{ resourceType: "volume", tags: [{ key: "a", value: "b" }] }] })).code).toBe("InvalidParameterValue");
    expect(snapshot(m)).toBe(before);
  });

  it("a retried RunInstances with the same client token returns the first instance, not a second", () => {
    const m = newModel();
    const [a] = run(m, { clientToken: "tok-1" });
    const [b] = run(m, { clientToken: "tok-1" });
    expect(b?.instanceId).toBe(a?.instanceId);
    expect(m.instances.size).toBe(1);
    expect(ec2ErrorOf(() => run(m, { clientToken: "tok-1", instanceType: "c5.large" })).code).toBe("IdempotentParameterMismatch");
  });

  it("terminating deletes delete-on-termination ENIs (freeing their addresses) and detaches the others", () => {
    const m = newModel();
    const [i] = run(m);
    const id = i?.instanceId as string;
    const keep = create(m, { secondaryCount: 2 });
    enis.attachNetworkInterface(m, { eniId: keep.eniId, instanceId: id, deviceIndex: 1, networkCardIndex: undefined });
    const changes = inst.terminateInstances(m, [id]);
    expect(changes).toEqual([{ instanceId: id, previous: "running", current: "terminated" }]);
    expect(m.enis.has(i?.primaryEniId ?? "")).toBe(false);
    expect(m.addresses.ownerOf("10.0.0.4")).toBeUndefined();
    expect(m.enis.get(keep.eniId)?.attachment).toBeUndefined();
    expect(inst.terminateInstances(m, [id])[0]).toMatchObject({ previous: "terminated", current: "terminated" });
    expect(ec2ErrorOf(() => inst.terminateInstances(m, ["i-0123456789abcdef0"])).code).toBe("InvalidInstanceID.NotFound");
    expect(ec2ErrorOf(() => inst.terminateInstances(m, ["node-1"])).code).toBe("InvalidInstanceID.Malformed");
  });
});

describe("fake EC2 model: network interfaces and attachments", () => {
  it("creates an ENI with a count of secondary addresses, or with specific ones (the primary first)", () => {
    const m = newModel();
    const a = create(m, { secondaryCount: 3, groups: ["sg-12345678"] });
    expect(a.ips).toEqual(["10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]);
    expect(a.groups).toEqual(["sg-12345678"]);
    const b = create(m, { privateIpAddresses: [{ ip: "10.0.1.9", primary: false }, { ip: "10.0.1.8", primary: true }] });
    expect(b.ips[0]).toBe("10.0.1.8");
    expect(ec2ErrorOf(() => create(m, { privateIpAddress: "10.0.1.20", secondaryCount: 2 })).code).toBe("InvalidParameterCombination");
    expect(ec2ErrorOf(() => create(m, { interfaceType: "efa" })).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => create(m, { privateIpAddress: "10.0.1.8" })).code).toBe("InvalidIPAddress.InUse");
  });

  it("answers InsufficientFreeAddressesInSubnet when the subnet is full, and when the fault says so", () => {
    const m = newModel();
    const small = subnetIds(m)[2] as string; // a /28: 16 - 5 reserved = 11 usable
    create(m, { subnetId: small, secondaryCount: 9 });
    expect(ec2ErrorOf(() => create(m, { subnetId: small, secondaryCount: 1 })).code).toBe("InsufficientFreeAddressesInSubnet");
    create(m, { subnetId: small });
    m.subnetExhausted = true;
    expect(ec2ErrorOf(() => create(m)).code).toBe("InsufficientFreeAddressesInSubnet");
  });

  it("attaches at a free device index, up to the type's interface limit, and refuses the rest with EC2's codes", () => {
    const m = newModel();
    const id = run(m)[0]?.instanceId as string;
    const attach = (eniId: string, deviceIndex: number) => enis.attachNetworkInterface(m, { eniId, instanceId: id, deviceIndex, networkCardIndex: undefined });
    const e1 = create(m);
    const e2 = create(m);
    const e3 = create(m);
    expect(attach(e1.eniId, 1).attachmentId).toMatch(/^eni-attach-[0-9a-f]{17}$/);
    expect(ec2ErrorOf(() => attach(e2.eniId, 1)).code).toBe("InvalidParameterValue");
    expect(ec2ErrorOf(() => attach(e1.eniId, 2)).code).toBe("InvalidNetworkInterface.InUse");
    attach(e2.eniId, 2);
    // m5.large: 3 interfaces, the primary included.
    expect(ec2ErrorOf(() => attach(e3.eniId, 3)).code).toBe("AttachmentLimitExceeded");
    expect(ec2ErrorOf(() => attach("eni-0123456789abcdef0", 3)).code).toBe("InvalidNetworkInterfaceID.NotFound");
    expect(ec2ErrorOf(() => attach("eni-x", 3)).code).toBe("InvalidNetworkInterfaceID.Malformed");
    expect(ec2ErrorOf(() => enis.attachNetworkInterface(m, { eniId: e3.eniId, instanceId: "i-0123456789abcdef0", deviceIndex: 3, networkCardIndex: undefined })).code)
      .toBe("InvalidInstanceID.NotFound");
  });

  it("refuses an ENI with more addresses than the type allows, another AZ, and a trunk on a type without trunking", () => {
    const m = newModel();
    const id = run(m)[0]?.instanceId as string;
    const t3 = run(m, { instanceType: "t3.medium" })[0]?.instanceId as string;
    const attach = (eniId: string, instanceId: string) => enis.attachNetworkInterface(m, { eniId, instanceId, deviceIndex: 1, networkCardIndex: undefined });
    expect(ec2ErrorOf(() => attach(create(m, { secondaryCount: 10 }).eniId, id)).code).toBe("PrivateIpAddressLimitExceeded");
    expect(ec2ErrorOf(() => attach(create(m, { subnetId: subnetIds(m)[2] as string }).eniId, id)).code).toBe("InvalidParameterCombination");
    expect(ec2ErrorOf(() => attach(create(m, { interfaceType: "trunk" }).eniId, t3)).code).toBe("InvalidParameterValue");
  });

  it("detaches by attachment id (never the primary), deletes only detached ENIs, and frees their addresses", () => {
    const m = newModel();
    const [i] = run(m);
    const e = create(m, { secondaryCount: 1 });
    const { attachmentId } = enis.attachNetworkInterface(m, { eniId: e.eniId, instanceId: i?.instanceId as string, deviceIndex: 1, networkCardIndex: undefined });
    expect(ec2ErrorOf(() => enis.deleteNetworkInterface(m, e.eniId)).code).toBe("InvalidNetworkInterface.InUse");
    const primaryAttachment = m.enis.get(i?.primaryEniId ?? "")?.attachment?.attachmentId as string;
    expect(ec2ErrorOf(() => enis.detachNetworkInterface(m, primaryAttachment)).code).toBe("OperationNotPermitted");
    expect(ec2ErrorOf(() => enis.detachNetworkInterface(m, "eni-attach-0123456789abcdef0")).code).toBe("InvalidAttachmentID.NotFound");
    enis.detachNetworkInterface(m, attachmentId);
    enis.deleteNetworkInterface(m, e.eniId);
    expect(e.ips.map((ip) => m.addresses.ownerOf(ip))).toEqual([undefined, undefined]);
    expect(ec2ErrorOf(() => enis.deleteNetworkInterface(m, e.eniId)).code).toBe("InvalidNetworkInterfaceID.NotFound");
  });

  it("sets delete-on-termination for the attachment named, one attribute per call", () => {
    const m = newModel();
    const id = run(m)[0]?.instanceId as string;
    const e = create(m);
    const { attachmentId } = enis.attachNetworkInterface(m, { eniId: e.eniId, instanceId: id, deviceIndex: 1, networkCardIndex: undefined });
    const modify = (over: Partial<enis.ModifyEniRequest>) =>
      enis.modifyNetworkInterfaceAttribute(m, { eniId: e.eniId, attachment: undefined, description: undefined, sourceDestCheck: undefined, groups: [], ...over });
    modify({ attachment: { attachmentId, deleteOnTermination: true } });
    expect(m.enis.get(e.eniId)?.attachment?.deleteOnTermination).toBe(true);
    expect(ec2ErrorOf(() => modify({ attachment: { attachmentId: "eni-attach-0123456789abcdef0", deleteOnTermination: false } })).code).toBe("InvalidAttachmentID.NotFound");
    expect(ec2ErrorOf(() => modify({ description: "x", sourceDestCheck: false })).code).toBe("InvalidParameterCombination");
    expect(ec2ErrorOf(() => modify({})).code).toBe("MissingParameter");
  });

  it("stamps attach and launch times from the injected clock", () => {
    const clock = new FakeClock(1_000_000);
    const m = newModel(1, clock);
    expect(run(m)[0]?.launchTime).toBe(1_000_000);
  });
});
