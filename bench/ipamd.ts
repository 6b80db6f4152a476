// Benchmark: rpc.CNIBackend AddNetwork+DelNetwork pairs per second and p50/p99 latency against the
// built mock-ipamd over its Unix socket, N concurrent clients (one gRPC channel each), durable
// checkpoint on (every assign and release is fsync'd before its reply; bursts share a write).
// IP cooldown is 0 so that released IPs are reusable at once (the real 30 s would exhaust the node
// within a second: this measures the RPC path, not the pool).
// Usage: npx tsx bench/ipamd.ts [--clients 1,16] [--seconds 10] [--json FILE]   (after npm run build)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_VERSION } from "../proto/rpc.js";
import type { CniBackendClient } from "../test/helpers/daemon.js";
import { cniBackendClient, startDaemon } from "../test/helpers/daemon.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => (argv.includes(name) ? (argv[argv.indexOf(name) + 1] ?? dflt) : dflt);
const LEVELS = opt("--clients", "1,16").split(",").map(Number);
const SECONDS = Number(opt("--seconds", "10"));
const JSON_OUT = argv.includes("--json") ? opt("--json", "") : undefined;

// One pod per client (its sandboxes come and go), so the cluster store does not grow with the run.
const req = (id: string, w: number) => ({
  K8S_POD_NAME: `bench-${w}`, K8S_POD_NAMESPACE: "bench", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id,
  IfName: "eth0", NetworkName: "aws-cni", Netns: `/var/run/netns/${id}`, ClientVersion: CLIENT_VERSION,
});

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** CPU ms (user + system) the daemon process has used, from /proc (the machine is shared: wall time alone misleads). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

interface LevelResult { clients: number; pairs: number; pairsPerSec: number; addP50: number; addP99: number; delP50: number; delP99: number; pairP50: number; pairP99: number; errors: number; daemonCpuMsPerPair: number; clientCpuMsPerPair: number }

async function runLevel(clients: CniBackendClient[], seconds: number, pid: number): Promise<LevelResult> {
  const cpu0 = cpuMs(pid);
  const own0 = process.cpuUsage();
  const add: number[] = [];
  const del: number[] = [];
  const pair: number[] = [];
  let errors = 0;
  let seq = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(clients.map(async (c, w) => {
    while (performance.now() < end) {
      const id = `b${w}x${seq++}`;
      const t0 = performance.now();
      // A refused or failed ADD is counted, not fatal to the whole level, and gets no DEL (there is
      // no lease to release: its DEL would be a second, spurious error).
      const ok = await c.AddNetwork(req(id, w), { timeoutMs: 10_000 }).then((r) => r.Success, () => false);
      const t1 = performance.now();
      if (!ok) {
        errors++;
        continue;
      }
      await c.DelNetwork({ ...req(id, w), Reason: "PodDeleted", K8S_POD_UID: "" }, { timeoutMs: 10_000 }).catch(() => void errors++);
      const t2 = performance.now();
      add.push(t1 - t0);
      del.push(t2 - t1);
      pair.push(t2 - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const daemonCpu = cpuMs(pid) - cpu0;
  const own = process.cpuUsage(own0);
  for (const a of [add, del, pair]) a.sort((x, y) => x - y);
  return {
    clients: clients.length, pairs: pair.length, pairsPerSec: pair.length / elapsed,
    addP50: pct(add, 50), addP99: pct(add, 99), delP50: pct(del, 50), delP99: pct(del, 99), pairP50: pct(pair, 50), pairP99: pct(pair, 99), errors,
    daemonCpuMsPerPair: daemonCpu / pair.length, clientCpuMsPerPair: (own.user + own.system) / 1000 / pair.length,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ipamd-"));
  // m5.4xlarge with the warm pool filled up front (203 IPs), so that no client waits for an ENI.
  writeFileSync(join(dir, "ipamd.yaml"), "node: { instanceType: m5.4xlarge }\nwarmPool: { MINIMUM_IP_TARGET: 203 }\nipamd: { logLevel: warn }\n");
  const d = await startDaemon({ stateDir: dir, args: ["--config", join(dir, "ipamd.yaml"), "--ip-cooldown", "0s"] });
  for (let i = 0; i < 600; i++) {
    const text = await (await fetch(d.metricsUrl)).text();
    if (Number(/^awscni_total_ip_addresses (\d+)/m.exec(text)?.[1] ?? 0) >= 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const results: LevelResult[] = [];
  try {
    for (const n of LEVELS) {
      const clients = Array.from({ length: n }, () => cniBackendClient(d.address));
      const pid = d.process.pid ?? 0;
      await runLevel(clients, 0.5, pid); // warm-up: connections, JIT
      results.push(await runLevel(clients, SECONDS, pid));
      clients.forEach((c) => c.close());
    }
  } finally {
    await d.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (x: number): string => x.toFixed(2).padStart(8);
  console.log(`mock-ipamd AddNetwork+DelNetwork over a Unix socket, durable checkpoint, ${SECONDS}s per level`);
  console.log(`machine: ${(await import("node:os")).cpus().length} cores, load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("clients   pairs/s   add p50   add p99   del p50   del p99  pair p50  pair p99 (ms)  errors  daemon CPU ms/pair");
  for (const r of results) {
    console.log(`${String(r.clients).padStart(7)} ${r.pairsPerSec.toFixed(0).padStart(9)} ${f(r.addP50)}  ${f(r.addP99)}  ${f(r.delP50)}  ${f(r.delP99)}  ${f(r.pairP50)}  ${f(r.pairP99)}       ${r.errors}  ${f(r.daemonCpuMsPerPair)}`);
  }
  const json = JSON.stringify({ bench: "ipamd", seconds: SECONDS, results }, null, 2);
  if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
  else console.log(json);
}

await main();
