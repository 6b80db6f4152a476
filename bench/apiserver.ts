// Benchmark: the embedded API server (`vpc-cni-harness api-server`, its own process) with 10 pod
// watchers over HTTPS: watch events delivered per second while clients create and delete pods, and
// the server's RSS along 10,000 pod create/delete cycles (it must plateau: the store keeps the
// last 1024 changes per resource, nothing else grows with the number of cycles).
// Usage: npx tsx bench/apiserver.ts [--cycles 10000] [--watchers 10] [--clients 8] [--json FILE]   (after npm run build)

import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { startApiServerProcess } from "../test/helpers/apiserver.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => (argv.includes(name) ? (argv[argv.indexOf(name) + 1] ?? dflt) : dflt);
const CYCLES = Number(opt("--cycles", "10000"));
const WATCHERS = Number(opt("--watchers", "10"));
const CLIENTS = Number(opt("--clients", "8"));
const JSON_OUT = argv.includes("--json") ? opt("--json", "") : undefined;
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

async function main(): Promise<void> {
  const s = await startApiServerProcess({ args: ["--no-scheduler", "--log-level", "warn"] });
  const pid = s.process.pid ?? 0;
  const url = new URL(s.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS, ca: s.caPem });
  const auth = { Authorization: `Bearer ${s.token}` };
  const call = (method: string, path: string, body?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers: { ...auth, "Content-Type": "application/json" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });

  // The watchers: each its own connection, counting event lines.
  let delivered = 0;
  const watchAgent = new Agent({ keepAlive: false, ca: s.caPem });
  const streams = await Promise.all(Array.from({ length: WATCHERS }, () => new Promise<() => void>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true", agent: watchAgent, headers: auth }, (res) => {
      res.on("data", (c: Buffer) => {
        for (const b of c) if (b === 10) delivered++;
      });
      resolve(() => req.destroy());
    });
    req.on("error", (e) => (e.message.includes("socket hang up") ? undefined : reject(e)));
    req.end();
  })));

  const pod = (name: string): string => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "bench" } }, spec: { containers: [{ name: "c", image: "pause" }] } });
  let failures = 0;
  let next = 0;
  const samples: { cycles: number; rssMiB: number }[] = [{ cycles: 0, rssMiB: rssMiB(pid) }];
  const every = Math.max(1, Math.floor(CYCLES / SAMPLES));
  const cpu0 = cpuMs(pid);
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (;;) {
      const i = next++;
      if (i >= CYCLES) return;
      const name = `bench-${i}`;
      if ((await call("POST", "/api/v1/namespaces/default/pods", pod(name))) !== 201) failures++;
      if ((await call("DELETE", `/api/v1/namespaces/default/pods/${name}`)) !== 200) failures++;
      if ((i + 1) % every === 0) samples.push({ cycles: i + 1, rssMiB: rssMiB(pid) });
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  // Let the last events reach the watchers before counting.
  const want = CYCLES * 2 * WATCHERS;
  for (let i = 0; i < 100 && delivered < want; i++) await new Promise((r) => setTimeout(r, 50));
  const serverCpu = cpuMs(pid) - cpu0;
  for (const stop of streams) stop();
  agent.destroy();
  await s.stop();

  const result = {
    cycles: CYCLES, watchers: WATCHERS, clients: CLIENTS, seconds, writesPerSec: (CYCLES * 2) / seconds,
    eventsDelivered: delivered, eventsExpected: want, eventsPerSec: delivered / seconds,
    serverCpuMsPerWrite: serverCpu / (CYCLES * 2), failures, rss: samples,
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
  if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
}

await main();
