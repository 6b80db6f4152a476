// mock-ipamd as a process on a temp Unix socket: the branch fail-then-success sequence, the
// cnitool first-seen pod, the bounded branch wait, health and version check, introspection and
// metrics, and a clean SIGTERM. (Concurrency, restart and kill -9: daemon-durability.int.test.ts.)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POD_ENI_ANNOTATION } from "../../common/names.js";
import { ADD_NETWORK_PATH, CLIENT_VERSION } from "../../proto/rpc.js";
import type { CniBackendClient, StartedDaemon } from "../helpers/daemon.js";
import { cniBackendClient, startDaemon } from "../helpers/daemon.js";

const addReq = (id: string, ns: string, name: string) => ({
  K8S_POD_NAME: name, K8S_POD_NAMESPACE: ns, K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id, IfName: "eth0",
  NetworkName: "aws-cni", Netns: `/var/run/netns/cni-${id}`, ClientVersion: CLIENT_VERSION,
});
const delReq = (id: string, ns: string, name: string, uid = "") => ({ ...addReq(id, ns, name), Reason: "PodDeleted", K8S_POD_UID: uid });

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("mock-ipamd daemon", () => {
  describe("branch ENI path", () => {
    let d: StartedDaemon;
    let cni: CniBackendClient;
    beforeAll(async () => {
      d = await startDaemon({ args: ["--sgp-namespace", "sgp", "--provisioning-delay", "400ms"] });
      cni = cniBackendClient(d.address);
    });
    afterAll(async () => {
      cni?.close();
      await d?.stop();
    });

    it("fails the first ADD of an SGP pod (Success=false), then succeeds once the controller annotated it", async () => {
      const pod = await d.control.CreatePod({ namespace: "sgp", name: "web", schedule: true });
      const first = await cni.AddNetwork(addReq("sandbox-1", "sgp", "web"));
      expect(first.Success).toBe(false);
      expect(d.logs.some((l) => l.msg === "Send AddNetworkReply: failed to get Branch ENI resource" && l.classification === "transient-expected")).toBe(true);
      // containerd's DEL after the failed ADD: ipamd answers `datastore: unknown pod` (UNKNOWN).
      const delErr = (await cni.DelNetwork(delReq("sandbox-1", "sgp", "web", pod.uid)).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(delErr.details).toBe("datastore: unknown pod");

      const annotated = await until("annotation", async () => {
        const p = await d.control.GetPod({ namespace: "sgp", name: "web" });
        return p.annotations[POD_ENI_ANNOTATION] === undefined ? undefined : p;
      });
      const eni = (JSON.parse(annotated.annotations[POD_ENI_ANNOTATION] as string) as { vlanId: number; privateIp: string; ifAddress: string }[])[0];
      const retry = await cni.AddNetwork(addReq("sandbox-2", "sgp", "web"));
      expect(retry).toMatchObject({ Success: true, PodVlanId: eni?.vlanId, PodENIMAC: eni?.ifAddress, PodENISubnetGW: "10.0.32.1", ParentIfIndex: 0 });
      expect(retry.IPAllocationMetadata).toEqual([{ IPv4Addr: eni?.privateIp, IPv6Addr: "", DeviceNumber: -1, RouteTableId: 0 }]);
      expect((await d.control.ListLeases({})).leases.some((l) => l.ipv4 === eni?.privateIp)).toBe(false);

      const del = await cni.DelNetwork(delReq("sandbox-2", "sgp", "web", annotated.uid));
      expect(del).toMatchObject({ Success: true, PodVlanId: eni?.vlanId });
      const reasons = (await d.control.ListEvents({ namespace: "sgp", name: "web" })).events.map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(["Scheduled", "SecurityGroupRequested", "AddNetworkFailed", "ResourceAllocated"]));
    });

    it("registers a pod first seen at its ADD (cnitool) and provisions it from then on", async () => {
      expect((await cni.AddNetwork(addReq("c-1", "sgp", "cnitool-pod"))).Success).toBe(false);
      const pod = await d.control.GetPod({ namespace: "sgp", name: "cnitool-pod" });
      expect(pod.node_name).not.toBe("");
      await until("branch reply", async () => {
        const r = await cni.AddNetwork(addReq("c-2", "sgp", "cnitool-pod"));
        return r.Success ? r : undefined;
      });
    });

    it("gives ordinary pods datastore IPs and serves introspection and metrics", async () => {
      const r = await cni.AddNetwork(addReq("plain-1", "default", "plain"));
      expect(r.Success).toBe(true);
      expect(r.IPAllocationMetadata[0]?.DeviceNumber).toBe(0);
      expect(r.VPCv4CIDRs).toEqual(["10.0.0.0/16"]);
      const get = async (path: string): Promise<Record<string, unknown>> => (await fetch(`${d.introspectionUrl}${path}`)).json() as Promise<Record<string, unknown>>;
      const enis = (await get("/v1/enis")).enis as { trunk: boolean; branch: boolean }[];
      expect(enis.some((e) => e.trunk)).toBe(true);
      expect(enis.some((e) => e.branch)).toBe(true);
      expect(((await get("/v1/leases")).leases as { container_id: string }[]).map((l) => l.container_id)).toContain("plain-1");
      expect(((await get("/v1/pods")).pods as { name: string }[]).map((p) => p.name)).toEqual(expect.arrayContaining(["web", "plain"]));
      expect(((await get("/v1/events?namespace=sgp&name=web")).events as unknown[]).length).toBeGreaterThan(2);
      expect(await get("/v1/ipamd-env-settings")).toMatchObject({ WARM_ENI_TARGET: "1", IP_COOLDOWN_PERIOD: "30" });
      const text = await (await fetch(d.metricsUrl)).text();
      expect(text).toMatch(/^awscni_add_ip_req_count \d+/m);
      expect(text).toMatch(/awscni_del_ip_req_count\{reason="PodDeleted"\} \d+/);
      expect(text).toMatch(/^awscni_assigned_ip_addresses 1$/m);
      // Two pods failed at least once each (the cnitool test polled, so maybe more often).
      const failed = /harness_add_network_failures_total\{reason="branch-eni-not-ready",classification="transient-expected"\} (\d+)/.exec(text);
      expect(Number(failed?.[1])).toBeGreaterThanOrEqual(2);
      expect(text).not.toMatch(/classification="real"/);
      expect(text).toMatch(/harness_branch_eni_provisioning_seconds_count\{outcome="allocated"\} 2/);
      expect(text).toMatch(/awscni_aws_api_latency_ms_count\{api="AssociateTrunkInterface",error="false"\} 2/);
    });

    it("checks ClientVersion and reports health", async () => {
      const bad = (await cni.AddNetwork({ ...addReq("v", "default", "v"), ClientVersion: "v1.0.0" }).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(bad.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(bad.details).toBe(`wrong client version "v1.0.0" (!= "${CLIENT_VERSION}")`);
      const node = await d.control.GetNode({});
      expect(node).toMatchObject({ instance_type: "m5.large", max_pods: 29 });
      expect(node.capacity["vpc.amazonaws.com/pod-eni"]).toBe("9");
    });
  });

  describe("lifecycle", () => {
    let d: StartedDaemon | undefined;
    afterEach(async () => {
      await d?.stop("SIGKILL");
      d = undefined;
    });

    it("with --wait-for-branch-eni the first ADD waits for the annotation instead of failing", async () => {
      d = await startDaemon({ args: ["--sgp-namespace", "sgp", "--provisioning-delay", "300ms", "--wait-for-branch-eni", "5s"] });
      const cni = cniBackendClient(d.address);
      // Not scheduled: the ADD schedules it, so provisioning starts only then and the ADD must wait
      // (whatever the machine's load), which the daemon logs with how long it waited.
      await d.control.CreatePod({ namespace: "sgp", name: "w", schedule: false });
      const r = await cni.AddNetwork(addReq("s1", "sgp", "w"));
      cni.close();
      expect(r.Success).toBe(true);
      expect(r.PodVlanId).toBeGreaterThan(0);
      const waited = d.logs.find((l) => l.msg === "waited for the branch ENI annotation" && l.name === "w");
      expect(waited).toMatchObject({ ready: true });
      expect(waited?.waitedMs).toBeGreaterThanOrEqual(300);
    });

    it("exits 0 on SIGTERM with the checkpoint intact and the socket gone from service", async () => {
      const started = await startDaemon();
      const cni = cniBackendClient(started.address);
      const r = await cni.AddNetwork(addReq("keep-1", "default", "keep"));
      cni.close();
      const code = await started.stop("SIGTERM", { keepState: true });
      expect(code).toBe(0);
      expect(started.logs.some((l) => l.msg === "stopped")).toBe(true);
      const cp = JSON.parse(readFileSync(`${started.stateDir}/ipam.json`, "utf8")) as { version: string; allocations: { containerID: string; ipv4: string }[] };
      expect(cp.version).toBe("vpc-cni-ipam/1");
      expect(cp.allocations).toEqual([expect.objectContaining({ containerID: "keep-1", ipv4: r.IPAllocationMetadata[0]?.IPv4Addr })]);
    });

    it("listens on TCP when asked (ipamd up to v1.22: 127.0.0.1:50051), and keeps serving after a malformed request", async () => {
      d = await startDaemon({ args: ["--listen", "127.0.0.1:0"] });
      expect(d.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const raw = new grpc.Client(d.address, grpc.credentials.createInsecure());
      const garbage = await new Promise<grpc.ServiceError | null>((resolve) =>
        raw.makeUnaryRequest(ADD_NETWORK_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x08, 0xff]), (e) => resolve(e)),
      );
      raw.close();
      expect(garbage?.code).toBe(grpc.status.INVALID_ARGUMENT);
      const cni = cniBackendClient(d.address);
      const missing = (await cni.AddNetwork({ ...addReq("x", "default", "x"), NetworkName: "" }).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(missing.details).toContain("NetworkName");
      expect((await cni.AddNetwork(addReq("ok-1", "default", "x"))).Success).toBe(true);
      cni.close();
    });

    it("refuses to start on a foreign checkpoint instead of discarding its leases", async () => {
      const state = mkdtempSync(join(tmpdir(), "ipamd-foreign-"));
      const foreign = '{"version":"vpc-cni-ipam/2","allocations":[{"containerID":"x"}]}';
      writeFileSync(join(state, "ipam.json"), foreign);
      try {
        await expect(startDaemon({ stateDir: state, readyTimeoutMs: 15_000 })).rejects.toThrow(/exited with 1 before ready.*vpc-cni-ipam\/2/);
        expect(readFileSync(join(state, "ipam.json"), "utf8")).toBe(foreign);
      } finally {
        rmSync(state, { recursive: true, force: true });
      }
    });

    it("refuses to start on a bad flag, naming it", async () => {
      await expect(startDaemon({ args: ["--provisioning-delay", "soon"], readyTimeoutMs: 5_000 })).rejects.toThrow(/--provisioning-delay: "soon" is not a duration/);
    });
  });
});
