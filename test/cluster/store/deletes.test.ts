import { describe, expect, it } from "vitest";
import { EVENTS, PODS, pod, setup, statusOf } from "./helpers.js";

const event = (name: string) => ({ apiVersion: "v1", kind: "Event", metadata: { name }, involvedObject: { kind: "Pod", name: "p", namespace: "default" }, reason: "R", message: "m", type: "Normal" });

describe("store: delete", () => {
  it("deletes an unbound pod at once", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a"));
    const got: string[] = [];
    store.watch(PODS, { resourceVersion: store.currentResourceVersion() }, (e) => got.push(e.type));
    store.delete(PODS, "default", "a");
    expect(got).toEqual(["DELETED"]);
    expect(statusOf(() => store.get(PODS, "default", "a"))).toMatchObject({ code: 404 });
  });

  it("deletes a bound pod gracefully: deletionTimestamp, then gone at the kubelet's grace-0 delete", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a", { nodeName: "n1" }));
    const got: string[] = [];
    store.watch(PODS, { resourceVersion: store.currentResourceVersion() }, (e) => got.push(e.type));
    const terminating = store.delete(PODS, "default", "a");
    expect(terminating.metadata).toMatchObject({ deletionTimestamp: "2025-03-01T12:00:30.000Z", deletionGracePeriodSeconds: 30 });
    expect(store.get(PODS, "default", "a")).toBe(terminating);
    // A second delete with a longer or equal grace period changes nothing.
    expect(store.delete(PODS, "default", "a", { gracePeriodSeconds: 60 })).toBe(terminating);
    store.delete(PODS, "default", "a", { gracePeriodSeconds: 0 });
    expect(got).toEqual(["MODIFIED", "DELETED"]);
    expect(statusOf(() => store.delete(PODS, "default", "a"))).toMatchObject({ code: 404 });
  });

  it("checks preconditions with the real texts", () => {
    const { store } = setup();
    const a = store.create(PODS, "default", pod("a")).object;
    expect(statusOf(() => store.delete(PODS, "default", "a", { preconditions: { uid: "x" } }))).toEqual({
      code: 409,
      reason: "Conflict",
      message: `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: x, UID in object meta: ${a.metadata.uid ?? ""}`,
    });
    expect(statusOf(() => store.delete(PODS, "default", "a", { preconditions: { resourceVersion: "1" } }))).toMatchObject({
      code: 409,
      message: `Operation cannot be fulfilled on pods "a": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${a.metadata.resourceVersion ?? ""}`,
    });
    expect(store.get(PODS, "default", "a")).toBe(a);
    store.delete(PODS, "default", "a", { preconditions: { uid: a.metadata.uid ?? "", resourceVersion: a.metadata.resourceVersion ?? "" } });
  });

  it("keeps an object with finalizers until an update removes the last one", () => {
    const { store } = setup();
    store.create(PODS, "default", { ...pod("f"), metadata: { name: "f", finalizers: ["example.com/keep"] } });
    const marked = store.delete(PODS, "default", "f");
    expect(marked.metadata.deletionTimestamp).toBe("2025-03-01T12:00:00.000Z");
    store.patch(PODS, "default", "f", "merge", { metadata: { finalizers: null } });
    expect(statusOf(() => store.get(PODS, "default", "f"))).toMatchObject({ code: 404 });
  });

  it("deleting a namespace deletes what it holds; default cannot be deleted", () => {
    const { store } = setup();
    store.create({ group: "", plural: "namespaces" }, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    store.create(PODS, "team", pod("a"));
    expect(store.get({ group: "", plural: "serviceaccounts" }, "team", "default").metadata.name).toBe("default");
    store.delete({ group: "", plural: "namespaces" }, "", "team");
    expect(store.list(PODS, { namespace: "team" }).items).toEqual([]);
    expect(statusOf(() => store.delete({ group: "", plural: "namespaces" }, "", "default"))).toEqual({ code: 403, reason: "Forbidden", message: 'namespaces "default" is forbidden: this namespace may not be deleted' });
  });

  it("deleteCollection deletes what the selector matches", () => {
    const { store } = setup();
    store.create(PODS, "default", pod("a", { labels: { app: "x" } }));
    store.create(PODS, "default", pod("b", { labels: { app: "y" } }));
    expect(store.deleteCollection(PODS, { namespace: "default", labelSelector: "app=x" }).map((o) => o.metadata.name)).toEqual(["a"]);
    expect(store.list(PODS).items.map((o) => o.metadata.name)).toEqual(["b"]);
  });
});

describe("store: lists and bounds", () => {
  it("lists with selectors and limit/continue in key order", () => {
    const { store } = setup();
    for (const n of ["c", "a", "e", "b", "d"]) store.create(PODS, "default", pod(n, { labels: { odd: String("ace".includes(n)) } }));
    const first = store.list(PODS, { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(["a", "b"]);
    const second = store.list(PODS, { limit: 2, continue: first.continue ?? "" });
    expect(second.items.map((o) => o.metadata.name)).toEqual(["c", "d"]);
    const third = store.list(PODS, { limit: 2, continue: second.continue ?? "" });
    expect(third.items.map((o) => o.metadata.name)).toEqual(["e"]);
    expect(third.continue).toBeUndefined();
    expect(store.list(PODS, { labelSelector: "odd=true", limit: 2 }).items.map((o) => o.metadata.name)).toEqual(["a", "c"]);
    expect(statusOf(() => store.list(PODS, { continue: "garbage!" }))).toMatchObject({ code: 400 });
    expect(statusOf(() => store.list(PODS, { labelSelector: "a in (" }))).toMatchObject({ code: 400 });
  });

  it("expires events an hour after their last write, with a DELETED event", async () => {
    const { store, clock } = setup();
    store.create(EVENTS, "default", event("e1"));
    await clock.advance(30 * 60 * 1000);
    store.create(EVENTS, "default", event("e2"));
    const got: string[] = [];
    store.watch(EVENTS, { resourceVersion: "1" }, (e) => got.push(`${e.type} ${e.object.metadata.name ?? ""}`));
    await clock.advance(30 * 60 * 1000);
    expect(store.list(EVENTS).items.map((e) => e.metadata.name)).toEqual(["e2"]);
    // An update refreshes the TTL.
    store.patch(EVENTS, "default", "e2", "merge", { count: 2 });
    await clock.advance(59 * 60 * 1000);
    expect(store.list(EVENTS).items.map((e) => e.metadata.name)).toEqual(["e2"]);
    await clock.advance(60 * 1000);
    store.sweep();
    expect(store.list(EVENTS).items).toEqual([]);
    expect(got).toEqual(["ADDED e1", "ADDED e2", "DELETED e1", "MODIFIED e2", "DELETED e2"]);
  });

  it("refuses a create beyond the object limit and a watch beyond the watcher limit", () => {
    // (the bootstrap's 4 namespaces and 4 service accounts fit in 5)
    const { store } = setup({ maxObjectsPerResource: 5, maxWatchers: 1 });
    for (const n of ["a", "b", "c", "d", "e"]) store.create(PODS, "default", pod(n));
    expect(statusOf(() => store.create(PODS, "default", pod("f")))).toEqual({ code: 500, reason: "InternalError", message: "the store holds its limit of 5 pods" });
    const w = store.watch(PODS, {}, () => {});
    expect(statusOf(() => store.watch(PODS, {}, () => {}))).toMatchObject({ code: 429 });
    w.stop();
    store.watch(PODS, {}, () => {});
  });

  it("bounds the watch history of each resource", () => {
    const { store } = setup({ historyPerResource: 3 });
    const got: string[] = [];
    const start = store.currentResourceVersion();
    for (let i = 0; i < 10; i++) store.create(PODS, "default", pod(`p${i}`));
    store.watch(PODS, { resourceVersion: String(Number(start) + 7) }, (e) => got.push(e.object.metadata.name ?? ""));
    expect(got).toEqual(["p7", "p8", "p9"]);
  });
});
