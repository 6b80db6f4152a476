// A resource's watchers are indexed by their first `field=value` requirement (cluster/store/
// watcher-set.ts): a change is matched only against the watchers of its object's value, before and
// after the change. These tests hold the index to what an unindexed watcher sees: exactly the
// matching events, ADDED/DELETED when an object starts or stops matching (the change's version on
// a DELETED made of the old object), and delivery in attach order across watchers.

import { describe, expect, it } from "vitest";
import type { StoreWatchEvent } from "../../../cluster/store/index.js";
import { EVENTS, NODES, PODS, node, pod, setup } from "./helpers.js";

const line = (e: StoreWatchEvent): string => `${e.type} ${e.object.metadata.name ?? ""}@${e.object.metadata.resourceVersion ?? ""}`;

function event(name: string, reason: string) {
  return { apiVersion: "v1", kind: "Event", metadata: { name }, involvedObject: { kind: "Pod", name: "p", namespace: "default" }, reason, message: "m", type: "Normal" };
}

describe("store: watchers indexed by field selector", () => {
  it("a spec.nodeName watcher gets only its node's pods: bound (ADDED), changed, deleted", () => {
    const { store } = setup();
    const n1: string[] = [];
    const n2: string[] = [];
    const all: string[] = [];
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => n1.push(line(e)));
    store.watch(PODS, { fieldSelector: "spec.nodeName=n2" }, (e) => n2.push(line(e)));
    store.watch(PODS, {}, (e) => all.push(line(e)));
    const a = store.create(PODS, "default", pod("a")).object;
    const b = store.create(PODS, "default", pod("b", { nodeName: "n2" })).object;
    const bound = store.bind("default", { apiVersion: "v1", kind: "Binding", metadata: { name: "a" }, target: { kind: "Node", name: "n1" } });
    const labelled = store.patch(PODS, "default", "a", "merge", { metadata: { labels: { x: "1" } } }).object;
    const gone = store.delete(PODS, "default", "a", { gracePeriodSeconds: 0 });
    const rv = (o: { metadata: { resourceVersion?: string } }): string => o.metadata.resourceVersion ?? "";
    expect(n1).toEqual([`ADDED a@${rv(bound)}`, `MODIFIED a@${rv(labelled)}`, `DELETED a@${rv(gone)}`]);
    expect(n2).toEqual([`ADDED b@${rv(b)}`]);
    expect(all).toEqual([`ADDED a@${rv(a)}`, `ADDED b@${rv(b)}`, `MODIFIED a@${rv(bound)}`, `MODIFIED a@${rv(labelled)}`, `DELETED a@${rv(gone)}`]);
  });

  it("an object whose indexed field changes leaves one watcher (DELETED of the old object at the new version) and enters the other (ADDED)", () => {
    const { store } = setup();
    const a: StoreWatchEvent[] = [];
    const b: StoreWatchEvent[] = [];
    store.watch(EVENTS, { fieldSelector: "reason=A" }, (e) => a.push(e));
    store.watch(EVENTS, { fieldSelector: "reason=B" }, (e) => b.push(e));
    const created = store.create(EVENTS, "default", event("e1", "A")).object;
    const moved = store.patch(EVENTS, "default", "e1", "merge", { reason: "B", message: "m2" }).object;
    expect(a.map(line)).toEqual([`ADDED e1@${created.metadata.resourceVersion ?? ""}`, `DELETED e1@${moved.metadata.resourceVersion ?? ""}`]);
    // The DELETED carries the object as it was (still matching), at the version that removed it.
    expect(a[1]?.object).toMatchObject({ reason: "A", message: "m" });
    expect(b.map(line)).toEqual([`ADDED e1@${moved.metadata.resourceVersion ?? ""}`]);
    expect(b[0]?.object).toMatchObject({ reason: "B", message: "m2" });
  });

  it("a watcher whose other requirements stop matching gets DELETED though its indexed field still matches", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a", { nodeName: "n1", labels: { app: "web" } }));
    const got: string[] = [];
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1,metadata.name=a", labelSelector: "app=web", resourceVersion: "0" }, (e) => got.push(e.type));
    store.patch(PODS, "default", "a", "merge", { metadata: { labels: { app: "db" } } });
    store.patch(PODS, "default", "a", "merge", { metadata: { labels: { app: "web" } } });
    store.create(PODS, "default", pod("b", { nodeName: "n1", labels: { app: "web" } }));
    expect(got).toEqual(["ADDED", "DELETED", "ADDED"]);
  });

  it("sees the same events as an unindexed watcher with an equivalent selector", () => {
    const { store } = setup();
    // `spec.unschedulable=true` is indexed, `!=false` is not (the field is "true" or "false").
    const indexed: string[] = [];
    const plain: string[] = [];
    const indexedFalse: string[] = [];
    const plainFalse: string[] = [];
    store.watch(NODES, { fieldSelector: "spec.unschedulable=true" }, (e) => indexed.push(line(e)));
    store.watch(NODES, { fieldSelector: "spec.unschedulable!=false" }, (e) => plain.push(line(e)));
    store.watch(NODES, { fieldSelector: "spec.unschedulable=false" }, (e) => indexedFalse.push(line(e)));
    store.watch(NODES, { fieldSelector: "spec.unschedulable!=true" }, (e) => plainFalse.push(line(e)));
    // A fixed pseudo-random walk over three nodes: create, cordon, uncordon, relabel, delete.
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const exists = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = `n${next(3)}`;
      if (!exists.has(name)) {
        store.create(NODES, "", { ...node(name), spec: { unschedulable: next(2) === 0 } });
        exists.add(name);
        continue;
      }
      const op = next(4);
      if (op === 0) {
        store.delete(NODES, "", name);
        exists.delete(name);
      } else if (op === 1) store.patch(NODES, "", name, "merge", { metadata: { labels: { step: String(i) } } });
      else store.patch(NODES, "", name, "merge", { spec: { unschedulable: op === 2 } });
    }
    expect(indexed.length).toBeGreaterThan(20);
    expect(indexed.some((l) => l.startsWith("DELETED")) && indexed.some((l) => l.startsWith("MODIFIED"))).toBe(true);
    expect(indexed).toEqual(plain);
    expect(indexedFalse).toEqual(plainFalse);
  });

  it("delivers each change to indexed and unindexed watchers in the order they were attached", () => {
    const { store } = setup();
    const log: string[] = [];
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => log.push(`w1 ${line(e)}`));
    store.watch(PODS, {}, (e) => log.push(`w2 ${line(e)}`));
    store.watch(PODS, { fieldSelector: "metadata.name=a" }, (e) => log.push(`w3 ${line(e)}`));
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => log.push(`w4 ${line(e)}`));
    const a = store.create(PODS, "default", pod("a", { nodeName: "n1" })).object;
    const v = a.metadata.resourceVersion ?? "";
    expect(log).toEqual([`w1 ADDED a@${v}`, `w2 ADDED a@${v}`, `w3 ADDED a@${v}`, `w4 ADDED a@${v}`]);
  });

  it("a stopped watcher leaves its bucket; a write from inside a handler reaches every watcher after the current change", () => {
    const { store } = setup();
    const log: string[] = [];
    const w1 = store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => {
      log.push(`w1 ${e.type} ${e.object.metadata.name ?? ""}`);
      if (e.object.metadata.name === "a" && e.type === "ADDED") store.create(PODS, "default", pod("b", { nodeName: "n1" }));
    });
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => log.push(`w2 ${e.type} ${e.object.metadata.name ?? ""}`));
    store.create(PODS, "default", pod("a", { nodeName: "n1" }));
    w1.stop();
    store.create(PODS, "default", pod("c", { nodeName: "n1" }));
    expect(log).toEqual(["w1 ADDED a", "w2 ADDED a", "w1 ADDED b", "w2 ADDED b", "w2 ADDED c"]);
  });
});
