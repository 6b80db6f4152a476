import { describe, expect, it } from "vitest";
import { createClusterStore, formatEventAge, formatEventCount } from "../../cluster/index.js";
import type { ClusterEvent, NewEvent } from "../../cluster/index.js";
import { FakeClock } from "../../common/clock.js";

const ev = (message: string, extra: Partial<NewEvent> = {}): NewEvent => ({
  type: "Warning",
  reason: "FailedCreatePodSandBox",
  message,
  involvedObject: { kind: "Pod", namespace: "ns", name: "a", uid: "u1" },
  source: "kubelet",
  ...extra,
});

describe("events", () => {
  it("aggregates the same object+reason+message within 10 minutes: count and lastTimestamp", async () => {
    const clock = new FakeClock(0);
    const store = createClusterStore({ clock });
    const watched: ClusterEvent[] = [];
    store.watchEvents((e) => watched.push(e));
    store.recordEvent(ev("boom", { classification: "transient-expected", attributes: { sandbox: "s1" } }));
    await clock.advance(12_000);
    const second = store.recordEvent(ev("boom", { classification: "transient-expected", attributes: { sandbox: "s2" } }));
    expect(second).toMatchObject({ count: 2, firstTimestamp: 0, lastTimestamp: 12_000, attributes: { sandbox: "s2" }, classification: "transient-expected" });
    expect(store.listEvents()).toHaveLength(1);
    // A different message is a different event.
    store.recordEvent(ev("other"));
    expect(store.listEvents()).toHaveLength(2);
    // Beyond the window a new event starts.
    await clock.advance(10 * 60_000 + 1);
    const third = store.recordEvent(ev("boom"));
    expect(third.count).toBe(1);
    expect(store.listEvents().map((e) => e.count)).toEqual([2, 1, 1]);
    expect(watched.map((e) => e.count)).toEqual([1, 2, 1, 1]);
  });

  it("defaults classification to '' and honours an explicit timestamp", async () => {
    const store = createClusterStore({ clock: new FakeClock(500) });
    const e = store.recordEvent({ ...ev("x"), timestamp: 42 });
    expect(e).toMatchObject({ classification: "", firstTimestamp: 42, lastTimestamp: 42, attributes: {} });
  });

  it("filters by involved object", async () => {
    const store = createClusterStore({ clock: new FakeClock() });
    store.recordEvent(ev("x"));
    store.recordEvent(ev("y", { involvedObject: { kind: "Pod", namespace: "ns", name: "b", uid: "u2" } }));
    store.recordEvent(ev("z", { involvedObject: { kind: "Pod", namespace: "other", name: "a", uid: "u3" } }));
    expect(store.listEvents({ name: "a" }).map((e) => e.message)).toEqual(["x", "z"]);
    expect(store.listEvents({ namespace: "ns", name: "a" }).map((e) => e.message)).toEqual(["x"]);
  });

  it("renders (xN over T) like kubectl", async () => {
    const one = { count: 1, firstTimestamp: 0, lastTimestamp: 0 };
    const many = { count: 4, firstTimestamp: 0, lastTimestamp: 45_000 };
    expect(formatEventCount(one)).toBe("");
    expect(formatEventCount(many)).toBe("(x4 over 45.0s)");
    expect(formatEventAge(many, 50_000)).toBe("5.00s (x4 over 50.0s)");
    expect(formatEventAge(one, 3_000)).toBe("3.00s");
  });
});
