// mock-ipamd durability as a process: 200 parallel AddNetwork calls without a duplicate IP, a
// restart from the checkpoint with every lease intact, and kill -9 in the middle of a burst with
// no lease lost or duplicated (every reply received before the kill is in the checkpoint).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_VERSION } from "../../proto/rpc.js";
import type { AddNetworkReply } from "../../proto/rpc.js";
import type { CniBackendClient, StartedDaemon } from "../helpers/daemon.js";
import { cniBackendClient, startDaemon } from "../helpers/daemon.js";

const addReq = (id: string) => ({
  K8S_POD_NAME: `pod-${id}`, K8S_POD_NAMESPACE: "load", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id, IfName: "eth0",
  NetworkName: "aws-cni", Netns: `/var/run/netns/cni-${id}`, ClientVersion: CLIENT_VERSION,
});
const ipOf = (r: AddNetworkReply): string => r.IPAllocationMetadata[0]?.IPv4Addr ?? "";

// m5.4xlarge: 8 ENIs x 29 secondary IPs, one ENI slot for the trunk -> 203 pod IPs once the warm
// pool (MINIMUM_IP_TARGET) has attached 7 ENIs.
const CONFIG = "node: { instanceType: m5.4xlarge }\nwarmPool: { MINIMUM_IP_TARGET: 203 }\nipamd: { logLevel: warn }\n";

async function totalIps(d: StartedDaemon): Promise<number> {
  const text = await (await fetch(d.metricsUrl)).text();
  return Number(/^awscni_total_ip_addresses (\d+)/m.exec(text)?.[1] ?? 0);
}

async function waitForIps(d: StartedDaemon, n: number): Promise<void> {
  const end = Date.now() + 30_000;
  while ((await totalIps(d)) < n) {
    if (Date.now() > end) throw new Error(`warm pool did not reach ${n} IPs (has ${await totalIps(d)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function checkpointLeases(stateDir: string): Map<string, string> {
  const cp = JSON.parse(readFileSync(join(stateDir, "ipam.json"), "utf8")) as { allocations: { containerID: string; ipv4: string }[] };
  return new Map(cp.allocations.map((a) => [a.containerID, a.ipv4]));
}

describe("mock-ipamd durability", () => {
  let dir: string;
  let d: StartedDaemon | undefined;
  const clients: CniBackendClient[] = [];
  const start = async (stateDir: string): Promise<StartedDaemon> => {
    const started = await startDaemon({ stateDir, args: ["--config", join(dir, "ipamd.yaml")] });
    clients.splice(0).forEach((c) => c.close());
    for (let i = 0; i < 4; i++) clients.push(cniBackendClient(started.address));
    return started;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ipamd-durability-"));
    writeFileSync(join(dir, "ipamd.yaml"), CONFIG);
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await d?.stop("SIGKILL", { keepState: true });
    d = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hands out 200 distinct IPs to 200 parallel AddNetwork calls, and keeps every lease across a restart", async () => {
    const state = join(dir, "restart");
    d = await start(state);
    await waitForIps(d, 200);
    const ids = Array.from({ length: 200 }, (_, i) => `par${String(i).padStart(3, "0")}`);
    const replies = await Promise.all(ids.map((id, i) => (clients[i % clients.length] as CniBackendClient).AddNetwork(addReq(id))));
    expect(replies.every((r) => r.Success)).toBe(true);
    const given = new Map(ids.map((id, i) => [id, ipOf(replies[i] as AddNetworkReply)]));
    expect(new Set(given.values()).size).toBe(200);
    expect(checkpointLeases(state)).toEqual(given);

    expect(await d.stop("SIGTERM", { keepState: true })).toBe(0);
    d = await start(state);
    const leases = (await d.control.ListLeases({})).leases;
    expect(new Map(leases.map((l) => [l.container_id, l.ipv4]))).toEqual(given);
    expect(leases.every((l) => l.pod_namespace === "load" && l.pod_name === `pod-${l.container_id}`)).toBe(true);
    // The same key again gets the same IP (docs/REFERENCE.md §4), after the restart too.
    const again = await (clients[0] as CniBackendClient).AddNetwork(addReq("par007"));
    expect(ipOf(again)).toBe(given.get("par007"));
    expect(checkpointLeases(state)).toEqual(given);
  });

  it("loses and duplicates no lease when killed with SIGKILL in the middle of a burst", async () => {
    const state = join(dir, "kill");
    d = await start(state);
    await waitForIps(d, 200);
    const received = new Map<string, string>();
    let next = 0;
    let killed = false;
    // 16 concurrent callers, each sending its next ADD as soon as the previous one answers.
    const worker = async (w: number): Promise<void> => {
      while (!killed && next < 200) {
        const id = `burst${String(next++).padStart(3, "0")}`;
        try {
          const r = await (clients[w % clients.length] as CniBackendClient).AddNetwork(addReq(id), { timeoutMs: 5_000 });
          if (r.Success) received.set(id, ipOf(r));
        } catch {
          return; // the daemon is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    while (received.size < 60) await new Promise((r) => setImmediate(r));
    d.process.kill("SIGKILL");
    killed = true;
    await Promise.all(workers);
    await d.stop("SIGKILL", { keepState: true });
    d = undefined;
    expect(received.size).toBeGreaterThanOrEqual(60);

    // Every reply the clients got is in the checkpoint; nothing was handed out twice.
    const onDisk = checkpointLeases(state);
    for (const [id, ip] of received) expect(onDisk.get(id)).toBe(ip);
    expect(new Set(onDisk.values()).size).toBe(onDisk.size);

    d = await start(state);
    const leases = (await d.control.ListLeases({})).leases;
    expect(new Map(leases.map((l) => [l.container_id, l.ipv4]))).toEqual(onDisk);
    // New ADDs after the restart never collide with a restored lease.
    await waitForIps(d, 200);
    const more = await Promise.all(Array.from({ length: 20 }, (_, i) => (clients[i % 4] as CniBackendClient).AddNetwork(addReq(`after${i}`))));
    const taken = new Set(onDisk.values());
    for (const r of more) {
      expect(r.Success).toBe(true);
      expect(taken.has(ipOf(r))).toBe(false);
    }
  });
});
