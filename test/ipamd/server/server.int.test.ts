// The gRPC server in-process on a temp Unix socket: ClientVersion check, health, malformed and
// incomplete requests, error codes the plugin relies on, the control API and its streams.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorderFor } from "../../../cluster/client/index.js";
import type { K8sContainer, K8sObject } from "../../../cluster/k8s/index.js";
import { POD_ENI_RESOURCE } from "../../../common/names.js";
import { systemClock } from "../../../common/clock.js";
import type { ControllerFaults, ProvisioningDelay } from "../../../controller/types.js";
import { createBackend } from "../../../ipamd/backend/index.js";
import type { Backend } from "../../../ipamd/backend/index.js";
import { cniBackendClient, controlClient, startGrpcServer } from "../../../ipamd/server/index.js";
import type { CniBackendClient, ControlClient, Event, RunningGrpcServer } from "../../../ipamd/server/index.js";
import { ADD_NETWORK_PATH, CLIENT_VERSION } from "../../../proto/rpc.js";
import { FakeDatastore, fakeNode, recordingLog } from "../backend/fakes.js";
import { eventually } from "../../helpers/wait.js";
import { nodePodsOf, testCluster } from "../../helpers/cluster.js";

const addReq = (id: string, over: Record<string, unknown> = {}) => ({
  K8S_POD_NAME: "p", K8S_POD_NAMESPACE: "default", ContainerID: id, IfName: "eth0", NetworkName: "aws-cni",
  Netns: "/proc/1/ns/net", ClientVersion: CLIENT_VERSION, ...over,
});

describe("ipamd gRPC server (in-process, Unix socket)", () => {
  let dir: string;
  let server: RunningGrpcServer;
  let cni: CniBackendClient;
  let control: ControlClient;
  let delay: ProvisioningDelay = { kind: "fixed", fixedMs: 1500 };
  let faults: ControllerFaults;
  const tc = testCluster(systemClock);
  // What the SGP webhook does: pods of namespace "sgp" get the pod-eni limit.
  tc.store.addAdmissionHook({ group: "", plural: "pods" }, (_op, o: K8sObject) => {
    if (o.metadata.namespace !== "sgp") return o;
    const [c, ...rest] = (o.spec as { containers: K8sContainer[] }).containers;
    return { ...o, spec: { ...(o.spec as object), containers: [{ ...(c as K8sContainer), resources: { limits: { [POD_ENI_RESOURCE]: "1" } } }, ...rest] } };
  });
  let backend: Backend;
  const newBackend = async (ips: string[]): Promise<Backend> =>
    createBackend({ datastore: new FakeDatastore(ips), pods: await nodePodsOf(tc, "node-1", { adopt: true }), events: recorderFor(tc.cluster, { clock: systemClock, source: "aws-node" }), node: fakeNode(), clock: systemClock, log: recordingLog() });

  beforeAll(async () => {
    backend = await newBackend(["10.0.1.5", "10.0.1.6"]);
    dir = mkdtempSync(join(tmpdir(), "ipamd-server-"));
    faults = { ec2ThrottleRate: 0, ec2FailureRate: 0, branchAllocationFailureRate: 0, annotationFailureRate: 0, branchCapacityOverride: -1, subnetExhausted: false };
    server = await startGrpcServer({
      listen: `unix://${dir}/sub/ipamd.sock`,
      backend,
      log: recordingLog(),
      control: {
        cluster: tc.cluster,
        clock: systemClock,
        recorder: recorderFor(tc.cluster, { clock: systemClock, source: "harness" }),
        nodeName: "node-1",
        backend,
        controller: {
          setProvisioningDelay: (d) => (delay = d),
          setFaults: (f) => (faults = { ...faults, ...f }),
        },
        inspect: {
          enis: () => { throw new Error("boom: inspection broke"); },
          leases: () => [],
          node: () => ({ name: "node-1", instance_type: "m5.large", capacity: {}, trunk_eni_id: "eni-t", trunk_ifindex: 42, subnet_cidr: "10.0.0.0/19", max_pods: 29 }),
        },
      },
      controlListen: `unix://${dir}/sub/control.sock`,
    });
    cni = cniBackendClient(server.address);
    control = controlClient(String(server.controlAddress));
  });
  afterAll(async () => {
    cni?.close();
    control?.close();
    await server?.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on a Unix socket of mode 0660 in a created parent directory", () => {
    expect(server.address).toBe(`unix://${dir}/sub/ipamd.sock`);
    const st = statSync(join(dir, "sub", "ipamd.sock"));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
  });

  it("serves the control API only on its own socket, mode 0600; the CNI socket answers UNIMPLEMENTED for it", async () => {
    expect(server.controlAddress).toBe(`unix://${dir}/sub/control.sock`);
    expect(statSync(join(dir, "sub", "control.sock")).mode & 0o777).toBe(0o600);
    expect((await control.GetNode({}, { timeoutMs: 5000 })).name).toBe("node-1");
    const onCniSocket = controlClient(server.address);
    try {
      await expect(onCniSocket.GetNode({}, { timeoutMs: 5000 })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      onCniSocket.close();
    }
  });

  it("refuses a socket another server still answers on, and removes a stale one", async () => {
    await expect(startGrpcServer({ listen: server.address, backend, log: recordingLog() })).rejects.toThrow(/another process is listening on/);
    // A stale socket: its process died (SIGKILL) before it could unlink it.
    const stale = `${dir}/stale.sock`;
    const crashed = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, "SIGKILL"))`]);
    await new Promise((r) => crashed.once("exit", r));
    expect(statSync(stale).isSocket()).toBe(true);
    const own = await newBackend(["10.9.9.9"]);
    const fresh = await startGrpcServer({ listen: `unix://${stale}`, backend: own, log: recordingLog() });
    const client = cniBackendClient(fresh.address);
    expect((await client.AddNetwork(addReq("stale-1"))).Success).toBe(true);
    await client.DelNetwork({ ...addReq("stale-1"), Reason: "x" });
    client.close();
    await fresh.close(100);
  });

  it("serves AddNetwork and DelNetwork", async () => {
    const r = await cni.AddNetwork(addReq("c1"));
    expect(r.Success).toBe(true);
    expect(r.IPAllocationMetadata[0]?.IPv4Addr).toBe("10.0.1.5");
    expect((await cni.DelNetwork({ ...addReq("c1"), Reason: "PodDeleted" })).Success).toBe(true);
  });

  it("rejects a wrong ClientVersion with FAILED_PRECONDITION and ipamd's text", async () => {
    const err = (await cni.AddNetwork(addReq("c2", { ClientVersion: "v0.0.1" })).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(err.details).toBe(`wrong client version "v0.0.1" (!= "${CLIENT_VERSION}")`);
  });

  it("answers DelNetwork of an unknown container with UNKNOWN `datastore: unknown pod` (a plain Go error in ipamd)", async () => {
    const err = (await cni.DelNetwork({ ...addReq("nope"), K8S_POD_NAME: "", Reason: "x" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNKNOWN);
    expect(err.details).toBe("datastore: unknown pod");
  });

  it("answers INVALID_ARGUMENT naming missing fields, and for undecodable bytes, and keeps serving", async () => {
    const err = (await cni.AddNetwork(addReq("", { IfName: "" })).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toContain("ContainerID, IfName");
    const raw = new grpc.Client(server.address, grpc.credentials.createInsecure());
    const garbage = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(ADD_NETWORK_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x08, 0xff]), (e) => resolve(e)),
    );
    raw.close();
    expect(garbage?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage?.details).toMatch(/AddNetwork: malformed request/);
    expect((await cni.AddNetwork(addReq("c3"))).Success).toBe(true);
  });

  const health = async (): Promise<string> => {
    const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
    const Health = (grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } }).grpc.health.v1.Health;
    const h = new Health(server.address, grpc.credentials.createInsecure());
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      (h as unknown as { Check: (r: unknown, cb: (e: Error | null, r: { status: string }) => void) => void }).Check({ service: "grpc.health.v1.aws-node" }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    h.close();
    return res.status;
  };

  it("reports grpc.health.v1.aws-node as SERVING", async () => {
    expect(await health()).toBe("SERVING");
  });

  it("control API: pods, policies, events (with a watch stream), delay, faults, branch wait", async () => {
    const seen: Event[] = [];
    const stream = control.WatchEvents({ send_initial: false });
    stream.on("data", (e: Event) => seen.push(e));
    stream.on("error", () => {});
    // The watch is attached once an event recorded now reaches it (instead of sleeping).
    const marker = { type: "Normal", reason: "WatchAttached", message: "marker", involved_object: { kind: "Pod", namespace: "other", name: "marker", uid: "m" }, source: "test" };
    await eventually("the event watch to attach", async () => {
      await control.RecordEvent(marker);
      return seen.some((e) => e.reason === "WatchAttached");
    });
    const pod = await control.CreatePod({ namespace: "sgp", name: "web", labels: { app: "web" }, schedule: true });
    expect(pod).toMatchObject({ namespace: "sgp", name: "web", node_name: "node-1", labels: { app: "web" } });
    expect(pod.uid).not.toBe("");
    expect(pod.resources.limits[POD_ENI_RESOURCE]).toBe("1");
    expect((await control.GetPod({ namespace: "sgp", name: "web" })).uid).toBe(pod.uid);
    expect((await control.ListPods({ namespace: "sgp" })).pods).toHaveLength(1);
    const missing = (await control.GetPod({ namespace: "sgp", name: "nobody" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
    const dup = (await control.CreatePod({ namespace: "sgp", name: "web" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(dup.code).toBe(grpc.status.ALREADY_EXISTS);

    expect(await control.ApplySecurityGroupPolicy({ namespace: "sgp", name: "p1", pod_selector: { app: "web" } })).toMatchObject({ security_group_ids: ["sg-harness"] });
    await control.RecordEvent({ type: "Warning", reason: "FailedCreatePodSandBox", message: "x", involved_object: { kind: "Pod", namespace: "sgp", name: "web", uid: pod.uid }, source: "kubelet", classification: "transient-expected" });
    const events = (await control.ListEvents({ namespace: "sgp", name: "web" })).events.map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(["Scheduled", "FailedCreatePodSandBox"]));
    await eventually("both events on the watch", () => ["Scheduled", "FailedCreatePodSandBox"].every((r) => seen.some((e) => e.reason === r)));
    stream.cancel();

    expect(await control.SetProvisioningDelay({ kind: "uniform", min_ms: 100, max_ms: 200 })).toMatchObject({ kind: "uniform", min_ms: 100, max_ms: 200 });
    expect(delay).toEqual({ kind: "uniform", minMs: 100, maxMs: 200 });
    const badDelay = (await control.SetProvisioningDelay({ kind: "soon" }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(badDelay.code).toBe(grpc.status.INVALID_ARGUMENT);

    expect(await control.SetBranchWait({ max_wait_ms: 2500 })).toEqual({ max_wait_ms: 2500 });
    expect(backend.branchWaitMs()).toBe(2500);
    await control.SetBranchWait({ max_wait_ms: 0 });

    expect(await control.SetFaults({ annotation_failure_rate: 0.5, ipamd_down: true })).toMatchObject({ annotation_failure_rate: 0.5, ipamd_down: true, branch_capacity_override: -1 });
    const down = (await cni.AddNetwork(addReq("c9")).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(down.code).toBe(grpc.status.UNAVAILABLE);
    expect(await health()).toBe("NOT_SERVING");
    await control.SetFaults({});
    expect(await health()).toBe("SERVING");
    expect((await cni.AddNetwork(addReq("c9"))).Success).toBe(true);

    expect((await control.GetNode({})).trunk_ifindex).toBe(42);
  });

  it("turns an unexpected exception into INTERNAL with its message", async () => {
    const err = (await control.ListENIs({}).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toContain("boom: inspection broke");
    expect((await control.ListLeases({})).leases).toEqual([]);
  });
});
