// The informer's list+watch cache: initial list as ADDED, resume from the last version after a
// closed stream, relist with synthetic events after 410 Gone, back-off on errors (FakeClock).

import { describe, expect, it } from "vitest";
import { createInformer } from "../../../cluster/client/informer.js";
import { FakeClock, flushMicrotasks } from "../../../common/clock.js";
import { HarnessError } from "../../../common/errors.js";
import { FakeClient } from "./fake-client.js";
import type { Item } from "./fake-client.js";

function setup() {
  const clock = new FakeClock(0);
  const client = new FakeClient();
  const informer = createInformer<Item>(client, { clock });
  const seen: string[] = [];
  informer.on((type, o, old) => seen.push(`${type} ${o.name}=${o.value}${old === undefined ? "" : ` (was ${old.value})`}`));
  return { clock, client, informer, seen };
}

describe("informer", () => {
  it("lists, then watches from the list's resourceVersion", async () => {
    const { client, informer, seen } = setup();
    client.put("a", "1");
    client.put("b", "1");
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(seen).toEqual(["ADDED a=1", "ADDED b=1"]);
    // The watch asked for what came after the list, so the two creates are not delivered twice.
    expect(client.live().map((w) => w.fromRv)).toEqual(["2"]);
    client.put("a", "2");
    client.remove("b");
    expect(seen.slice(2)).toEqual(["MODIFIED a=2 (was 1)", "DELETED b=1 (was 1)"]);
    expect(informer.list().map((i) => i.name)).toEqual(["a"]);
    expect(informer.get({ namespace: "ns", name: "a" })?.value).toBe("2");
  });

  it("resumes a closed stream from the last version seen, without a relist", async () => {
    const { clock, client, informer, seen } = setup();
    client.put("a", "1");
    await informer.start();
    await clock.advance(5_000);
    client.put("a", "2");
    client.endAll({ reason: "closed" });
    // Changes while the stream was down are still in the server's history.
    client.put("b", "1");
    await flushMicrotasks();
    expect(client.lists).toBe(1);
    expect(client.live().map((w) => w.fromRv)).toEqual(["2"]);
    expect(seen).toEqual(["ADDED a=1", "MODIFIED a=2 (was 1)", "ADDED b=1"]);
  });

  it("backs off when a stream keeps closing at once", async () => {
    const { clock, client, informer } = setup();
    await informer.start();
    client.endAll({ reason: "closed" });
    await flushMicrotasks();
    expect(client.live()).toHaveLength(0);
    await clock.advance(799);
    expect(client.live()).toHaveLength(0);
    await clock.advance(1);
    expect(client.live()).toHaveLength(1);
  });

  it("relists on 410 Gone and turns the differences into synthetic events", async () => {
    const { client, informer, seen } = setup();
    client.put("keep", "1");
    client.put("change", "1");
    client.put("gone", "1");
    client.put("recreated", "1", "uid-old");
    await informer.start();
    seen.length = 0;
    client.endAll({ reason: "expired" });
    // What happened meanwhile is no longer in any history the watch could replay.
    client.putQuietly("change", "2");
    client.removeQuietly("gone");
    client.putQuietly("new", "1");
    client.putQuietly("recreated", "2", "uid-new");
    await flushMicrotasks();
    expect(client.lists).toBe(2);
    expect(seen.sort()).toEqual(["ADDED new=1", "ADDED recreated=2", "DELETED gone=1 (was 1)", "DELETED recreated=1 (was 1)", "MODIFIED change=2 (was 1)"]);
    expect(informer.list().map((i) => `${i.name}=${i.value}`).sort()).toEqual(["change=2", "keep=1", "new=1", "recreated=2"]);
    expect(client.live().map((w) => w.fromRv)).toEqual([String(client.rv)]);
  });

  it("backs off on the clock after a failed watch, doubling, then relists", async () => {
    const { clock, client, informer } = setup();
    await informer.start();
    client.failNextList = new HarnessError("unavailable", "connection refused");
    client.endAll({ reason: "error", error: new HarnessError("unavailable", "connection reset") });
    await flushMicrotasks();
    expect(client.lists).toBe(1);
    await clock.advance(800);
    // The relist failed too: the next try waits twice as long.
    expect(client.lists).toBe(2);
    expect(client.live()).toHaveLength(0);
    await clock.advance(1_599);
    expect(client.lists).toBe(2);
    await clock.advance(1);
    expect(client.lists).toBe(3);
    expect(client.live()).toHaveLength(1);
  });

  it("a bookmark moves the resume point", async () => {
    const { clock, client, informer } = setup();
    await informer.start();
    client.putQuietly("x", "1");
    client.bookmark();
    client.endAll({ reason: "closed" });
    await clock.advance(800);
    expect(client.live().map((w) => w.fromRv)).toEqual([String(client.rv)]);
    expect(client.lists).toBe(1);
  });

  it("a throwing handler does not stop the cache or the other handlers", async () => {
    const { client, informer, seen } = setup();
    const errors: string[] = [];
    const bad = createInformer<Item>(client, { clock: new FakeClock(0), log: (_l, msg) => errors.push(msg) });
    bad.on(() => {
      throw new Error("boom");
    });
    const after: string[] = [];
    bad.on((t, o) => after.push(`${t} ${o.name}`));
    await Promise.all([informer.start(), bad.start()]);
    client.put("a", "1");
    expect(after).toEqual(["ADDED a"]);
    expect(bad.get({ namespace: "ns", name: "a" })?.value).toBe("1");
    expect(errors).toEqual(["informer handler failed"]);
    expect(seen).toEqual(["ADDED a=1"]);
  });

  it("stop before the first list rejects start", async () => {
    const { client, informer } = setup();
    client.failNextList = new HarnessError("unavailable", "down");
    const started = informer.start();
    informer.stop();
    await expect(started).rejects.toThrow(/stopped before its first list/);
  });
});
