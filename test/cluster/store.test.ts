import { describe, expect, it } from "vitest";
import { createClusterStore } from "../../cluster/index.js";
import type { PodObject, WatchType } from "../../cluster/index.js";
import { FakeClock } from "../../common/clock.js";
import { isHarnessError } from "../../common/errors.js";

function setup() {
  const clock = new FakeClock(1000);
  let n = 0;
  const errors: unknown[] = [];
  const store = createClusterStore({ clock, newUid: () => `uid-${++n}`, onWatchError: (e) => errors.push(e) });
  return { clock, store, errors };
}

const kindOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return isHarnessError(e) ? e.kind : "other";
  }
  return "none";
};

describe("cluster store: pods", () => {
  it("creates a pending pod with defaults and a generated uid", async () => {
    const { store } = setup();
    const pod = store.createPod({ namespace: "ns", name: "a", labels: { app: "x" } });
    expect(pod).toMatchObject({ namespace: "ns", name: "a", uid: "uid-1", nodeName: "", serviceAccount: "default", createdAt: 1000 });
    expect(pod.scheduledAt).toBeUndefined();
    expect(store.getPod("ns", "a")).toBe(pod);
    expect(kindOf(() => store.createPod({ namespace: "ns", name: "a" }))).toBe("already-exists");
    expect(Object.isFrozen(pod.labels)).toBe(true);
  });

  it("refuses a given uid that a live pod already has (the controller keys branch ENIs by uid)", () => {
    const { store } = setup();
    store.createPod({ namespace: "ns", name: "a", uid: "u-1" });
    expect(kindOf(() => store.createPod({ namespace: "other", name: "b", uid: "u-1" }))).toBe("already-exists");
    expect(store.getPod("other", "b")).toBeUndefined();
    // Once the holder is gone the uid may be given again (a scenario recreating "the same" pod).
    store.deletePod("ns", "a");
    expect(store.createPod({ namespace: "other", name: "b", uid: "u-1" }).uid).toBe("u-1");
  });

  it("runs admission hooks in order on create, before watchers see the pod", async () => {
    const { store } = setup();
    store.addAdmissionHook((p) => ({ ...p, limits: { ...p.limits, first: "1" } }));
    store.addAdmissionHook((p) => ({ ...p, requests: { ...p.requests, second: p.limits["first"] ?? "missing" } }));
    const seen: PodObject[] = [];
    store.watchPods((_t, p) => seen.push(p));
    const pod = store.createPod({ namespace: "ns", name: "a" });
    expect(pod.limits).toEqual({ first: "1" });
    expect(pod.requests).toEqual({ second: "1" });
    expect(seen[0]?.limits).toEqual({ first: "1" });
  });

  it("bumps resourceVersion on every change and not on a no-op update", async () => {
    const { store } = setup();
    const a = store.createPod({ namespace: "ns", name: "a" });
    const b = store.updatePod("ns", "a", (p) => ({ ...p, annotations: { k: "v" } }));
    expect(b.resourceVersion).toBeGreaterThan(a.resourceVersion);
    const c = store.updatePod("ns", "a", (p) => ({ ...p, annotations: { k: "v" } }));
    expect(c.resourceVersion).toBe(b.resourceVersion);
    const d = store.schedulePod("ns", "a", "node-1");
    expect(d.resourceVersion).toBeGreaterThan(b.resourceVersion);
  });

  it("guards updates and deletes by uid", async () => {
    const { store } = setup();
    store.createPod({ namespace: "ns", name: "a", uid: "old" });
    expect(kindOf(() => store.updatePod("ns", "a", (p) => p, "other"))).toBe("conflict");
    store.deletePod("ns", "a", "old");
    store.createPod({ namespace: "ns", name: "a", uid: "new" });
    expect(kindOf(() => store.updatePod("ns", "a", (p) => ({ ...p, annotations: { x: "1" } }), "old"))).toBe("conflict");
    expect(store.getPod("ns", "a")?.annotations).toEqual({});
    expect(kindOf(() => store.deletePod("ns", "a", "old"))).toBe("conflict");
    expect(kindOf(() => store.updatePod("ns", "zz", (p) => p))).toBe("not-found");
    // The update cannot rename the object or change its uid.
    const u = store.updatePod("ns", "a", (p) => ({ ...p, name: "b", uid: "forged", labels: { l: "1" } }), "new");
    expect(u).toMatchObject({ name: "a", uid: "new", labels: { l: "1" } });
  });

  it("schedules once, records the scheduler's event, and refuses a second node", async () => {
    const { clock, store } = setup();
    store.createPod({ namespace: "ns", name: "a" });
    await clock.advance(500);
    const p = store.schedulePod("ns", "a", "node-1");
    expect(p).toMatchObject({ nodeName: "node-1", scheduledAt: 1500 });
    expect(store.schedulePod("ns", "a", "node-1")).toBe(p);
    expect(kindOf(() => store.schedulePod("ns", "a", "node-2"))).toBe("conflict");
    const ev = store.listEvents({ name: "a" });
    expect(ev.map((e) => [e.reason, e.source, e.message])).toEqual([["Scheduled", "default-scheduler", "Successfully assigned ns/a to node-1"]]);
  });

  it("watch: ADDED, MODIFIED, DELETED in order; a throwing watcher does not stop the others", async () => {
    const { clock, store, errors } = setup();
    const seen: Array<[WatchType, string]> = [];
    store.watchPods(() => {
      throw new Error("bad watcher");
    });
    const unsubscribe = store.watchPods((t, p) => seen.push([t, `${p.name}@${p.resourceVersion}`]));
    const a = store.createPod({ namespace: "ns", name: "a" });
    const b = store.schedulePod("ns", "a", "n");
    await clock.advance(10);
    const c = store.deletePod("ns", "a");
    expect(c.deletedAt).toBe(1010);
    expect(store.getPod("ns", "a")).toBeUndefined();
    expect(seen).toEqual([
      ["ADDED", `a@${a.resourceVersion}`],
      ["MODIFIED", `a@${b.resourceVersion}`],
      ["DELETED", `a@${c.resourceVersion}`],
    ]);
    expect(errors).toHaveLength(3);
    unsubscribe();
    store.createPod({ namespace: "ns", name: "b" });
    expect(seen).toHaveLength(3);
  });

  it("lists pods by namespace", async () => {
    const { store } = setup();
    store.createPod({ namespace: "a", name: "1" });
    store.createPod({ namespace: "b", name: "2" });
    expect(store.listPods().map((p) => p.name)).toEqual(["1", "2"]);
    expect(store.listPods("b").map((p) => p.name)).toEqual(["2"]);
  });
});

describe("cluster store: nodes and policies", () => {
  it("upserts nodes", async () => {
    const { store } = setup();
    const n1 = store.upsertNode({ name: "n", instanceType: "m5.large", labels: {}, capacity: { "vpc.amazonaws.com/pod-eni": "9" } });
    const n2 = store.upsertNode({ ...n1, capacity: { "vpc.amazonaws.com/pod-eni": "18" } });
    expect(n2.resourceVersion).toBeGreaterThan(n1.resourceVersion);
    expect(store.getNode("n")?.capacity).toEqual({ "vpc.amazonaws.com/pod-eni": "18" });
    expect(store.listNodes()).toHaveLength(1);
  });

  it("applies, replaces, lists and deletes SecurityGroupPolicies", async () => {
    const { store } = setup();
    const p = { namespace: "ns", name: "p", podSelector: { app: "db" }, serviceAccountSelector: {}, securityGroupIds: ["sg-1"] };
    store.applyPolicy(p);
    store.applyPolicy({ ...p, securityGroupIds: ["sg-2"] });
    store.applyPolicy({ ...p, namespace: "other" });
    expect(store.listPolicies("ns").map((x) => x.securityGroupIds)).toEqual([["sg-2"]]);
    expect(store.listPolicies()).toHaveLength(2);
    expect(store.deletePolicy("ns", "p").name).toBe("p");
    expect(kindOf(() => store.deletePolicy("ns", "p"))).toBe("not-found");
  });
});
