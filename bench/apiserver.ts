// Benchmark: the embedded API server (`vpc-cni-harness api-server`, its own process) with 10 pod
// watchers over HTTPS: watch events delivered per second while clients create and delete pods, and
// the server's RSS along 10,000 pod create/delete cycles (it must plateau: the store keeps the
// last 1024 changes per resource, nothing else grows with the number of cycles).
// Prints a table, then one JSON line with "targets" (heap growth, RSS ceiling, delivery).
// Usage: npx tsx bench/apiserver.ts [--cycles 10000] [--watchers 10] [--clients 8] [--json FILE]   (after npm run build)

import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { makeServingCert, startApiServer } from "../apiserver/index.js";
import { createObjectStore } from "../cluster/store/index.js";
import { systemClock } from "../common/clock.js";
import { startApiServerProcess } from "../test/helpers/apiserver.js";
import { option } from "./helpers/args.mjs";

const CYCLES = Number(option("--cycles", "10000"));
const WATCHERS = Number(option("--watchers", "10"));
const CLIENTS = Number(option("--clients", "8"));
const JSON_OUT = option("--json");
const SAMPLES = 10;

/** Resident set size of a process in MiB, from /proc. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:")) ?? "";
  return Number(line.replace(/\D+/g, "")) / 1024;
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

type Call = (method: string, path: string, body?: string) => Promise<number>;

function client(host: string, port: string, ca: string, token: string, sockets: number): { call: Call; watch: () => Promise<() => void>; delivered: () => number; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, ca });
  const watchAgent = new Agent({ keepAlive: false, ca });
  const auth = { Authorization: `Bearer ${token}` };
  let delivered = 0;
  const call: Call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request({ host, port, method, path, agent, headers: { ...auth, "Content-Type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  const watch = (): Promise<() => void> => new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true", agent: watchAgent, headers: auth }, (res) => {
      res.on("data", (c: Buffer) => {
        for (const b of c) if (b === 10) delivered++;
      });
      resolve(() => req.destroy());
    });
    req.on("error", (e) => (e.message.includes("socket hang up") ? undefined : reject(e)));
    req.end();
  });
  return { call, watch, delivered: () => delivered, close: () => agent.destroy() };
}

const podBody = (name: string): string => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "bench" } }, spec: { containers: [{ name: "c", image: "pause" }] } });

/** Create+delete cycles from CLIENTS concurrent clients; onCycle after each. */
async function cycles(call: Call, n: number, onCycle: (done: number) => Promise<void> | void): Promise<number> {
  let failures = 0;
  let next = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      if ((await call("POST", "/api/v1/namespaces/default/pods", podBody(`bench-${i}`))) !== 201) failures++;
      if ((await call("DELETE", `/api/v1/namespaces/default/pods/bench-${i}`)) !== 200) failures++;
      await onCycle(i + 1);
    }
  }));
  return failures;
}

/**
 * The same load on a server in this process, measuring the live heap after a full GC: RSS (above)
 * rises between major collections and drops after one, so it shows a ceiling only over long runs;
 * the heap after GC shows directly whether anything is kept per cycle.
 */
async function heapAfterGc(): Promise<{ cycles: number; heapMiB: number }[]> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const store = createObjectStore({ clock: systemClock });
  const tls = makeServingCert(["127.0.0.1"]);
  const server = await startApiServer({ store, host: "127.0.0.1", port: 0, token: "bench", tls });
  const c = client("127.0.0.1", String(server.port), tls.caPem, "bench", CLIENTS);
  const stops = await Promise.all(Array.from({ length: WATCHERS }, () => c.watch()));
  const heap = (): number => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const out = [{ cycles: 0, heapMiB: heap() }];
  const every = Math.max(1, Math.floor(CYCLES / SAMPLES));
  let marks = every;
  await cycles(c.call, CYCLES, (done) => {
    if (done >= marks) {
      marks += every;
      out.push({ cycles: done, heapMiB: heap() });
    }
  });
  for (const stop of stops) stop();
  c.close();
  await server.close();
  return out;
}

async function main(): Promise<void> {
  const s = await startApiServerProcess({ args: ["--no-scheduler", "--log-level", "warn"] });
  const pid = s.process.pid ?? 0;
  const url = new URL(s.url);
  const c = client(url.hostname, url.port, s.caPem, s.token, CLIENTS);
  const streams = await Promise.all(Array.from({ length: WATCHERS }, () => c.watch()));
  const samples: { cycles: number; rssMiB: number }[] = [{ cycles: 0, rssMiB: rssMiB(pid) }];
  const every = Math.max(1, Math.floor(CYCLES / SAMPLES));
  const cpu0 = cpuMs(pid);
  const start = performance.now();
  const failures = await cycles(c.call, CYCLES, (done) => {
    if (done % every === 0) samples.push({ cycles: done, rssMiB: rssMiB(pid) });
  });
  const seconds = (performance.now() - start) / 1000;
  // Let the last events reach the watchers before counting.
  const want = CYCLES * 2 * WATCHERS;
  for (let i = 0; i < 100 && c.delivered() < want; i++) await new Promise((r) => setTimeout(r, 50));
  const delivered = c.delivered();
  const serverCpu = cpuMs(pid) - cpu0;
  for (const stop of streams) stop();
  c.close();
  await s.stop();
  const heap = await heapAfterGc();

  const result = {
    cycles: CYCLES, watchers: WATCHERS, clients: CLIENTS, seconds, writesPerSec: (CYCLES * 2) / seconds,
    eventsDelivered: delivered, eventsExpected: want, eventsPerSec: delivered / seconds,
    serverCpuMsPerWrite: serverCpu / (CYCLES * 2), failures, rss: samples, heapAfterGc: heap,
  };
  console.log(`api-server, ${WATCHERS} pod watchers, ${CLIENTS} clients, ${CYCLES} pod create+delete cycles (node ${process.version})`);
  console.log(`  writes/s            ${result.writesPerSec.toFixed(0)}`);
  console.log(`  watch events/s      ${result.eventsPerSec.toFixed(0)}  (${delivered} of ${want} delivered)`);
  console.log(`  server CPU ms/write ${result.serverCpuMsPerWrite.toFixed(3)}`);
  console.log(`  failed requests     ${failures}`);
  // RSS rises between major GCs and falls back after one: the bound shows as a ceiling, not a line.
  console.log(`  server RSS MiB      start ${samples[0]?.rssMiB.toFixed(1)}, peak ${Math.max(...samples.map((r) => r.rssMiB)).toFixed(1)}, end ${samples.at(-1)?.rssMiB.toFixed(1)}`);
  console.log("  cycles   server RSS (MiB)");
  for (const r of samples) console.log(`  ${String(r.cycles).padStart(6)}   ${r.rssMiB.toFixed(1)}`);
  console.log("  the same load in-process: live heap after a full GC");
  console.log("  cycles   heap (MiB)");
  for (const r of heap) console.log(`  ${String(r.cycles).padStart(6)}   ${r.heapMiB.toFixed(1)}`);
  // Bounded: what the in-process server keeps after a full GC no longer grows over the second half
  // of the cycles, and the process's RSS stays under a ceiling; every watch event is delivered.
  const half = heap.find((r) => r.cycles >= CYCLES / 2) ?? heap[0];
  const growth = (heap.at(-1)?.heapMiB ?? 0) - (half?.heapMiB ?? 0);
  console.log(`  heap growth over the second half: ${growth.toFixed(2)} MiB`);
  const targets = [
    { name: `api-server: live heap growth after GC over cycles ${half?.cycles ?? 0}..${CYCLES} (${WATCHERS} watchers)`, value: Number(growth.toFixed(2)), op: "<=", limit: 2, unit: "MiB" },
    { name: `api-server: process RSS peak over ${CYCLES} pod create/delete cycles`, value: Number(Math.max(...samples.map((r) => r.rssMiB)).toFixed(1)), op: "<=", limit: 256, unit: "MiB" },
    { name: `api-server: watch events delivered / expected (${WATCHERS} watchers)`, value: Number((delivered / want).toFixed(4)), op: ">=", limit: 1, unit: "ratio" },
  ];
  console.log(JSON.stringify({ bench: "apiserver", eventsPerSec: result.eventsPerSec, writesPerSec: result.writesPerSec, heapGrowthMiB: growth, targets }));
  // With its targets, where npm run bench -- --check reads them (scripts/bench.mjs).
  if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, `${JSON.stringify({ ...result, targets }, null, 2)}\n`);
}

await main();
