// CRI load test: N pods created and removed through containerd, concurrently, with our plugin
// (mock-vpc-cni + mock-ipamd) and with Debian's bridge + host-local side by side in one run;
// reports pods/s and RunPodSandbox p50/p99, and checks nothing leaked (leases, netns, links).
// Targets (issue #12): RunPodSandbox and Stop+Remove p50 at most 1.15x bridge's, 6 at a time.
// Run alone: npx tsx bench/cri.ts [--pods 24] [--concurrency 6] [--rounds 2] [--json FILE]   (root; after npm run build)
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BRIDGE_NETWORK } from "../test/containerd/conflists.js";
import { linkNames, podVethNames } from "../test/containerd/host.js";
import { percentile, runLoad } from "../test/containerd/load.js";
import type { LoadResult } from "../test/containerd/load.js";
import { BRIDGE_HANDLER, stackUnavailable, startStack } from "../test/containerd/stack.js";
import type { Stack } from "../test/containerd/stack.js";

const { values } = parseArgs({
  options: {
    pods: { type: "string", default: "24" },
    concurrency: { type: "string", default: "6" },
    rounds: { type: "string", default: "2" },
    json: { type: "string" },
  },
});
const PODS = Number(values.pods);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

interface Leaks {
  leases: number;
  netns: number;
  sandboxes: number;
  newLinks: string[];
  hostLocalLeases: number;
}

/** What is left inside the stack (before it stops); links are compared after it stopped. */
async function leaks(stack: Stack): Promise<Omit<Leaks, "newLinks">> {
  const hostLocalDir = join(stack.env.dir, "host-local", BRIDGE_NETWORK);
  const hostLocal = (await readdir(hostLocalDir).catch(() => [])).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  return {
    leases: (await stack.daemon.control.ListLeases({})).leases.length,
    netns: (await readdir(stack.env.paths.netnsDir).catch(() => [])).length,
    sandboxes: (await stack.env.cri.listPodSandbox()).length,
    hostLocalLeases: hostLocal.length,
  };
}

function row(name: string, rs: LoadResult[]): string[] {
  const run = rs.flatMap((r) => r.runMs);
  const down = rs.flatMap((r) => r.teardownMs);
  const pods = rs.reduce((n, r) => n + r.pods - r.failures.length, 0);
  const wall = rs.reduce((n, r) => n + r.wallMs, 0);
  const f = (x: number): string => x.toFixed(1);
  return [name, String(pods), (pods / (wall / 1000)).toFixed(2), f(percentile(run, 0.5)), f(percentile(run, 0.99)), f(percentile(down, 0.5)), String(rs.reduce((n, r) => n + r.failures.length, 0))];
}

async function main(): Promise<number> {
  const why = stackUnavailable();
  if (why !== undefined) {
    console.log(`bench/cri: skipped (${why})`);
    return 0;
  }
  const linksBefore = await linkNames();
  // A large instance type so N pods fit without waiting for ENI attachment; cooldown 0 so rounds reuse IPs.
  const stack = await startStack({ withBridge: true, daemonArgs: ["--instance-type", "m5.4xlarge", "--ip-cooldown", "0s"] });
  const results: Record<string, LoadResult[]> = { "mock-vpc-cni": [], "bridge+host-local": [] };
  let inside: Omit<Leaks, "newLinks"> | undefined;
  try {
    // Warm-up (page cache, first exec of each plugin), not measured.
    for (const handler of ["", BRIDGE_HANDLER]) await runLoad({ cri: stack.env.cri, runtimeHandler: handler, pods: 2, concurrency: 2, namespace: "bench", prefix: `warm${handler}` });
    // Alternate the two so drift on this shared machine hits both alike.
    for (let r = 0; r < ROUNDS; r++) {
      results["mock-vpc-cni"]?.push(await runLoad({ cri: stack.env.cri, runtimeHandler: "", pods: PODS, concurrency: CONCURRENCY, namespace: "bench", prefix: `m${r}` }));
      results["bridge+host-local"]?.push(await runLoad({ cri: stack.env.cri, runtimeHandler: BRIDGE_HANDLER, pods: PODS, concurrency: CONCURRENCY, namespace: "bench", prefix: `b${r}` }));
    }
    inside = await leaks(stack);
  } finally {
    await stack.stop();
  }
  // Our pods' host veths and the bridge (the machine is shared: only these are ours to check).
  const podNames = ["warm-0", "warm-1", ...Array.from({ length: ROUNDS * PODS }, (_, k) => `m${Math.floor(k / PODS)}-${k % PODS}`)];
  const ours = [stack.bridgeName, ...podNames.flatMap((n) => podVethNames("bench", n))];
  const leaked: Leaks | undefined = inside && { ...inside, newLinks: (await linkNames()).filter((l) => ours.includes(l) && !linksBefore.includes(l)) };
  const header = ["plugin", "pods", "pods/s", "run p50 ms", "run p99 ms", "stop+remove p50 ms", "failures"];
  const rows = [header, ...Object.entries(results).map(([k, v]) => row(k, v))];
  console.log(`CRI load: ${PODS} pods x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, containerd ${execFileSync("containerd", ["--version"]).toString().split(" ")[2]}`);
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(i === 5 ? 19 : 11))).join(" "));
  // The same table in Markdown, for the README.
  console.log(["", `| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`), ""].join("\n"));
  const failures = Object.values(results).flatMap((rs) => rs.flatMap((r) => r.failures));
  for (const f of failures.slice(0, 5)) console.log(`failure: ${f}`);
  console.log(`leaks after the run: ${JSON.stringify(leaked)}`);
  const p50 = (name: string, k: "runMs" | "teardownMs"): number => percentile((results[name] ?? []).flatMap((r) => r[k]), 0.5);
  const ratio = (k: "runMs" | "teardownMs"): number => +(p50("mock-vpc-cni", k) / p50("bridge+host-local", k)).toFixed(2);
  const json = {
    bench: "cri", pods: PODS, rounds: ROUNDS, concurrency: CONCURRENCY, rows: rows.slice(1), ratio: { run: ratio("runMs"), stopRemove: ratio("teardownMs") }, leaks: leaked,
    // What `npm run bench -- --check` compares (issue #12): each p50 at most 1.15x bridge's, 6 at a time.
    targets: [
      { name: `CRI RunPodSandbox p50 / bridge's (${CONCURRENCY} at a time)`, value: ratio("runMs"), op: "<=", limit: 1.15, unit: "x" },
      { name: `CRI Stop+Remove p50 / bridge's (${CONCURRENCY} at a time)`, value: ratio("teardownMs"), op: "<=", limit: 1.15, unit: "x" },
    ],
  };
  console.log(`ratio ours/bridge (p50): RunPodSandbox ${json.ratio.run}, Stop+Remove ${json.ratio.stopRemove}`);
  console.log(JSON.stringify(json));
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(json, null, 2));
  const clean = leaked !== undefined && leaked.leases + leaked.netns + leaked.sandboxes + leaked.hostLocalLeases + leaked.newLinks.length === 0;
  return failures.length === 0 && clean ? 0 : 1;
}

process.exitCode = await main();
