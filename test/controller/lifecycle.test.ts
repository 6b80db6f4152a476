import { describe, expect, it } from "vitest";
import { annotationOf, reasons, rig } from "./helpers.js";

const FIXED_2S = { provisioningDelay: { kind: "fixed" as const, fixedMs: 2000 } };

describe("controller: VLANs, cooldown and capacity", () => {
  it("lowest free VLAN first; a deleted pod's VLAN is reused only after cooldown + the next delete pass", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    for (const n of ["a", "b", "c"]) store.createPod({ namespace: "sgp", name: n, nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(["a", "b", "c"].map((n) => annotationOf(store.getPod("sgp", n))?.vlanId)).toEqual([1, 2, 3]);
    const bEni = annotationOf(store.getPod("sgp", "b"))?.eniId ?? "";
    await clock.advanceTo(10_000);
    store.deletePod("sgp", "b");
    expect(ctl.ec2.describe(bEni)?.state).toBe("cooldown");
    store.createPod({ namespace: "sgp", name: "d", nodeName: "node-1" });
    await clock.advance(2000);
    expect(annotationOf(store.getPod("sgp", "d"))?.vlanId).toBe(4);
    // Cooldown ends at 70 s; the node's delete queue runs every 30 s from its start (t=0): 30, 60, 90.
    await clock.advanceTo(89_999);
    expect(ctl.ec2CallLog().some((c) => c.action === "DeleteNetworkInterface")).toBe(false);
    await clock.advanceTo(90_000);
    const del = ctl.ec2CallLog().filter((c) => c.action === "DeleteNetworkInterface");
    expect(del.map((c) => [c.eniId, c.startedAt])).toEqual([[bEni, 90_000]]);
    expect(ctl.ec2.describe(bEni)?.state).toBe("deleted");
    store.createPod({ namespace: "sgp", name: "e", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(annotationOf(store.getPod("sgp", "e"))?.vlanId).toBe(2);
    expect(ctl.pendingWork()).toEqual({ queued: 0, running: 0, timers: 0 });
  });

  it("at the branch limit the pod requeues after the cooldown period (with an event) and gets the ENI once one is deleted", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    for (let i = 1; i <= 10; i++) store.createPod({ namespace: "sgp", name: `p${i}`, nodeName: "node-1" });
    // 27 calls against 16 tokens left after the trunk's 2: the 9th ENI's calls end at 11/12 s.
    await clock.advanceTo(2000 + 11_000 / 12);
    const allocated = store.listPods("sgp").filter((p) => annotationOf(p) !== undefined).map((p) => p.name);
    expect(allocated).toHaveLength(9);
    expect(annotationOf(store.getPod("sgp", "p10"))).toBeUndefined();
    const cap = store.listEvents({ name: "p10" }).find((e) => e.reason === "BranchAllocationFailed");
    expect(cap).toMatchObject({
      type: "Warning",
      classification: "transient-expected",
      message: "failed to allocate branch ENI to pod: cannot create more branches at this point as used branches plus the delete queue is at max capacity",
      attributes: { limit: "9", requeueAfterMs: "60000" },
    });
    await clock.advanceTo(5000);
    store.deletePod("sgp", "p1");
    // 60 s: still at capacity (p1's ENI is in the delete queue until the 90 s pass) -> requeue to 120 s.
    await clock.advanceTo(121_999);
    expect(annotationOf(store.getPod("sgp", "p10"))).toBeUndefined();
    expect(store.listEvents({ name: "p10" }).find((e) => e.reason === "BranchAllocationFailed")?.count).toBe(2);
    await clock.advanceTo(122_000);
    expect(annotationOf(store.getPod("sgp", "p10"))?.vlanId).toBe(1);
    expect(ctl.provisioningRecords().find((r) => r.name === "p10")).toMatchObject({ startedAt: 120_000, outcome: "allocated" });
  });

  it("the capacity override fault caps branches per node at run time", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    ctl.setFaults({ branchCapacityOverride: 2 });
    for (const n of ["a", "b", "c"]) store.createPod({ namespace: "sgp", name: n, nodeName: "node-1" });
    await clock.advance(5000);
    expect(["a", "b", "c"].map((n) => annotationOf(store.getPod("sgp", n)) !== undefined)).toEqual([true, true, false]);
    ctl.setFaults({ branchCapacityOverride: -1 });
    await clock.advance(60_000);
    expect(annotationOf(store.getPod("sgp", "c"))?.vlanId).toBe(3);
  });
});

describe("controller: failures", () => {
  it("EC2 throttling: RequestLimitExceeded after the SDK's retries -> BranchAllocationFailed, work-queue retries, then gives up", async () => {
    const { clock, store, ctl } = await rig({ ...FIXED_2S, maxRetries: 2 });
    ctl.setFaults({ ec2ThrottleRate: 1 });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.runUntilIdle();
    const failed = store.listEvents({ name: "a" }).find((e) => e.reason === "BranchAllocationFailed");
    expect(failed?.message).toMatch(/^failed to allocate branch ENI to pod: creating network interface, api error RequestLimitExceeded: /);
    expect(failed).toMatchObject({ type: "Warning", classification: "real", count: 3 });
    const recs = ctl.provisioningRecords();
    expect(recs.map((r) => [r.attempt, r.outcome])).toEqual([[1, "failed"], [2, "failed"], [3, "failed"]]);
    const creates = ctl.ec2CallLog().filter((c) => c.action === "CreateNetworkInterface").slice(1);
    expect(creates).toHaveLength(9); // 3 jobs x 3 SDK attempts
    expect(annotationOf(store.getPod("sgp", "a"))).toBeUndefined();
    expect(ctl.listEnis({ kind: "branch" })).toHaveLength(0);
    expect(ctl.pendingWork()).toEqual({ queued: 0, running: 0, timers: 0 });
    // A later change of the pod object triggers the job again (the controller reconciles on updates).
    ctl.setFaults({ ec2ThrottleRate: 0 });
    store.patchPodMeta("sgp", "a", { labels: { touched: "1" } });
    await clock.runUntilIdle();
    expect(annotationOf(store.getPod("sgp", "a"))?.vlanId).toBe(1);
  });

  it("an injected branch allocation failure is retried by the work queue and then succeeds", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    ctl.setFaults({ branchAllocationFailureRate: 1 });
    store.watchEvents((e) => {
      if (e.reason === "BranchAllocationFailed") ctl.setFaults({ branchAllocationFailureRate: 0 });
    });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(reasons(store, "a")).toEqual(["Scheduled", "SecurityGroupRequested", "BranchAllocationFailed", "ResourceAllocated"]);
    const recs = ctl.provisioningRecords();
    expect(recs.map((r) => [r.attempt, r.outcome])).toEqual([[1, "failed"], [2, "allocated"]]);
    // Retried after the work queue's first back-off (5 ms).
    expect((recs[1]?.startedAt ?? 0) - (recs[0]?.endedAt ?? 0)).toBe(5);
    expect(annotationOf(store.getPod("sgp", "a"))?.vlanId).toBe(1);
  });

  it("failed EC2 calls (InternalError) after the SDK's retries -> BranchAllocationFailed naming the call", async () => {
    const { clock, store, ctl } = await rig({ ...FIXED_2S, maxRetries: 0 });
    ctl.setFaults({ ec2FailureRate: 1 });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.runUntilIdle();
    const ev = store.listEvents({ name: "a" }).find((e) => e.reason === "BranchAllocationFailed");
    expect(ev?.message).toBe("failed to allocate branch ENI to pod: creating network interface, api error InternalError: An internal error has occurred.");
    expect(ctl.ec2CallLog().filter((c) => c.errorCode === "InternalError")).toHaveLength(3);
  });

  it("subnet exhausted -> BranchAllocationFailed with InsufficientFreeAddressesInSubnet; the VLAN is freed", async () => {
    const { clock, store, ctl } = await rig({ ...FIXED_2S, maxRetries: 0 });
    ctl.setFaults({ subnetExhausted: true });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(store.listEvents({ name: "a" }).find((e) => e.reason === "BranchAllocationFailed")?.message).toContain("InsufficientFreeAddressesInSubnet");
    ctl.setFaults({ subnetExhausted: false });
    store.createPod({ namespace: "sgp", name: "b", nodeName: "node-1" });
    await clock.runUntilIdle();
    expect(annotationOf(store.getPod("sgp", "b"))?.vlanId).toBe(1);
  });

  it("annotation failure -> BranchENIAnnotationFailed, the ENI is deleted without cooldown, the retry gets a new ENI", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    ctl.setFaults({ annotationFailureRate: 1 });
    store.watchEvents((e) => {
      if (e.reason === "BranchENIAnnotationFailed") ctl.setFaults({ annotationFailureRate: 0 });
    });
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.advanceTo(10_000);
    const failed = store.listEvents({ name: "a" }).find((e) => e.reason === "BranchENIAnnotationFailed");
    expect(failed?.message).toMatch(/^failed to annotate pod with branch ENI details: /);
    expect(failed).toMatchObject({ type: "Warning", classification: "real" });
    const firstEni = failed?.attributes["eniId"] ?? "";
    const ann = annotationOf(store.getPod("sgp", "a"));
    expect(ann?.eniId).not.toBe(firstEni);
    // First ENI held VLAN 1 until its deletion at the 30 s pass, so the retry got VLAN 2.
    expect(ann?.vlanId).toBe(2);
    await clock.advanceTo(30_000);
    expect(ctl.ec2CallLog().filter((c) => c.action === "DeleteNetworkInterface").map((c) => [c.eniId, c.startedAt])).toEqual([[firstEni, 30_000]]);
    expect(ctl.provisioningRecords().map((r) => r.outcome)).toEqual(["annotation-failed", "allocated"]);
  });

  it("UID guard: a pod deleted and recreated under the same name during provisioning does not get the old ENI", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    const old = store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    await clock.advance(1000); // the old pod's ENI exists, the delay is running
    store.deletePod("sgp", "a");
    const fresh = store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    expect(fresh.uid).not.toBe(old.uid);
    await clock.advanceTo(5000);
    const oldRec = ctl.provisioningRecords().find((r) => r.uid === old.uid);
    const newRec = ctl.provisioningRecords().find((r) => r.uid === fresh.uid);
    expect(oldRec).toMatchObject({ outcome: "abandoned" });
    expect(oldRec?.error).toMatch(/Precondition failed: UID/);
    expect(newRec).toMatchObject({ outcome: "allocated" });
    const ann = annotationOf(store.getPod("sgp", "a"));
    expect(ann?.eniId).toBe(newRec?.eniId);
    expect(ann?.eniId).not.toBe(oldRec?.eniId);
    const oldEvents = store.listEvents({ name: "a" }).filter((e) => e.involvedObject.uid === old.uid).map((e) => e.reason);
    expect(oldEvents).toContain("BranchENIAnnotationFailed");
    expect(oldEvents).not.toContain("ResourceAllocated");
    await clock.advanceTo(30_000);
    expect(ctl.ec2.describe(oldRec?.eniId ?? "")?.state).toBe("deleted");
  });

  it("a pod deleted before it is scheduled never costs an EC2 call", async () => {
    const { clock, store, ctl } = await rig(FIXED_2S);
    store.createPod({ namespace: "sgp", name: "a" });
    store.deletePod("sgp", "a");
    await clock.runUntilIdle();
    expect(ctl.ec2CallLog()).toHaveLength(2); // the trunk only
  });
});
