import { describe, expect, it } from "vitest";
import { HAS_TRUNK_LABEL, POD_ENI_RESOURCE } from "../../common/names.js";
import { annotationOf, reasons, rig, startJoin } from "./helpers.js";

const FIXED_2S = { provisioningDelay: { kind: "fixed" as const, fixedMs: 2000 } };

describe("controller: provisioning", () => {
  it("joins a node through the handshake: CNINode feature -> trunk ENI (2 EC2 calls) -> has-trunk label -> capacity", async () => {
    const { ctl, store } = await rig(FIXED_2S);
    const info = ctl.getNode("node-1");
    expect(info).toMatchObject({ instanceType: "m5.large", branchLimit: 9, trunkDeviceNumber: 1 });
    expect(info?.trunkEniId).toMatch(/^eni-[0-9a-f]{17}$/);
    const node = store.getNode("node-1");
    expect(node?.capacity).toEqual({ pods: "29", [POD_ENI_RESOURCE]: "9" });
    expect(node?.allocatable[POD_ENI_RESOURCE]).toBe("9");
    expect(node?.labels[HAS_TRUNK_LABEL]).toBe("true");
    expect(ctl.ec2CallLog().map((c) => c.action)).toEqual(["CreateNetworkInterface", "AttachNetworkInterface"]);
    expect(ctl.listEnis({ nodeName: "node-1" }).map((e) => e.kind).sort()).toEqual(["primary", "trunk"]);
  });

  it("acts only once the pod is scheduled; annotation after the EC2 calls + delay, with the real events", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    const pod = store.createPod({ namespace: "sgp", name: "a" });
    expect(pod.limits).toEqual({ [POD_ENI_RESOURCE]: "1" });
    await clock.advance(30_000);
    expect(ctl.provisioningRecords()).toHaveLength(0);
    expect(ctl.ec2CallLog()).toHaveLength(2);
    expect(reasons(store, "a")).toEqual([]);
    store.bindPod("sgp", "a", "node-1");
    const t0 = clock.now();
    await clock.advance(1999);
    expect(annotationOf(store.getPod("sgp", "a"))).toBeUndefined();
    await clock.advance(1);
    const ann = annotationOf(store.getPod("sgp", "a"));
    expect(ann?.vlanId).toBe(1);
    expect(reasons(store, "a")).toEqual(["Scheduled", "SecurityGroupRequested", "ResourceAllocated"]);
    const [rec] = ctl.provisioningRecords();
    expect(rec).toMatchObject({ startedAt: t0, ec2DoneAt: t0, endedAt: t0 + 2000, delayMs: 2000, outcome: "allocated", vlanId: 1, eniId: ann?.eniId, attempt: 1 });
    expect(ctl.ec2CallLog().slice(2).map((c) => c.action)).toEqual(["CreateNetworkInterface", "CreateNetworkInterfacePermission", "AssociateTrunkInterface"]);
    const allocated = store.listEvents({ name: "a" }).find((e) => e.reason === "ResourceAllocated");
    expect(allocated).toMatchObject({ type: "Normal", source: "vpc-resource-controller", classification: "", attributes: { eniId: ann?.eniId, vlanId: "1" } });
    const sgr = store.listEvents({ name: "a" }).find((e) => e.reason === "SecurityGroupRequested");
    expect(sgr?.message).toBe("Pod will get the following Security Groups [sg-0123]");
  });

  it("pods that match no policy get nothing", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    const pod = store.createPod({ namespace: "plain", name: "b", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(pod.limits).toEqual({});
    expect(ctl.provisioningRecords()).toHaveLength(0);
    expect(reasons(store, "b")).toEqual(["Scheduled"]);
  });

  it("writes the annotation in the real JSON shape, consistent with the EC2 ENI", async () => {
    const { clock, store, ctl } = await rig({ ...FIXED_2S, ec2: { branchSubnetCidr: "10.105.49.128/26", callLatencyMs: 0 } });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.runUntilIdle();
    const raw = store.getPod("sgp", "a")?.annotations["vpc.amazonaws.com/pod-eni"] ?? "";
    const parsed = JSON.parse(raw) as Array<Record<string, unknown>>;
    expect(Array.isArray(parsed)).toBe(true);
    expect(Object.keys(parsed[0] ?? {})).toEqual(["eniId", "ifAddress", "privateIp", "ipv6Addr", "vlanId", "subnetCidr", "subnetV6Cidr", "associationID"]);
    const eni = ctl.ec2.describe(String(parsed[0]?.["eniId"]));
    expect(parsed[0]).toEqual({
      eniId: eni?.eniId, ifAddress: eni?.mac, privateIp: "10.105.49.132", ipv6Addr: "", vlanId: 1,
      subnetCidr: "10.105.49.128/26", subnetV6Cidr: "", associationID: eni?.associationId,
    });
    expect(eni).toMatchObject({ kind: "branch", state: "associated", podName: "a", vlanId: 1, securityGroupIds: ["sg-0123"] });
  });

  it("a pod scheduled before its node joined is provisioned once the node joins", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-2" });
    await clock.runUntilIdle();
    expect(ctl.provisioningRecords()).toHaveLength(0);
    await startJoin(store, ctl, "node-2", "m5.xlarge");
    await clock.runUntilIdle();
    expect(ctl.getNode("node-2")?.branchLimit).toBe(18);
    expect(annotationOf(store.getPod("sgp", "a"))?.vlanId).toBe(1);
  });

  it("a node without trunking (t3.medium) advertises no pod-eni capacity; an SGP pod there fails for real", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S, [["small", "t3.medium"]]);
    expect(ctl.getNode("small")).toMatchObject({ branchLimit: 0, trunkEniId: "", trunkDeviceNumber: -1 });
    expect(store.getNode("small")?.capacity).toEqual({ pods: "17" });
    expect(ctl.ec2CallLog()).toHaveLength(0);
    store.createPod({ namespace: "sgp", name: "a", nodeName: "small" });
    await clock.runUntilIdle();
    const ev = store.listEvents({ name: "a" }).find((e) => e.reason === "BranchAllocationFailed");
    expect(ev).toMatchObject({ type: "Warning", classification: "real", message: "failed to allocate branch ENI to pod: trunk not found for node small" });
    expect(annotationOf(store.getPod("sgp", "a"))).toBeUndefined();
  });

  it("a delay distribution varies per branch ENI; the delay can be changed at run time", async () => {
    const { clock, store, ctl } = await rig({ provisioningDelay: { kind: "uniform", minMs: 1000, maxMs: 3000 } });
    for (let i = 0; i < 5; i++) store.createPod({ namespace: "sgp", name: `u${i}`, nodeName: "node-1" });
    await clock.runUntilIdle();
    const delays = ctl.provisioningRecords().map((r) => r.delayMs);
    expect(new Set(delays).size).toBe(5);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(3000);
    }
    ctl.setProvisioningDelay({ kind: "fixed", fixedMs: 500 });
    expect(ctl.getProvisioningDelay()).toEqual({ kind: "fixed", fixedMs: 500 });
    store.createPod({ namespace: "sgp", name: "f", nodeName: "node-1" });
    await clock.runUntilIdle();
    const last = ctl.provisioningRecords().at(-1);
    expect(last).toMatchObject({ name: "f", delayMs: 500 });
    expect((last?.endedAt ?? 0) - (last?.ec2DoneAt ?? 0)).toBe(500);
    expect(() => ctl.setProvisioningDelay({ kind: "fixed", fixedMs: -5 })).toThrow(/fixedMs/);
  });

  it("stop() cancels in-flight work and leaves no timer behind", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    store.createPod({ namespace: "sgp", name: "b", nodeName: "node-1" });
    await clock.advance(1000);
    store.deletePod("sgp", "b"); // nothing allocated yet: no delete queue entry
    ctl.stop();
    await clock.runUntilIdle();
    expect(clock.pending()).toBe(0);
    expect(annotationOf(store.getPod("sgp", "a"))).toBeUndefined();
    expect(ctl.pendingWork()).toEqual({ queued: 0, running: 0, timers: 0 });
    // After stop, new pods are ignored (the informers are stopped too).
    store.createPod({ namespace: "sgp", name: "c", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(ctl.provisioningRecords().map((r) => r.name)).toEqual(["a", "b"]);
  });
});
