// The event recorder: client-go's aggregation (same source, object, type, reason and message ->
// PATCH count/lastTimestamp; else a new `<name>.<hex>` Event), the LRU bound, retries on the clock,
// a PATCH of a vanished Event turned into a create, and the bounded queue.

import { describe, expect, it } from "vitest";
import { EventCorrelator } from "../../../cluster/client/correlator.js";
import { createEventRecorder } from "../../../cluster/client/recorder.js";
import type { ResourceClient } from "../../../cluster/client/types.js";
import { parseEvent } from "../../../cluster/k8s/event.js";
import type { EventObject, NewEvent } from "../../../cluster/k8s/event.js";
import type { K8sEvent } from "../../../cluster/k8s/types.js";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { HarnessError } from "../../../common/errors.js";

/** Events by namespace/name as JSON, merge-patched in place; `fail` throws before the n-th call. */
class FakeEvents {
  readonly stored = new Map<string, Record<string, unknown>>();
  readonly calls: string[] = [];
  fail: ((call: string) => Error | undefined) | undefined;

  client(): ResourceClient<EventObject, K8sEvent> {
    const self = this;
    return {
      async create(obj) {
        const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
        self.calls.push(`create ${key}`);
        const err = self.fail?.(`create ${key}`);
        if (err !== undefined) throw err;
        if (self.stored.has(key)) throw new HarnessError("already-exists", `events "${obj.metadata.name}" already exists`);
        self.stored.set(key, structuredClone(obj) as unknown as Record<string, unknown>);
        return parseEvent(obj);
      },
      async patch(ref, patch) {
        const key = `${ref.namespace}/${ref.name}`;
        self.calls.push(`patch ${key}`);
        const err = self.fail?.(`patch ${key}`);
        if (err !== undefined) throw err;
        const cur = self.stored.get(key);
        if (cur === undefined) throw new HarnessError("not-found", `events "${ref.name}" not found`);
        mergePatch(cur, patch);
        return parseEvent(cur);
      },
      get: async () => undefined,
      list: async () => ({ items: [], resourceVersion: "0" }),
      watch: () => ({ stop() {}, ended: new Promise(() => undefined) }),
      delete: async () => undefined,
    };
  }

  views(): EventObject[] {
    return [...this.stored.values()].map(parseEvent);
  }
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (typeof v === "object" && !Array.isArray(v)) {
      const t = (typeof target[k] === "object" && target[k] !== null ? target[k] : (target[k] = {})) as Record<string, unknown>;
      mergePatch(t, v as Record<string, unknown>);
    } else target[k] = v;
  }
}

const pod = { kind: "Pod", namespace: "sgp", name: "web", uid: "u-1" };
const failed = (msg: string): NewEvent => ({ type: "Warning", reason: "FailedCreatePodSandBox", message: msg, involvedObject: pod });

describe("event recorder", () => {
  it("creates <name>.<hex nanos>, then patches count and lastTimestamp of the same event", async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const fake = new FakeEvents();
    const rec = createEventRecorder({ events: fake.client(), clock, source: "kubelet", host: "node-1" });
    rec.record({ ...failed("boom"), classification: "transient-expected", attributes: { sandboxId: "a" } });
    await clock.advance(3_000);
    rec.record({ ...failed("boom"), classification: "real", attributes: { attempt: "2" } });
    rec.record(failed("other message"));
    await rec.flush();
    const name = `web.${(1_700_000_000_000n * 1_000_000n).toString(16)}`;
    expect(fake.calls).toEqual([`create sgp/${name}`, `patch sgp/${name}`, expect.stringMatching(/^create sgp\/web\.[0-9a-f]+$/)]);
    const [first, second] = fake.views();
    expect(first).toMatchObject({
      name, namespace: "sgp", count: 2, firstTimestamp: 1_700_000_000_000, lastTimestamp: 1_700_000_003_000,
      source: "kubelet", host: "node-1", classification: "real", attributes: { sandboxId: "a", attempt: "2" },
      involvedObject: pod, type: "Warning", reason: "FailedCreatePodSandBox", message: "boom",
    });
    expect(second).toMatchObject({ count: 1, message: "other message", classification: "" });
    expect(second?.name).not.toBe(name);
  });

  it("names events of one millisecond apart", async () => {
    const fake = new FakeEvents();
    const rec = createEventRecorder({ events: fake.client(), clock: new FakeClock(0), source: "kubelet" });
    for (const r of ["Pulled", "Created", "Started"]) rec.record({ type: "Normal", reason: r, message: r, involvedObject: pod });
    await rec.flush();
    expect(new Set(fake.views().map((e) => e.name)).size).toBe(3);
  });

  it("re-creates an Event whose PATCH finds it gone, keeping the count", async () => {
    const fake = new FakeEvents();
    const rec = createEventRecorder({ events: fake.client(), clock: new FakeClock(0), source: "kubelet" });
    rec.record(failed("x"));
    await rec.flush();
    fake.stored.clear();
    rec.record(failed("x"));
    await rec.flush();
    expect(fake.calls.map((c) => c.split(" ")[0])).toEqual(["create", "patch", "create"]);
    expect(fake.views()[0]?.count).toBe(2);
  });

  it("retries a failed write on the clock (first pause random, then 10 s), up to 12 tries", async () => {
    const clock = new FakeClock(0);
    const fake = new FakeEvents();
    let failures = 2;
    fake.fail = () => (failures-- > 0 ? new HarnessError("unavailable", "connection refused") : undefined);
    const rec = createEventRecorder({ events: fake.client(), clock, source: "kubelet", rng: () => 0.5 });
    rec.record(failed("x"));
    await flushMicrotasks();
    expect(fake.calls).toHaveLength(1);
    await clock.advance(5_000);
    expect(fake.calls).toHaveLength(2);
    await clock.advance(9_999);
    expect(fake.calls).toHaveLength(2);
    await clock.advance(1);
    await rec.flush();
    expect(fake.calls).toHaveLength(3);
    expect(rec.stats()).toMatchObject({ written: 1, failed: 0 });
  });

  it("gives up after maxTries and says so", async () => {
    const clock = new FakeClock(0);
    const fake = new FakeEvents();
    fake.fail = () => new HarnessError("forbidden", "events is forbidden");
    const logs: string[] = [];
    const rec = createEventRecorder({ events: fake.client(), clock, source: "kubelet", maxTries: 3, retryPauseMs: 10, log: (_l, m) => logs.push(m) });
    rec.record(failed("x"));
    await clock.advance(100);
    await rec.flush();
    expect(fake.calls).toHaveLength(3);
    expect(rec.stats().failed).toBe(1);
    expect(logs).toEqual(["unable to write event (retry limit exceeded)"]);
  });

  it("drops events beyond the queue bound instead of growing", async () => {
    const clock = new FakeClock(0);
    const fake = new FakeEvents();
    fake.fail = () => new HarnessError("unavailable", "down");
    const rec = createEventRecorder({ events: fake.client(), clock, source: "kubelet", maxQueue: 3, concurrency: 1 });
    for (let i = 0; i < 10; i++) rec.record(failed(`m${i}`));
    expect(rec.stats()).toMatchObject({ queued: 3, inFlight: 1, dropped: 6 });
  });

  it("the correlator forgets the least recently used key past its bound", () => {
    const c = new EventCorrelator(2);
    const at = (message: string) => ({ ...failed(message), source: "kubelet", timestamp: 0 });
    let n = 0;
    const name = () => `e${n++}`;
    c.observe(at("a"), name);
    c.observe(at("b"), name);
    expect(c.observe(at("a"), name).aggregate).toBe(true);
    c.observe(at("c"), name); // evicts b, the least recently used
    expect(c.size()).toBe(2);
    expect(c.observe(at("b"), name)).toMatchObject({ aggregate: false, count: 1 });
    expect(c.observe(at("c"), name)).toMatchObject({ aggregate: true, count: 2 });
  });
});
