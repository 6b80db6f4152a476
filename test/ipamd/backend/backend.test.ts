// AddNetwork/DelNetwork in-process with a FakeClock: ordinary pods, the branch fail-then-success
// sequence, unknown pods, the UID guard, the bounded branch wait and the cnitool first-seen pod.

import { beforeEach, describe, expect, it } from "vitest";
import { recorderFor } from "../../../cluster/client/index.js";
import type { K8sContainer, K8sObject } from "../../../cluster/k8s/index.js";
import { POD_ENI_ANNOTATION, POD_ENI_RESOURCE } from "../../../common/names.js";
import { FakeClock } from "../../../common/clock.js";
import { HarnessError } from "../../../common/errors.js";
import { createBackend } from "../../../ipamd/backend/index.js";
import type { Backend } from "../../../ipamd/backend/index.js";
import { CLIENT_VERSION } from "../../../proto/rpc.js";
import type { AddNetworkRequest, DelNetworkRequest } from "../../../proto/rpc.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";
import type { TestCluster } from "../../helpers/cluster.js";
import { FakeDatastore, fakeNode, recordingLog, recordingMetrics } from "./fakes.js";

const add = (id: string, ns = "default", name = "pod"): AddNetworkRequest => ({
  K8S_POD_NAME: name, K8S_POD_NAMESPACE: ns, K8S_POD_INFRA_CONTAINER_ID: id, Netns: `/var/run/netns/${id}`,
  IfName: "eth0", NetworkName: "aws-cni", ContainerID: id, ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
});
const del = (id: string, ns = "default", name = "pod", uid = ""): DelNetworkRequest => ({
  K8S_POD_NAME: name, K8S_POD_NAMESPACE: ns, K8S_POD_INFRA_CONTAINER_ID: id, Reason: "PodDeleted",
  IfName: "eth0", NetworkName: "aws-cni", ContainerID: id, ClientVersion: CLIENT_VERSION, K8S_POD_UID: uid,
});
const ANNOTATION = JSON.stringify([
  { eniId: "eni-0b1", ifAddress: "06:74:5b:7b:54:3a", privateIp: "10.105.49.186", vlanId: 2, subnetCidr: "10.105.49.128/26" },
]);

// What the SGP webhook does: pods of namespace "sgp" get the pod-eni limit.
const webhook = (tc: TestCluster): void =>
  void tc.store.addAdmissionHook({ group: "", plural: "pods" }, (_op, o: K8sObject) => {
    if (o.metadata.namespace !== "sgp") return o;
    const [c, ...rest] = (o.spec as { containers: K8sContainer[] }).containers;
    const one = { [POD_ENI_RESOURCE]: "1" };
    return { ...o, spec: { ...(o.spec as object), containers: [{ ...(c as K8sContainer), resources: { limits: one, requests: one } }, ...rest] } };
  });
const annotate = (store: TestCluster, ns: string, name: string, value = ANNOTATION): void =>
  void store.patchPodMeta(ns, name, { annotations: { [POD_ENI_ANNOTATION]: value } });

describe("backend", () => {
  let clock: FakeClock;
  let store: TestCluster;
  let ds: FakeDatastore;
  let log: ReturnType<typeof recordingLog>;
  let metrics: ReturnType<typeof recordingMetrics>;
  let backend: Backend;

  let deps: () => Promise<Pick<Parameters<typeof createBackend>[0], "pods" | "events">>;

  beforeEach(async () => {
    clock = new FakeClock(1_000);
    store = testCluster(clock);
    webhook(store);
    ds = new FakeDatastore(["10.0.1.10", "10.0.1.11"], 1);
    log = recordingLog();
    metrics = recordingMetrics();
    deps = async () => ({ pods: await nodePodsOf(store, "node-1", { adopt: true }), events: recorderFor(store.cluster, { clock, source: "aws-node", host: "node-1" }) });
    backend = createBackend({ ...(await deps()), datastore: ds, node: fakeNode(), clock, log, metrics, branchProgress: (pod) => `progress of ${pod.uid}` });
  });

  it("gives an ordinary pod a datastore IP with device number, route table d+1 and the VPC CIDRs; same key, same IP", async () => {
    const r = await backend.addNetwork(add("c1"));
    expect(r.Success).toBe(true);
    expect(r.IPAllocationMetadata).toEqual([{ IPv4Addr: "10.0.1.10", IPv6Addr: "", DeviceNumber: 1, RouteTableId: 2 }]);
    expect(r.VPCv4CIDRs).toEqual(["10.0.0.0/16"]);
    expect(r.PodVlanId).toBe(0);
    expect((await backend.addNetwork(add("c1"))).IPAllocationMetadata[0]?.IPv4Addr).toBe("10.0.1.10");
    const d = await backend.delNetwork(del("c1"));
    expect(d.Success).toBe(true);
    expect(d.IPAllocationMetadata[0]?.IPv4Addr).toBe("10.0.1.10");
  });

  it("registers a pod first seen at its ADD and schedules it on this node (cnitool case)", async () => {
    await backend.addNetwork(add("c1", "default", "fresh"));
    const pod = store.getPod("default", "fresh");
    expect(pod?.uid).toMatch(/^uid-\d+$/);
    expect(pod?.nodeName).toBe("node-1");
    expect(pod?.scheduledAt).toBe(1_000);
    expect(store.listEvents({ name: "fresh" }).map((e) => e.reason)).toContain("Scheduled");
    expect(log.lines.some((l) => l.msg === "pod first seen at this ADD: registered and scheduled on this node just now")).toBe(true);
  });

  it("fails the first ADD of an SGP pod without annotation with Success=false and the real log line, then succeeds once annotated", async () => {
    store.createPod({ namespace: "sgp", name: "web", uid: "u-1", nodeName: "node-1" });
    const first = await backend.addNetwork(add("sandbox1", "sgp", "web"));
    expect(first.Success).toBe(false);
    expect(first.IPAllocationMetadata).toEqual([]);
    const line = log.lines.find((l) => l.msg === "Send AddNetworkReply: failed to get Branch ENI resource");
    expect(line?.obj.classification).toBe("transient-expected");
    expect(metrics.calls).toContain("fail:branch-eni-not-ready:transient-expected");
    const ev = store.listEvents({ name: "web" }).find((e) => e.reason === "AddNetworkFailed");
    expect(ev?.classification).toBe("transient-expected");
    expect(ev?.type).toBe("Normal"); // aws-node emits no Warning: counts stay those of a real cluster
    expect(ev?.source).toBe("aws-node");
    const details = "pod sgp/web (uid u-1), scheduled 0.0 s ago, needs a branch ENI (vpc.amazonaws.com/pod-eni limit) " +
      "and has no vpc.amazonaws.com/pod-eni annotation yet: progress of u-1";
    expect(ev?.attributes.details).toBe(details);
    // The same explanation travels beside the reply, for the server's trailers; the reply itself stays the real one.
    expect(first.failure).toEqual({ reason: "branch-eni-not-ready", details });
    // The failed sandbox's DEL: no lease, no annotation -> the real `datastore: unknown pod` error.
    await expect(backend.delNetwork(del("sandbox1", "sgp", "web", "u-1"))).rejects.toThrow("datastore: unknown pod");

    await clock.advance(1_500);
    annotate(store, "sgp", "web");
    const retry = await backend.addNetwork(add("sandbox2", "sgp", "web"));
    expect(retry).toMatchObject({
      Success: true, PodVlanId: 2, PodENIMAC: "06:74:5b:7b:54:3a", PodENISubnetGW: "10.105.49.129", ParentIfIndex: 42,
    });
    expect(retry.IPAllocationMetadata).toEqual([{ IPv4Addr: "10.105.49.186", IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }]);
    expect(ds.leases.size).toBe(0); // branch IPs never enter the datastore
  });

  it("accepts the vlanID spelling and rejects an annotation without a VLAN id", async () => {
    store.createPod({ namespace: "sgp", name: "a", nodeName: "node-1" });
    annotate(store, "sgp", "a", '[{"eniId":"eni-1","ifAddress":"0a:00:00:00:00:01","privateIp":"10.0.32.5","vlanID":7,"subnetCidr":"10.0.32.0/19"}]');
    expect(await backend.addNetwork(add("s1", "sgp", "a"))).toMatchObject({ Success: true, PodVlanId: 7, PodENISubnetGW: "10.0.32.1" });
    store.createPod({ namespace: "sgp", name: "b", nodeName: "node-1" });
    annotate(store, "sgp", "b", '[{"eniId":"eni-2","ifAddress":"0a:00:00:00:00:02","privateIp":"10.0.32.6","subnetCidr":"10.0.32.0/19"}]');
    expect((await backend.addNetwork(add("s2", "sgp", "b"))).Success).toBe(false);
    expect(metrics.calls).toContain("fail:branch-eni-annotation-invalid:real");
  });

  it("says in a refusal's details that an SGP pod was first seen at this ADD (cnitool case)", async () => {
    const r = await backend.addNetwork(add("c1", "sgp", "new"));
    expect(r.failure?.reason).toBe("branch-eni-not-ready");
    const uid = store.getPod("sgp", "new")?.uid ?? "";
    expect(r.failure?.details).toBe(`pod sgp/new (uid ${uid}), first seen at this ADD: registered and scheduled on this node just now, ` +
      `needs a branch ENI (vpc.amazonaws.com/pod-eni limit) and has no vpc.amazonaws.com/pod-eni annotation yet: progress of ${uid}`);
  });

  it("fails the branch path when the node has no trunk ENI", async () => {
    const b = createBackend({ ...(await deps()), datastore: ds, node: fakeNode({ trunk: undefined }), clock, log, metrics });
    store.createPod({ namespace: "sgp", name: "x", nodeName: "node-1" });
    annotate(store, "sgp", "x");
    const r = await b.addNetwork(add("s", "sgp", "x"));
    expect(r.Success).toBe(false);
    expect(r.failure).toEqual({ reason: "no-trunk-eni", details: "pod sgp/x: Send AddNetworkReply: No trunk ENI found, cannot add a pod ENI" });
    expect(metrics.calls).toContain("fail:no-trunk-eni:real");
  });

  it("answers DEL of a branch pod from the annotation, and guards it with the pod UID", async () => {
    store.createPod({ namespace: "sgp", name: "web", uid: "u-1", nodeName: "node-1" });
    annotate(store, "sgp", "web");
    const ok = await backend.delNetwork(del("s2", "sgp", "web", "u-1"));
    expect(ok).toMatchObject({ Success: true, PodVlanId: 2 });
    expect(ok.IPAllocationMetadata[0]?.IPv4Addr).toBe("10.105.49.186");
    await expect(backend.delNetwork(del("s2", "sgp", "web", "u-old"))).rejects.toThrow("datastore: unknown pod");
    expect(metrics.calls).toContain("podEniError:uidMismatch");
  });

  it("DEL of a pod the API server no longer has succeeds (ipamd: pod not found)", async () => {
    expect((await backend.delNetwork(del("gone", "default", "nobody"))).Success).toBe(true);
  });

  it("DEL without lease and without pod name is `datastore: unknown pod` (a HarnessError not-found)", async () => {
    const err = await backend.delNetwork(del("c9", "", "")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarnessError);
    expect((err as HarnessError).kind).toBe("not-found");
    expect((err as HarnessError).message).toBe("datastore: unknown pod");
  });

  it("reports exhaustion as Success=false with the real text, classified real", async () => {
    await backend.addNetwork(add("a"));
    await backend.addNetwork(add("b"));
    const refused = await backend.addNetwork(add("c"));
    expect(refused.Success).toBe(false);
    expect(refused.failure).toEqual({ reason: "no-available-ip", details: "pod default/pod: AssignPodIPAddress: no available IP/Prefix addresses" });
    expect(log.lines.some((l) => l.msg === "AssignPodIPAddress: no available IP/Prefix addresses" && l.level === "warn")).toBe(true);
    expect(metrics.calls).toContain("fail:no-available-ip:real");
  });

  it("rejects a request without its key fields, naming them, and touches nothing", async () => {
    const bad = { ...add("c1"), ContainerID: "", IfName: "" };
    await expect(backend.addNetwork(bad)).rejects.toThrow("missing required field(s) ContainerID, IfName");
    await expect(backend.addNetwork({ ...add("c1"), IfName: "a/b" })).rejects.toThrow('invalid IfName: interface name "a/b"');
    expect(ds.leases.size).toBe(0);
  });

  it("answers UNAVAILABLE-kind errors while the ipamd_down fault is on", async () => {
    backend.setDown(true);
    await expect(backend.addNetwork(add("c1"))).rejects.toMatchObject({ kind: "unavailable" });
    await expect(backend.delNetwork(del("c1"))).rejects.toMatchObject({ kind: "unavailable" });
    backend.setDown(false);
    expect((await backend.addNetwork(add("c1"))).Success).toBe(true);
  });

  describe("bounded wait for the branch ENI", () => {
    it("succeeds without a failed ADD when the annotation lands within the bound", async () => {
      backend.setBranchWait(5_000);
      store.createPod({ namespace: "sgp", name: "w", nodeName: "node-1" });
      const pending = backend.addNetwork(add("s1", "sgp", "w"));
      await clock.advance(1_200);
      annotate(store, "sgp", "w");
      const r = await pending;
      expect(r.Success).toBe(true);
      expect(clock.now()).toBe(2_200);
      expect(metrics.calls).toContain("wait:ready:1200");
      expect(metrics.calls.some((c) => c.startsWith("fail:"))).toBe(false);
    });

    it("fails after exactly the bound when the annotation does not come", async () => {
      backend.setBranchWait(3_000);
      store.createPod({ namespace: "sgp", name: "w", nodeName: "node-1" });
      let settled = false;
      const pending = backend.addNetwork(add("s1", "sgp", "w")).finally(() => void (settled = true));
      await clock.advance(2_999);
      expect(settled).toBe(false);
      await clock.advance(1);
      const r = await pending;
      expect(r.Success).toBe(false);
      expect(r.failure?.details).toContain("has no vpc.amazonaws.com/pod-eni annotation yet after waiting 3.0 s for it: progress of");
      expect(metrics.calls).toContain("wait:timeout:3000");
    });

    it("refuses a negative bound, and one longer than a timer can wait (Node would end it after 1 ms)", () => {
      expect(() => backend.setBranchWait(-1)).toThrow("branch wait");
      expect(() => backend.setBranchWait(2 ** 31)).toThrow("branch wait must be a duration from 0 to 2147483647 ms");
      expect(backend.branchWaitMs()).toBe(0);
      backend.setBranchWait(2 ** 31 - 1);
      expect(backend.branchWaitMs()).toBe(2 ** 31 - 1);
    });
  });
});
