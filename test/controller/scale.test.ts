import { describe, expect, it } from "vitest";
import { annotationOf, rig } from "./helpers.js";

describe("controller: 1000 SGP pods against the EC2 rate limit", () => {
  it("finishes when the token bucket dictates: (3000 - 18) / 12 s + the delay, under the real 5.5 min bar", async () => {
    // 19 x m5.4xlarge = 1026 branch ENIs; the trunks' calls are made first and the bucket refills.
    const nodes = Array.from({ length: 19 }, (_, i): [string, string] => [`node-${i}`, "m5.4xlarge"]);
    const { clock, store, ctl } = await rig({ provisioningDelay: { kind: "fixed", fixedMs: 2000 } }, nodes);
    await clock.advance(60_000);
    const t0 = clock.now();
    const callsBefore = ctl.ec2CallLog().length;
    for (let i = 0; i < 1000; i++) store.createPod({ namespace: "sgp", name: `p${i}`, nodeName: `node-${i % 19}` });
    await clock.runUntilIdle();
    const recs = ctl.provisioningRecords();
    expect(recs).toHaveLength(1000);
    expect(recs.every((r) => r.outcome === "allocated")).toBe(true);
    const calls = ctl.ec2CallLog().slice(callsBefore);
    expect(calls).toHaveLength(3000);
    // The bucket is never idle: 18 at once, then exactly 12 per second.
    const lastCall = Math.max(...calls.map((c) => c.startedAt));
    expect(lastCall - t0).toBeCloseTo(((3000 - 18) / 12) * 1000, 3);
    const lastAnnotation = Math.max(...recs.map((r) => r.endedAt ?? Infinity));
    expect(lastAnnotation - t0).toBeCloseTo(248_500 + 2000, 3);
    expect(lastAnnotation - t0).toBeLessThan(5.5 * 60_000);
    // In any 1 s window after the burst at most 12 calls start (+1 for the window edge).
    const starts = calls.map((c) => c.startedAt - t0).sort((a, b) => a - b);
    let j = 0;
    for (let i = 0; i < starts.length; i++) {
      while ((starts[i] as number) - (starts[j] as number) >= 1000) j++;
      if ((starts[i] as number) >= 1000) expect(i - j + 1).toBeLessThanOrEqual(13);
    }
    // Every pod got a distinct ENI and a VLAN id unique on its node, from 1 up.
    const anns = store.listPods("sgp").map((p) => ({ node: p.nodeName, a: annotationOf(p) }));
    expect(new Set(anns.map((x) => x.a?.eniId)).size).toBe(1000);
    expect(new Set(anns.map((x) => `${x.node}/${x.a?.vlanId}`)).size).toBe(1000);
    const node0 = anns.filter((x) => x.node === "node-0").map((x) => x.a?.vlanId ?? 0).sort((a, b) => a - b);
    expect(node0).toEqual(Array.from({ length: node0.length }, (_, i) => i + 1));
  });

  it("split client model (current controller sources): 1 call per client per branch ENI, two 12 QPS buckets", async () => {
    const nodes = Array.from({ length: 19 }, (_, i): [string, string] => [`node-${i}`, "m5.4xlarge"]);
    const { clock, store, ctl } = await rig({ provisioningDelay: { kind: "fixed", fixedMs: 2000 }, ec2: { clientModel: "split", callLatencyMs: 0 } }, nodes);
    // Trunks: CreateNetworkInterface + CreateNetworkInterfacePermission + AttachNetworkInterface.
    expect(ctl.ec2CallLog().filter((c) => c.action === "CreateNetworkInterfacePermission")).toHaveLength(19);
    await clock.advance(60_000);
    const t0 = clock.now();
    const before = ctl.ec2CallLog().length;
    for (let i = 0; i < 1000; i++) store.createPod({ namespace: "sgp", name: `p${i}`, nodeName: `node-${i % 19}` });
    await clock.runUntilIdle();
    const calls = ctl.ec2CallLog().slice(before);
    const by = (client: string, action: string) => calls.filter((c) => c.client === client && c.action === action);
    expect(by("vpc-resource-controller", "CreateNetworkInterface")).toHaveLength(1000);
    expect(by("vpc-resource-controller/instance", "AssociateTrunkInterface")).toHaveLength(1000);
    expect(calls).toHaveLength(2000);
    // Each bucket: 18 at once, then 12/s -> its 1000th call at (1000 - 18) / 12 s.
    const lastCreate = Math.max(...by("vpc-resource-controller", "CreateNetworkInterface").map((c) => c.startedAt));
    expect(lastCreate - t0).toBeCloseTo(((1000 - 18) / 12) * 1000, 3);
    const recs = ctl.provisioningRecords();
    expect(recs.every((r) => r.outcome === "allocated")).toBe(true);
    const last = Math.max(...recs.map((r) => r.endedAt ?? Infinity)) - t0;
    expect(last).toBeGreaterThanOrEqual(((1000 - 18) / 12) * 1000 + 2000);
    expect(last).toBeLessThan(((1000 - 18) / 12) * 1000 + 2000 + 1000 / 12 + 1);
  });
});

