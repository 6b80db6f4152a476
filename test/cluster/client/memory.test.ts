// The memory backend: every call is done before it returns (settled promises), watch deliveries
// happen inside the write, preconditions and errors are the seam's HarnessErrors, a too-old
// version ends a watch as "expired", and pods/binding binds.

import { describe, expect, it } from "vitest";
import { createMemoryCluster } from "../../../cluster/client/index.js";
import type { ClientWatchEvent, WatchEnd } from "../../../cluster/client/index.js";
import { buildPod, buildSgp } from "../../../cluster/k8s/index.js";
import type { PodObject } from "../../../cluster/k8s/index.js";
import { createObjectStore } from "../../../cluster/store/index.js";
import { FakeClock } from "../../../common/clock.js";

function setup(limits = {}) {
  const clock = new FakeClock(1_000);
  const store = createObjectStore({ clock, limits });
  const cluster = createMemoryCluster(store, { autoCreateNamespaces: true });
  return { clock, store, cluster };
}

describe("memory backend", () => {
  it("a write is done, and seen by a watcher, before the call returns", async () => {
    const { cluster } = setup();
    const { resourceVersion } = await cluster.pods.list();
    const seen: string[] = [];
    cluster.pods.watch({ resourceVersion }, (e) => e.type !== "BOOKMARK" && seen.push(`${e.type} ${e.object.name}`));
    const created = cluster.pods.create(buildPod({ namespace: "ns", name: "a", nodeName: "n1" }));
    expect(seen).toEqual(["ADDED a"]);
    const pod = await created;
    expect(pod).toMatchObject({ namespace: "ns", name: "a", nodeName: "n1", createdAt: 1_000 });
    expect(typeof pod.resourceVersion).toBe("string");
  });

  it("get answers undefined for a missing object; errors are HarnessErrors with the API's kinds", async () => {
    const { cluster } = setup();
    expect(await cluster.pods.get({ namespace: "ns", name: "nope" })).toBeUndefined();
    await cluster.pods.create(buildPod({ namespace: "ns", name: "a" }));
    await expect(cluster.pods.create(buildPod({ namespace: "ns", name: "a" }))).rejects.toMatchObject({ kind: "already-exists" });
    await expect(cluster.pods.patch({ namespace: "ns", name: "nope" }, { metadata: { labels: { x: "1" } } })).rejects.toMatchObject({ kind: "not-found" });
    await expect(cluster.pods.delete({ namespace: "ns", name: "nope" })).rejects.toMatchObject({ kind: "not-found" });
  });

  it("merge patch with UID and resourceVersion preconditions: conflicts leave the object as it was", async () => {
    const { cluster } = setup();
    const pod = await cluster.pods.create(buildPod({ namespace: "ns", name: "a" }));
    await expect(cluster.pods.patch(pod, { metadata: { annotations: { k: "v" } } }, { uid: "someone-else" })).rejects.toMatchObject({
      kind: "conflict", message: expect.stringContaining("Precondition failed: UID in precondition: someone-else"),
    });
    const patched = await cluster.pods.patch(pod, { metadata: { annotations: { k: "v" } } }, { uid: pod.uid, resourceVersion: pod.resourceVersion });
    expect(patched.annotations).toEqual({ k: "v" });
    await expect(cluster.pods.patch(pod, { metadata: { annotations: { k: "w" } } }, { resourceVersion: pod.resourceVersion })).rejects.toMatchObject({ kind: "conflict" });
    expect((await cluster.pods.get(pod))?.annotations).toEqual({ k: "v" });
  });

  it("binds through pods/binding (spec.nodeName + PodScheduled) and writes node status through the subresource", async () => {
    const { clock, cluster } = setup();
    const pod = await cluster.pods.create(buildPod({ namespace: "ns", name: "a" }));
    await clock.advance(500);
    await cluster.pods.bind(pod, "n1");
    expect(await cluster.pods.get(pod)).toMatchObject({ nodeName: "n1", scheduledAt: 1_500 });
    await expect(cluster.pods.bind(pod, "n2")).rejects.toMatchObject({ kind: "conflict" });
  });

  it("a watch from a version the store no longer holds ends as expired (410), so an informer relists", async () => {
    const { cluster } = setup({ historyPerResource: 2 });
    const { resourceVersion } = await cluster.sgps.list();
    for (let i = 0; i < 5; i++) await cluster.sgps.create(buildSgp({ namespace: "ns", name: `p${i}`, podSelector: {}, securityGroupIds: ["sg-1"] }));
    const events: ClientWatchEvent<unknown>[] = [];
    const w = cluster.sgps.watch({ resourceVersion }, (e) => events.push(e));
    const end: WatchEnd = await w.ended;
    expect(end).toEqual({ reason: "expired" });
    expect(events).toEqual([]);
  });

  it("graceful deletion of a bound pod: MODIFIED with deletionTimestamp, gone only after grace 0", async () => {
    const { cluster } = setup();
    const pod = await cluster.pods.create(buildPod({ namespace: "ns", name: "a", nodeName: "n1" }));
    const { resourceVersion } = await cluster.pods.list();
    const seen: string[] = [];
    cluster.pods.watch({ resourceVersion }, (e) => e.type !== "BOOKMARK" && seen.push(`${e.type} ${(e.object as PodObject).deletedAt === undefined ? "live" : "terminating"}`));
    await cluster.pods.delete(pod);
    expect(seen).toEqual(["MODIFIED terminating"]);
    await cluster.pods.delete(pod, { gracePeriodSeconds: 0, uid: pod.uid });
    expect(seen).toEqual(["MODIFIED terminating", "DELETED terminating"]);
    expect(await cluster.pods.get(pod)).toBeUndefined();
  });
});
