// The scheduling loop over the store's port, on a FakeClock: pending pods bound with Scheduled,
// pod-eni exhaustion gives FailedScheduling, room freed by a deleted pod schedules the waiting one.
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../cluster/k8s/types.js";
import { createObjectStore } from "../../cluster/store/index.js";
import { FakeClock } from "../../common/clock.js";
import { startScheduler, storePort } from "../../scheduler/index.js";

const PODS = { group: "", plural: "pods" };
const NODES = { group: "", plural: "nodes" };
const EVENTS = { group: "", plural: "events" };
const ENI = "vpc.amazonaws.com/pod-eni";

function setup() {
  const clock = new FakeClock(Date.parse("2025-03-01T12:00:00Z"));
  const store = createObjectStore({ clock });
  const errors: unknown[] = [];
  const sched = startScheduler(storePort(store, clock), { clock, onError: (e) => errors.push(e) });
  const node = (name: string, eni: number, ready = true): K8sObject => ({ apiVersion: "v1", kind: "Node", metadata: { name }, status: { allocatable: { pods: "29", [ENI]: String(eni) }, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
  const pod = (name: string, eni: boolean): K8sObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: "pause", ...(eni ? { resources: { limits: { [ENI]: "1" } } } : {}) }] } });
  const nodeOf = (name: string): string => String((store.get(PODS, "default", name).spec as { nodeName?: string }).nodeName ?? "");
  const events = (name: string): string[] => store.list(EVENTS, { fieldSelector: `involvedObject.name=${name}` }).items.map((e) => `${String(e.reason)}: ${String(e.message)}${Number(e.count) > 1 ? ` (x${String(e.count)})` : ""}`);
  const settle = () => clock.advance(0);
  return { clock, store, sched, node, pod, nodeOf, events, settle, errors };
}

describe("scheduler loop", () => {
  it("binds a pending pod to a Ready node with room and records Scheduled", async () => {
    const t = setup();
    t.store.create(NODES, "", t.node("not-ready", 9, false));
    t.store.create(NODES, "", t.node("node-1", 9));
    t.store.create(PODS, "default", t.pod("web", true));
    await t.settle();
    expect(t.nodeOf("web")).toBe("node-1");
    expect(t.events("web")).toEqual(["Scheduled: Successfully assigned default/web to node-1"]);
    const ev = t.store.list(EVENTS).items[0];
    expect(ev).toMatchObject({ type: "Normal", source: { component: "default-scheduler" }, involvedObject: { kind: "Pod", name: "web", uid: t.store.get(PODS, "default", "web").metadata.uid } });
    expect(t.sched.pendingCount()).toBe(0);
    expect(t.errors).toEqual([]);
  });

  it("exhausted pod-eni capacity gives FailedScheduling; a deleted pod's room schedules the waiting one", async () => {
    const t = setup();
    t.store.create(NODES, "", t.node("node-1", 2));
    for (const n of ["p1", "p2", "p3"]) t.store.create(PODS, "default", t.pod(n, true));
    t.store.create(PODS, "default", t.pod("plain", false));
    await t.settle();
    expect(["p1", "p2", "p3", "plain"].map(t.nodeOf)).toEqual(["node-1", "node-1", "", "node-1"]);
    expect(t.events("p3")).toEqual([`FailedScheduling: 0/1 nodes are available: 1 Insufficient ${ENI}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`]);
    // Unrelated changes do not retry it (no new FailedScheduling)...
    t.store.patch(PODS, "default", "plain", "merge", { metadata: { labels: { a: "b" } } });
    await t.settle();
    expect(t.events("p3")).toHaveLength(1);
    // ...a node change does, and a repeat bumps the event's count.
    t.store.patch(NODES, "", "node-1", "merge", { metadata: { labels: { touched: "yes" } } });
    await t.settle();
    expect(t.events("p3")).toEqual([expect.stringContaining("(x2)")]);
    // The kubelet's final delete of p1 frees a branch ENI: p3 gets it.
    t.store.delete(PODS, "default", "p1", { gracePeriodSeconds: 0 });
    await t.settle();
    expect(t.nodeOf("p3")).toBe("node-1");
    expect(t.events("p3").at(-1)).toBe("Scheduled: Successfully assigned default/p3 to node-1");
  });

  it("retries an unschedulable pod after the retry period, and when a node joins", async () => {
    const t = setup();
    t.store.create(PODS, "default", t.pod("early", false));
    await t.settle();
    expect(t.events("early")).toEqual(["FailedScheduling: no nodes available to schedule pods"]);
    await t.clock.advance(300_000);
    expect(t.events("early")).toEqual(["FailedScheduling: no nodes available to schedule pods (x2)"]);
    t.store.create(NODES, "", t.node("late", 0));
    await t.settle();
    expect(t.nodeOf("early")).toBe("late");
    t.sched.stop();
  });

  it("leaves pods of another scheduler and pods being deleted alone", async () => {
    const t = setup();
    t.store.create(NODES, "", t.node("node-1", 1));
    t.store.create(PODS, "default", { ...t.pod("custom", false), spec: { schedulerName: "other", containers: [{ name: "c", image: "pause" }] } });
    await t.settle();
    expect(t.nodeOf("custom")).toBe("");
    expect(t.events("custom")).toEqual([]);
  });
});

describe("scheduler loop: timers", () => {
  it("leaves no timer behind when nothing waits, so a FakeClock run can go idle", async () => {
    const t = setup();
    t.store.create(NODES, "", t.node("node-1", 0));
    t.store.create(PODS, "default", t.pod("a", true));
    await t.settle();
    expect(t.clock.pending()).toBe(1); // the retry of the unschedulable pod
    t.store.delete(PODS, "default", "a");
    await t.clock.runUntilIdle();
    expect(t.clock.pending()).toBe(0);
  });
});
