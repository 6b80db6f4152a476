import { describe, expect, it } from "vitest";
import type { StoreWatchEvent } from "../../../cluster/store/index.js";
import { EVENTS, PODS, pod, setup, statusOf } from "./helpers.js";

const line = (e: StoreWatchEvent): string => `${e.type} ${e.object.metadata.name ?? ""}@${e.object.metadata.resourceVersion ?? ""}`;

describe("store: watch", () => {
  it("from unset/0 starts with ADDED for what exists, then follows in version order", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    const got: string[] = [];
    store.watch(PODS, { resourceVersion: "0", namespace: "default" }, (e) => got.push(e.type + " " + (e.object.metadata.name ?? "")));
    store.create(PODS, "default", pod("b"));
    store.delete(PODS, "default", "a");
    expect(got).toEqual(["ADDED a", "ADDED b", "DELETED a"]);
  });

  it("resumes from a resourceVersion by replaying the history, and DELETED carries the deletion's version", () => {
    const { store } = setup();
    const a = store.create(PODS, "default", pod("a")).object;
    store.patch(PODS, "default", "a", "merge", { metadata: { labels: { x: "1" } } });
    const del = store.delete(PODS, "default", "a");
    const got: string[] = [];
    store.watch(PODS, { resourceVersion: a.metadata.resourceVersion ?? "" }, (e) => got.push(line(e)));
    expect(got).toEqual([`MODIFIED a@${Number(a.metadata.resourceVersion) + 1}`, `DELETED a@${del.metadata.resourceVersion ?? ""}`]);
    expect(Number(del.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 2);
  });

  it("an object entering or leaving a selector arrives as ADDED or DELETED (spec.nodeName watch)", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    const got: string[] = [];
    store.watch(PODS, { fieldSelector: "spec.nodeName=n1" }, (e) => got.push(line(e)));
    const bound = store.bind("default", { apiVersion: "v1", kind: "Binding", metadata: { name: "a" }, target: { kind: "Node", name: "n1" } });
    store.patch(PODS, "default", "a", "merge", { metadata: { labels: { x: "1" } } });
    const lw: string[] = [];
    store.watch(PODS, { labelSelector: "x=1" }, (e) => lw.push(e.type));
    const last = store.patch(PODS, "default", "a", "merge", { metadata: { labels: { x: "2" } } }).object;
    expect(got).toEqual([`ADDED a@${bound.metadata.resourceVersion ?? ""}`, `MODIFIED a@${Number(bound.metadata.resourceVersion) + 1}`, `MODIFIED a@${last.metadata.resourceVersion ?? ""}`]);
    expect(lw).toEqual(["ADDED", "DELETED"]);
  });

  it("is 410 Expired for a version older than the history, with the real message", () => {
    const { store } = setup({ historyPerResource: 4 });
    const first = store.create(PODS, "default", pod("p0")).object;
    for (let i = 1; i < 8; i++) store.create(PODS, "default", pod(`p${i}`));
    expect(statusOf(() => store.watch(PODS, { resourceVersion: first.metadata.resourceVersion ?? "" }, () => {}))).toEqual({
      code: 410,
      reason: "Expired",
      message: `too old resource version: ${first.metadata.resourceVersion ?? ""} (${Number(first.metadata.resourceVersion) + 3})`,
    });
    // The newest 4 changes are kept: resuming just before them works.
    const got: string[] = [];
    store.watch(PODS, { resourceVersion: String(Number(first.metadata.resourceVersion) + 3) }, (e) => got.push(e.object.metadata.name ?? ""));
    expect(got).toEqual(["p4", "p5", "p6", "p7"]);
    expect(statusOf(() => store.watch(PODS, { resourceVersion: "abc" }, () => {}))).toMatchObject({ code: 400 });
    expect(statusOf(() => store.watch(PODS, { resourceVersion: "99999" }, () => {}))).toMatchObject({ code: 504, message: expect.stringContaining("Too large resource version") });
  });

  it("sends BOOKMARKs only when asked, at the store's current version", () => {
    const { store } = setup();
    const got: string[] = [];
    const w = store.watch(PODS, { allowWatchBookmarks: true }, (e) => got.push(line(e)));
    const quiet: string[] = [];
    const q = store.watch(PODS, {}, (e) => quiet.push(e.type));
    store.create(EVENTS, "default", { apiVersion: "v1", kind: "Event", metadata: { name: "e1" }, involvedObject: { kind: "Pod", name: "x", namespace: "default" }, reason: "R", message: "m", type: "Normal" });
    w.bookmark();
    q.bookmark();
    expect(got).toEqual([`BOOKMARK @${store.currentResourceVersion()}`]);
    expect(quiet).toEqual([]);
  });

  it("a watcher that throws breaks neither the store nor the other watchers", () => {
    const { store, errors } = setup();
    const good: string[] = [];
    store.watch(PODS, {}, () => {
      throw new Error("boom");
    });
    store.watch(PODS, {}, (e) => good.push(e.object.metadata.name ?? ""));
    store.create(PODS, "default", pod("a"));
    store.create(PODS, "default", pod("b"));
    expect(good).toEqual(["a", "b"]);
    expect(errors).toHaveLength(2);
  });

  it("a write from inside a callback reaches every watcher after the change that caused it", () => {
    const { store } = setup();
    const first: string[] = [];
    const second: string[] = [];
    store.watch(PODS, {}, (e) => {
      first.push(line(e));
      if (e.type === "ADDED") store.patch(PODS, "default", e.object.metadata.name ?? "", "merge", { metadata: { annotations: { seen: "1" } } });
    });
    store.watch(PODS, {}, (e) => second.push(line(e)));
    const a = store.create(PODS, "default", pod("a")).object;
    const rv = Number(a.metadata.resourceVersion);
    expect(first).toEqual([`ADDED a@${rv}`, `MODIFIED a@${rv + 1}`]);
    expect(second).toEqual(first);
  });

  it("stop() ends delivery; a watcher started inside a callback misses nothing and sees nothing twice", () => {
    const { store } = setup();
    const inner: string[] = [];
    const w = store.watch(PODS, {}, (e) => {
      if (e.object.metadata.name === "a") store.watch(PODS, { resourceVersion: e.object.metadata.resourceVersion ?? "" }, (x) => inner.push(line(x)));
    });
    store.create(PODS, "default", pod("a"));
    w.stop();
    const b = store.create(PODS, "default", pod("b")).object;
    expect(inner).toEqual([`ADDED b@${b.metadata.resourceVersion ?? ""}`]);
  });
});
