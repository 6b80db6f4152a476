// Benchmark: rpc.CNIBackend AddNetwork+DelNetwork pairs per second and p50/p99 latency against the
// built mock-ipamd over its Unix socket, N concurrent clients (one HTTP/2 connection each), durable
// checkpoint on (every assign and release is fsync'd before its reply; bursts share a write).
// IP cooldown is 0 so that released IPs are reusable at once (the real 30 s would exhaust the node
// within a second: this measures the RPC path, not the pool).
//
// The machine is shared: the daemon's CPU per pair (from /proc, user + system, all its threads) is
// the figure that load disturbs least; pairs/s and latencies are reported with the load average.
//
// Usage: npx tsx bench/ipamd.ts [options]   (after npm run build)
//   --clients 1,16        levels (concurrent clients)
//   --seconds 10          per level and round
//   --rounds 1            rounds; with several daemons (--dist) they alternate within each round
//   --dist D1,D2          compare builds: each a dist/ directory (default: dist); a copy of an older
//                         dist/ must sit inside this checkout so that node_modules resolves
//   --client h2|grpc-js   the bench's client: the plugin's own HTTP/2 client (default, the lighter
//                         one, so that the client leaves the cores to the daemon) or @grpc/grpc-js
//   --log-level warn      the daemon's log level (info: the default of mock-ipamd, two lines per RPC)
//   --leases 0            leases held (other pods) during the run: the checkpoint carries them all
//   --json FILE           the results as JSON (with "targets" for npm run bench -- --check)
//   --cpu-prof DIR        the daemon runs under node --cpu-prof (profile written at its exit)
//   --node-args "..."     more flags for the daemon's node, e.g. "--perf-basic-prof" for perf record

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createH2IpamdClient } from "../plugin/client/h2.js";
import { CLIENT_VERSION } from "../proto/rpc.js";
import type { AddNetworkRequest, DelNetworkRequest } from "../proto/rpc.js";
import type { StartedDaemon } from "../test/helpers/daemon.js";
import { cniBackendClient, startDaemon } from "../test/helpers/daemon.js";
import { option } from "./helpers/args.mjs";

const LEVELS = option("--clients", "1,16").split(",").map(Number);
const SECONDS = Number(option("--seconds", "10"));
const ROUNDS = Number(option("--rounds", "1"));
const DISTS = option("--dist", "dist").split(",");
const CLIENT = option("--client", "h2");
const LOG_LEVEL = option("--log-level", "warn");
const LEASES = Number(option("--leases", "0"));
const JSON_OUT = option("--json");
const CPU_PROF = option("--cpu-prof");
const NODE_ARGS = (option("--node-args") ?? "").split(" ").filter((a) => a !== "");

/** Issue #12's targets for mock-ipamd (durable pairs at 16 clients, ADD p99 at 16 and at 1 client). */
const TARGETS = { pairsPerSec16: 3000, addP99Ms16: 10, addP99Ms1: 5 } as const;

/** The two calls of a pair, whichever client makes them. */
interface PairClient {
  add(req: AddNetworkRequest): Promise<boolean>;
  del(req: DelNetworkRequest): Promise<void>;
  close(): void;
}

function makeClient(address: string): PairClient {
  if (CLIENT === "grpc-js") {
    const c = cniBackendClient(address);
    return {
      add: async (r) => (await c.AddNetwork(r, { timeoutMs: 10_000 })).Success,
      del: async (r) => void (await c.DelNetwork(r, { timeoutMs: 10_000 })),
      close: () => c.close(),
    };
  }
  const c = createH2IpamdClient({ address, timeoutMs: 10_000 });
  return { add: async (r) => (await c.addNetwork(r)).Success, del: async (r) => void (await c.delNetwork(r)), close: () => c.close() };
}

const addReq = (id: string, pod: string): AddNetworkRequest => ({
  K8S_POD_NAME: pod, K8S_POD_NAMESPACE: "bench", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id,
  IfName: "eth0", NetworkName: "aws-cni", Netns: `/var/run/netns/${id}`, ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
});
const delReq = (id: string, pod: string): DelNetworkRequest => {
  const { Netns: _n, RequiresMultiNICAttachment: _m, ...rest } = addReq(id, pod);
  return { ...rest, Reason: "PodDeleted", K8S_POD_UID: "" };
};

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

/** CPU ms (user, system) the daemon process has used, all threads, from /proc. */
function cpuMs(pid: number): { user: number; sys: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return { user: (Number(fields[11]) * 1000) / 100, sys: (Number(fields[12]) * 1000) / 100 }; // clock ticks (USER_HZ 100)
}

function rssMb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
}

interface LevelResult {
  dist: string; clients: number; round: number; pairs: number; pairsPerSec: number; errors: number;
  addP50: number; addP99: number; delP50: number; delP99: number; pairP50: number; pairP99: number;
  daemonCpuMsPerPair: number; daemonUserMsPerPair: number; daemonSysMsPerPair: number; clientCpuMsPerPair: number;
  rssMb: number; load1: number;
}

async function runLevel(clients: PairClient[], seconds: number, pid: number): Promise<Omit<LevelResult, "dist" | "round" | "load1">> {
  const cpu0 = cpuMs(pid);
  const own0 = process.cpuUsage();
  const add: number[] = [];
  const del: number[] = [];
  const pair: number[] = [];
  let errors = 0;
  let seq = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  // One pod per client (its sandboxes come and go), so the cluster store does not grow with the run.
  await Promise.all(clients.map(async (c, w) => {
    while (performance.now() < end) {
      const id = `b${w}x${seq++}`;
      const t0 = performance.now();
      // A refused or failed ADD is counted, not fatal to the whole level, and gets no DEL (there is
      // no lease to release: its DEL would be a second, spurious error).
      const ok = await c.add(addReq(id, `bench-${w}`)).catch(() => false);
      const t1 = performance.now();
      if (!ok) {
        errors++;
        continue;
      }
      await c.del(delReq(id, `bench-${w}`)).catch(() => void errors++);
      const t2 = performance.now();
      add.push(t1 - t0);
      del.push(t2 - t1);
      pair.push(t2 - t0);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpu1 = cpuMs(pid);
  const own = process.cpuUsage(own0);
  for (const a of [add, del, pair]) a.sort((x, y) => x - y);
  const n = pair.length;
  return {
    clients: clients.length, pairs: n, pairsPerSec: n / elapsed, errors,
    addP50: pct(add, 50), addP99: pct(add, 99), delP50: pct(del, 50), delP99: pct(del, 99), pairP50: pct(pair, 50), pairP99: pct(pair, 99),
    daemonCpuMsPerPair: (cpu1.user - cpu0.user + cpu1.sys - cpu0.sys) / n,
    daemonUserMsPerPair: (cpu1.user - cpu0.user) / n, daemonSysMsPerPair: (cpu1.sys - cpu0.sys) / n,
    clientCpuMsPerPair: (own.user + own.system) / 1000 / n, rssMb: rssMb(pid),
  };
}

/** Starts one daemon of the given build with the warm pool filled (no client waits for an ENI). */
async function startBenchDaemon(dist: string, dir: string): Promise<StartedDaemon> {
  // m5.4xlarge: 8 ENIs x 30 IPs; MINIMUM_IP_TARGET fills the pool up front.
  const want = Math.max(203, LEASES + 64);
  writeFileSync(join(dir, "ipamd.yaml"), `node: { instanceType: m5.4xlarge }\nwarmPool: { MINIMUM_IP_TARGET: ${want} }\nipamd: { logLevel: ${LOG_LEVEL} }\n`);
  const d = await startDaemon({
    stateDir: dir, daemonJs: resolve(dist, "cmd", "mock-ipamd.js"), keepLogs: false,
    args: ["--config", join(dir, "ipamd.yaml"), "--ip-cooldown", "0s"],
    nodeArgs: [...NODE_ARGS, ...(CPU_PROF === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", CPU_PROF])],
  });
  for (let i = 0; i < 600; i++) {
    const text = await (await fetch(d.metricsUrl)).text();
    if (Number(/^awscni_total_ip_addresses (\d+)/m.exec(text)?.[1] ?? 0) >= Math.min(want, 232)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (LEASES > 0) {
    const c = makeClient(d.address);
    for (let i = 0; i < LEASES; i++) {
      if (!(await c.add(addReq(`held${i}`, `held-${i}`)))) throw new Error(`bench: could not hold lease ${i}`);
    }
    c.close();
  }
  return d;
}

async function main(): Promise<void> {
  const results: LevelResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const dist of DISTS) {
      const dir = mkdtempSync(join(tmpdir(), "bench-ipamd-"));
      const d = await startBenchDaemon(dist, dir);
      try {
        const pid = d.process.pid ?? 0;
        for (const n of LEVELS) {
          const clients = Array.from({ length: n }, () => makeClient(d.address));
          await runLevel(clients, 0.5, pid); // warm-up: connections, JIT
          results.push({ dist, round, load1: loadavg()[0] ?? NaN, ...(await runLevel(clients, SECONDS, pid)) });
          clients.forEach((c) => c.close());
        }
      } finally {
        await d.stop("SIGTERM");
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  report(results);
}

function report(results: LevelResult[]): void {
  const f = (x: number, w = 8): string => x.toFixed(2).padStart(w);
  console.log(`mock-ipamd AddNetwork+DelNetwork over a Unix socket, durable checkpoint, ${SECONDS}s per level, ${ROUNDS} round(s), client ${CLIENT}, log level ${LOG_LEVEL}, ${LEASES} leases held`);
  console.log(`machine: ${cpus().length} cores, load average now ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("dist                 round clients  pairs/s  add p50  add p99  del p50  del p99  errors  daemon CPU ms/pair (user+sys)  client CPU  RSS MB  load1");
  for (const r of results) {
    console.log(`${r.dist.slice(-20).padEnd(20)} ${String(r.round).padStart(5)} ${String(r.clients).padStart(7)} ${r.pairsPerSec.toFixed(0).padStart(8)} ${f(r.addP50)} ${f(r.addP99)} ${f(r.delP50)} ${f(r.delP99)} ${String(r.errors).padStart(7)}  ${f(r.daemonCpuMsPerPair)} (${r.daemonUserMsPerPair.toFixed(2)}+${r.daemonSysMsPerPair.toFixed(2)})       ${f(r.clientCpuMsPerPair)} ${r.rssMb.toFixed(0).padStart(7)} ${r.load1.toFixed(1).padStart(6)}`);
  }
  const summary = DISTS.flatMap((dist) => LEVELS.map((clients) => {
    const rs = results.filter((r) => r.dist === dist && r.clients === clients);
    return {
      dist, clients, pairsPerSec: median(rs.map((r) => r.pairsPerSec)), addP99: median(rs.map((r) => r.addP99)),
      daemonCpuMsPerPair: median(rs.map((r) => r.daemonCpuMsPerPair)), clientCpuMsPerPair: median(rs.map((r) => r.clientCpuMsPerPair)),
      rssMb: Math.max(...rs.map((r) => r.rssMb)), load1: median(rs.map((r) => r.load1)),
    };
  }));
  if (ROUNDS > 1 || DISTS.length > 1) {
    console.log("\nmedians over rounds");
    for (const s of summary) console.log(`${s.dist.slice(-20).padEnd(20)} ${String(s.clients).padStart(7)} clients ${s.pairsPerSec.toFixed(0).padStart(6)} pairs/s  add p99 ${f(s.addP99)} ms  daemon CPU ${f(s.daemonCpuMsPerPair)} ms/pair  client CPU ${f(s.clientCpuMsPerPair)}  max RSS ${s.rssMb.toFixed(0)} MB  load1 ${s.load1.toFixed(1)}`);
  }
  // The targets apply to the last build named (the one under test).
  const last = DISTS[DISTS.length - 1];
  const at = (n: number) => summary.find((s) => s.dist === last && s.clients === n);
  const targets = [
    ...(at(16) === undefined ? [] : [
      { name: "ipamd durable pairs/s, 16 clients", value: at(16)?.pairsPerSec ?? NaN, op: ">=", limit: TARGETS.pairsPerSec16, unit: "pairs/s" },
      { name: "ipamd ADD p99, 16 clients", value: at(16)?.addP99 ?? NaN, op: "<=", limit: TARGETS.addP99Ms16, unit: "ms" },
    ]),
    ...(at(1) === undefined ? [] : [{ name: "ipamd ADD p99, 1 client", value: at(1)?.addP99 ?? NaN, op: "<=", limit: TARGETS.addP99Ms1, unit: "ms" }]),
  ];
  const json = JSON.stringify({ bench: "ipamd", seconds: SECONDS, rounds: ROUNDS, client: CLIENT, logLevel: LOG_LEVEL, leases: LEASES, cores: cpus().length, results, summary, targets }, null, 2);
  if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
  else console.log(json);
}

await main();
