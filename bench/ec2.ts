// Benchmark: EC2 calls per second through @aws-sdk/client-ec2 (our common/ec2 client) against the
// built mock-ec2 with its rate limit lifted (--qps 0), at 1 and 8 callers (one SDK client each):
// a read (DescribeNetworkInterfaces by id) and a change pair (CreateNetworkInterface +
// DeleteNetworkInterface, each durable before its reply: bursts share a write). For scale: the real
// account limit this fake enforces by default is 12 QPS, burst 18.
// Usage: npx tsx bench/ec2.ts [--callers 1,8] [--seconds 8] [--json FILE]   (after npm run build)

import { readFileSync, writeFileSync } from "node:fs";
import { createEc2Client } from "../common/ec2/client.js";
import type { Ec2Client } from "../common/ec2/client.js";
import { startMockEc2 } from "../test/helpers/mock-ec2.js";
import { option } from "./helpers/args.mjs";

const LEVELS = option("--callers", "1,8").split(",").map(Number);
const SECONDS = Number(option("--seconds", "8"));
const JSON_OUT = option("--json");

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** CPU ms (user + system) a process has used, from /proc (the machine is shared: wall time alone misleads). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Result { workload: string; callers: number; ops: number; callsPerSec: number; p50: number; p99: number; errors: number; serverCpuMsPerCall: number }

async function runLevel(workload: "read" | "create+delete", clients: Ec2Client[], subnetId: string, pid: number): Promise<Result> {
  const probe = await clients[0]?.createNetworkInterface({ subnetId });
  const lat: number[] = [];
  let errors = 0;
  const cpu0 = cpuMs(pid);
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        if (workload === "read") {
          await c.describeNetworkInterfaces({ eniIds: [probe?.eniId ?? ""] });
        } else {
          const e = await c.createNetworkInterface({ subnetId, secondaryIpCount: 1 });
          await c.deleteNetworkInterface(e.eniId);
        }
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const calls = lat.length * (workload === "read" ? 1 : 2);
  lat.sort((a, b) => a - b);
  await clients[0]?.deleteNetworkInterface(probe?.eniId ?? "");
  return {
    workload, callers: clients.length, ops: lat.length, callsPerSec: calls / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), errors,
    serverCpuMsPerCall: (cpuMs(pid) - cpu0) / calls,
  };
}

async function main(): Promise<void> {
  // @aws-sdk/* warns once per process that its 2027 releases need Node 22 (docs/REFERENCE.md §9).
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  const svc = await startMockEc2({ args: ["--qps", "0", "--log-level", "warn"] });
  const results: Result[] = [];
  try {
    const setup = createEc2Client({ endpoint: svc.endpoint, accessKeyId: "bench-setup" });
    const [subnet] = await setup.describeSubnets({ filters: [{ name: "cidr-block", values: ["10.0.32.0/19"] }] });
    setup.destroy();
    for (const workload of ["read", "create+delete"] as const) {
      for (const n of LEVELS) {
        const clients = Array.from({ length: n }, (_, i) => createEc2Client({ endpoint: svc.endpoint, accessKeyId: `bench-${i}`, maxAttempts: 1 }));
        results.push(await runLevel(workload, clients, subnet?.subnetId ?? "", svc.process.pid ?? 0));
        for (const c of clients) c.destroy();
      }
    }
  } finally {
    await svc.stop();
  }
  console.log("\nmock-ec2 through @aws-sdk/client-ec2, rate limit lifted (--qps 0); latency per op (a pair for create+delete)");
  console.log("workload        callers   ops    calls/s   p50 ms   p99 ms  errors  server CPU ms/call");
  for (const r of results) {
    console.log(
      `${r.workload.padEnd(15)} ${String(r.callers).padStart(7)} ${String(r.ops).padStart(5)} ${r.callsPerSec.toFixed(0).padStart(10)} ` +
        `${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)} ${r.serverCpuMsPerCall.toFixed(3).padStart(19)}`,
    );
  }
  const json = JSON.stringify({ bench: "ec2", seconds: SECONDS, results }, null, 2);
  console.log(json);
  if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
}

await main();
