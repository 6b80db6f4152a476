// The kube backend against the embedded API server as its own process (`vpc-cni-harness
// api-server`): every verb of the seam on pods, nodes (+ status), SGPs, CNINodes and events, the
// preconditions sent in the patch's metadata, watches and an informer over HTTPS, the event
// recorder's aggregation, retryOnConflict, and a deadline on a server that never answers.

import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInformer, recorderFor, retryOnConflict } from "../../../../cluster/client/index.js";
import type { ClientWatchEvent } from "../../../../cluster/client/index.js";
import { createKubeCluster } from "../../../../cluster/client/kube/index.js";
import type { KubeCluster } from "../../../../cluster/client/kube/index.js";
import { buildCniNode, buildNode, buildPod, buildSgp } from "../../../../cluster/k8s/index.js";
import type { PodObject } from "../../../../cluster/k8s/index.js";
import { systemClock } from "../../../../common/clock.js";
import { isHarnessError } from "../../../../common/errors.js";
import { startApiServerProcess } from "../../../helpers/apiserver.js";
import type { StartedApiServer } from "../../../helpers/apiserver.js";
import { eventually } from "../../../helpers/wait.js";

describe("kube backend against the api-server process", () => {
  let api: StartedApiServer;
  let cluster: KubeCluster;

  beforeAll(async () => {
    api = await startApiServerProcess({ args: ["--no-scheduler"] });
    cluster = createKubeCluster({ kubeconfig: api.kubeconfig });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it("pods: create, get, list by field selector, merge patch with UID and resourceVersion preconditions, bind, delete", async () => {
    const pod = await cluster.pods.create(buildPod({ namespace: "default", name: "web", labels: { app: "web" } }));
    expect(pod).toMatchObject({ namespace: "default", name: "web", nodeName: "", labels: { app: "web" } });
    expect(pod.uid).not.toBe("");
    expect(await cluster.pods.get({ namespace: "default", name: "nope" })).toBeUndefined();
    await cluster.pods.bind(pod, "node-a");
    const bound = await cluster.pods.get(pod);
    expect(bound?.nodeName).toBe("node-a");
    expect(bound?.scheduledAt).toBeGreaterThan(0);
    const onA = await cluster.pods.list({ fieldSelector: "spec.nodeName=node-a" });
    expect(onA.items.map((p) => p.name)).toEqual(["web"]);
    expect((await cluster.pods.list({ fieldSelector: "spec.nodeName=node-b" })).items).toEqual([]);
    // The annotation PATCH as the controller sends it: merge patch, metadata.uid as precondition.
    const annotated = await cluster.pods.patch(pod, { metadata: { annotations: { "vpc.amazonaws.com/pod-eni": "[]" } } }, { uid: pod.uid });
    expect(annotated.annotations["vpc.amazonaws.com/pod-eni"]).toBe("[]");
    const wrongUid = await cluster.pods.patch(pod, { metadata: { annotations: { x: "1" } } }, { uid: "00000000-0000-0000-0000-000000000000" }).catch((e: unknown) => e);
    expect(wrongUid).toMatchObject({ kind: "conflict" });
    const stale = await cluster.pods.patch(pod, { metadata: { annotations: { x: "1" } } }, { resourceVersion: pod.resourceVersion }).catch((e: unknown) => e);
    expect(stale).toMatchObject({ kind: "conflict" });
    expect((await cluster.pods.get(pod))?.annotations.x).toBeUndefined();
    await expect(cluster.pods.create(buildPod({ namespace: "default", name: "web" }))).rejects.toMatchObject({ kind: "already-exists" });
    // Bound: graceful (deletionTimestamp), then gone with grace 0.
    await cluster.pods.delete(pod);
    expect((await cluster.pods.get(pod))?.deletedAt).toBeDefined();
    await cluster.pods.delete(pod, { gracePeriodSeconds: 0, uid: pod.uid });
    expect(await cluster.pods.get(pod)).toBeUndefined();
    await expect(cluster.pods.delete(pod)).rejects.toMatchObject({ kind: "not-found" });
  });

  it("nodes through the status subresource, SGPs and CNINodes (the CRDs)", async () => {
    await cluster.nodes.create(buildNode({ name: "n1", instanceType: "m5.large", capacity: { pods: "29" }, now: new Date().toISOString() }));
    const n = await cluster.nodes.patch({ namespace: "", name: "n1" }, { status: { capacity: { "vpc.amazonaws.com/pod-eni": "9" }, allocatable: { "vpc.amazonaws.com/pod-eni": "9" } } }, { subresource: "status" });
    expect(n).toMatchObject({ instanceType: "m5.large", capacity: { pods: "29", "vpc.amazonaws.com/pod-eni": "9" }, ready: true });
    const sgp = await cluster.sgps.create(buildSgp({ namespace: "default", name: "db", podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["db"] }] }, securityGroupIds: ["sg-0123456789abcdef0"] }));
    expect(sgp.podSelector).toEqual({ matchExpressions: [{ key: "app", operator: "In", values: ["db"] }] });
    const cnd = await cluster.cniNodes.create(buildCniNode("n1"));
    expect(cnd.features).toEqual([{ name: "SecurityGroupsForPods", value: "" }]);
    expect((await api.kubectl(["get", "cnd", "n1", "-o", "jsonpath={.spec.features[0].name}"])).stdout).toBe("SecurityGroupsForPods");
  });

  it("a watch from a list's version sees the changes after it; an informer keeps a cache over HTTPS", async () => {
    const ns = await api.http("POST", "/api/v1/namespaces", { body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "watch" } }), contentType: "application/json" });
    expect(ns.status).toBe(201);
    const { resourceVersion } = await cluster.pods.list({ namespace: "watch" });
    const seen: string[] = [];
    const w = cluster.pods.watch({ namespace: "watch", resourceVersion }, (e: ClientWatchEvent<PodObject>) => {
      if (e.type !== "BOOKMARK") seen.push(`${e.type} ${e.object.name}`);
    });
    const informer = createInformer(cluster.pods, { clock: systemClock, select: { namespace: "watch" } });
    await informer.start();
    const p = await cluster.pods.create(buildPod({ namespace: "watch", name: "w1" }));
    await cluster.pods.patch(p, { metadata: { labels: { v: "2" } } });
    await eventually("the watch to see w1 created and changed", () => seen.join(",") === "ADDED w1,MODIFIED w1");
    await eventually("the informer's cache to hold the change", () => informer.get(p)?.labels.v === "2");
    w.stop();
    expect(await w.ended).toEqual({ reason: "stopped" });
    informer.stop();
  });

  it("events: the recorder creates one Event, aggregates the repeat into count 2, kubectl shows it", async () => {
    const pod = await cluster.pods.create(buildPod({ namespace: "default", name: "ev" }));
    const rec = recorderFor(cluster, { clock: systemClock, source: "kubelet", host: "n1" });
    const e = { type: "Warning" as const, reason: "FailedCreatePodSandBox", message: "boom", involvedObject: { kind: "Pod", namespace: "default", name: "ev", uid: pod.uid }, classification: "transient-expected" as const };
    rec.record(e);
    rec.record(e);
    await rec.flush();
    expect(rec.stats()).toMatchObject({ written: 2, failed: 0 });
    const events = (await cluster.events.list({ namespace: "default", fieldSelector: `involvedObject.uid=${pod.uid}` })).items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 2, source: "kubelet", host: "n1", classification: "transient-expected", reason: "FailedCreatePodSandBox" });
    const described = await api.kubectl(["describe", "pod", "ev"]);
    expect(described.stdout).toMatch(/Warning\s+FailedCreatePodSandBox\s+.*\(x2 over .*\)\s+kubelet\s+boom/);
  });

  it("retryOnConflict: a write with a stale version retries on a fresh read and lands", async () => {
    const pod = await cluster.pods.create(buildPod({ namespace: "default", name: "rc" }));
    await cluster.pods.patch(pod, { metadata: { labels: { by: "someone-else" } } });
    let tries = 0;
    await retryOnConflict(systemClock, async () => {
      const cur = tries++ === 0 ? pod : await cluster.pods.get(pod);
      await cluster.pods.patch(pod, { metadata: { labels: { n: String(tries) } } }, { resourceVersion: cur?.resourceVersion ?? "" });
    });
    expect(tries).toBe(2);
    expect((await cluster.pods.get(pod))?.labels).toEqual({ by: "someone-else", n: "2" });
  });

  it("errors map to the seam's kinds: a malformed create is invalid, not a crash", async () => {
    const bad = { ...buildSgp({ namespace: "default", name: "bad", securityGroupIds: ["sg-1"] }), spec: { securityGroups: { groupIds: "not-a-list" } } };
    const e = await cluster.sgps.create(bad as never).catch((x: unknown) => x);
    expect(isHarnessError(e) && ["invalid", "invalid-argument"].includes(e.kind)).toBe(true);
  });
});

describe("kube backend: a deadline on every call", () => {
  let server: Server;
  let dir: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers.
    server = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    dir = mkdtempSync(join(tmpdir(), "kube-deadline-"));
    const port = (server.address() as AddressInfo).port;
    writeFileSync(join(dir, "kubeconfig"), [
      "apiVersion: v1", "kind: Config", "current-context: c",
      `clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
      "users: [{ name: u, user: { token: t } }]", "contexts: [{ name: c, context: { cluster: c, user: u } }]",
    ].join("\n"));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a server that never answers: the call fails with deadline when its timeout passes", async () => {
    const c = createKubeCluster({ kubeconfig: join(dir, "kubeconfig") });
    await expect(c.pods.get({ namespace: "default", name: "x" }, { timeoutMs: 300 })).rejects.toMatchObject({ kind: "deadline" });
    await expect(c.pods.list({ timeoutMs: 300 })).rejects.toMatchObject({ kind: "deadline" });
  });

  it("no --kubeconfig outside a pod is a configuration error naming what is missing", () => {
    expect(() => createKubeCluster({ kubeconfig: join(dir, "missing") })).toThrow(/--kubeconfig .*missing: no such file/);
  });
});
