// Cluster mode on one machine (`cluster up`): the same pods on 1 node and on 3 nodes (pods/s, each
// node's RunPodSandbox p50 from its kubelet's log), and ping RTT between pods on the same node
// against across nodes (ordinary pods through the fabric's routes, branch pods through their
// trunks). Each cluster is brought up, measured and removed in turn (they share the VPC range).
// Run alone: npx tsx bench/cluster.ts [--pods 18] [--pings 40]   (root; after npm run build)
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { percentile } from "../test/containerd/load.js";
import type { PodView, TestCluster } from "../test/harness/cluster/helpers.js";
import { cli, listPods, podYaml, runningSandboxes, sgpYaml, upCluster } from "../test/harness/cluster/helpers.js";

const run = promisify(execFile);
// 18 pods: what one m5.large node holds with SGP on (its trunk takes one of its 3 ENIs; the other
// two give 9 secondary addresses each); more would leave the 1-node run waiting for addresses.
// --json FILE: npm run bench (scripts/bench.mjs) passes it to every benchmark.
const { values } = parseArgs({ options: { pods: { type: "string", default: "18" }, pings: { type: "string", default: "40" }, json: { type: "string" } } });
const PODS = Number(values.pods);
const PINGS = Number(values.pings);

interface LoadFigures {
  nodes: number;
  pods: number;
  seconds: number;
  podsPerSecond: number;
  runPodSandboxP50Ms: Record<string, number>;
}

async function waitRunning(c: TestCluster, ns: string, count: number): Promise<PodView[]> {
  for (let i = 0; i < 1200; i++) {
    const pods = await listPods(c, ns);
    if (pods.length === count && pods.every((p) => p.status?.phase === "Running")) return pods;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${count} pods not Running in ${ns}`);
}

/** PODS ordinary pods spread over the nodes at once: time from the first creation to the last Running. */
async function load(c: TestCluster, nodes: number): Promise<LoadFigures> {
  const names = Array.from({ length: nodes }, (_, i) => `${c.name}-node-${i + 1}`);
  const t0 = Date.now();
  const applied = await c.kubectl(["apply", "-f", "-"], Array.from({ length: PODS }, (_, i) => podYaml({ name: `load-${i + 1}`, namespace: "default", node: names[i % nodes] as string })).join("\n"));
  if (applied.code !== 0) throw new Error(applied.stderr);
  await waitRunning(c, "default", PODS);
  const seconds = (Date.now() - t0) / 1000;
  const p50: Record<string, number> = {};
  for (const n of (await c.state()).nodes) {
    const text = await readFile(join(n.dir, "logs", "kubelet.log"), "utf8");
    const ms = text.split("\n").flatMap((l) => {
      try {
        const r = JSON.parse(l) as { msg?: string; ok?: boolean; runPodSandboxMs?: number; pod?: string };
        return r.msg === "sandbox" && r.ok === true && r.pod?.startsWith("default/load-") === true && typeof r.runPodSandboxMs === "number" ? [r.runPodSandboxMs] : [];
      } catch {
        return [];
      }
    });
    p50[n.name] = percentile(ms, 0.5);
  }
  return { nodes, pods: PODS, seconds, podsPerSecond: PODS / seconds, runPodSandboxP50Ms: p50 };
}

async function rtt(pid: number, ip: string): Promise<{ avg: number; mdev: number; loss: number }> {
  const { stdout } = await run("nsenter", [`--net=/proc/${pid}/ns/net`, "ping", "-c", String(PINGS), "-i", "0.05", "-q", ip], { timeout: 60_000 });
  const loss = Number(/(\d+(?:\.\d+)?)% packet loss/.exec(stdout)?.[1] ?? "100");
  const m = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+) ms/.exec(stdout);
  return { avg: Number(m?.[2] ?? NaN), mdev: Number(m?.[4] ?? NaN), loss };
}

/** Two ordinary and two SGP pods on node 1, one of each on node 2; RTT same-node vs cross-node. */
async function pings(c: TestCluster): Promise<Record<string, { avg: number; mdev: number; loss: number }>> {
  const [n1, n2] = [`${c.name}-node-1`, `${c.name}-node-2`];
  const docs = [
    sgpYaml("ping", "sgp"),
    podYaml({ name: "a", namespace: "ping", node: n1 }), podYaml({ name: "b", namespace: "ping", node: n1 }), podYaml({ name: "c", namespace: "ping", node: n2 }),
    ...["sa", "sb"].map((n) => podYaml({ name: n, namespace: "ping", node: n1, labels: { role: "sgp" } })), podYaml({ name: "sc", namespace: "ping", node: n2, labels: { role: "sgp" } }),
  ];
  // A Namespace document through apply (JSON): `kubectl create namespace` sends protobuf, which the
  // embedded API server does not speak.
  const ns = await c.kubectl(["apply", "-f", "-"], "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ping\n");
  if (ns.code !== 0) throw new Error(ns.stderr);
  const applied = await c.kubectl(["apply", "-f", "-"], docs.join("\n"));
  if (applied.code !== 0) throw new Error(applied.stderr);
  const pods = await waitRunning(c, "ping", 6);
  const ip = (n: string): string => pods.find((p) => p.metadata.name === n)?.status?.podIP as string;
  const pid = (await runningSandboxes(c)).filter((s) => s.namespace === "ping");
  const p = (n: string): number => pid.find((s) => s.pod === n)?.pid as number;
  // The fabric follows mock-ec2's view within moments; one ping each way first.
  for (let i = 0; i < 100; i++) {
    const ok = await Promise.all([["a", "c"], ["sa", "sc"]].map(([x, y]) => run("nsenter", [`--net=/proc/${p(x as string)}/ns/net`, "ping", "-c", "1", "-W", "1", "-q", ip(y as string)]).then(() => true, () => false)));
    if (ok.every(Boolean)) break;
  }
  return {
    "ordinary, same node": await rtt(p("a"), ip("b")),
    "ordinary, across nodes": await rtt(p("a"), ip("c")),
    "branch (SGP), same node": await rtt(p("sa"), ip("sb")),
    "branch (SGP), across nodes": await rtt(p("sa"), ip("sc")),
  };
}

async function withCluster<T>(name: string, nodes: number, f: (c: TestCluster) => Promise<T>): Promise<T> {
  const { cluster } = await upCluster(name, ["--nodes", String(nodes)]);
  try {
    return await f(cluster);
  } finally {
    const r = await cli(["cluster", "down", "--state-dir", cluster.stateDir]);
    if (r.code !== 0) console.error(`cluster down ${name}: ${r.stderr}`);
  }
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/containerd") || !existsSync("/usr/bin/ping")) {
    console.log("bench/cluster: skipped (needs root, Debian's containerd and iputils-ping)");
    return 0;
  }
  const one = await withCluster("bc1", 1, (c) => load(c, 1));
  const { three, rtts } = await withCluster("bc3", 3, async (c) => ({ three: await load(c, 3), rtts: await pings(c) }));
  const f = (x: number): string => x.toFixed(2);
  console.log(`\n${PODS} ordinary pods created at once through the API (each node: containerd 1.6 over CRI, mock-vpc-cni, mock-ipamd in cluster mode)\n`);
  console.log("| nodes | pods/s | all Running after | RunPodSandbox p50 per node |");
  console.log("|---|---|---|---|");
  for (const r of [one, three]) console.log(`| ${r.nodes} | ${f(r.podsPerSecond)} | ${f(r.seconds)} s | ${Object.entries(r.runPodSandboxP50Ms).map(([n, v]) => `${n} ${v.toFixed(0)} ms`).join(", ")} |`);
  console.log(`| **ratio 3/1** | **${f(three.podsPerSecond / one.podsPerSecond)}×** | | |`);
  console.log(`\nping RTT between pods (${PINGS} pings, 50 ms apart)\n`);
  console.log("| path | avg | mdev | loss |");
  console.log("|---|---|---|---|");
  for (const [k, v] of Object.entries(rtts)) console.log(`| ${k} | ${v.avg.toFixed(3)} ms | ${v.mdev.toFixed(3)} ms | ${v.loss}% |`);
  const ratio = (a: string, b: string): string => f((rtts[a]?.avg ?? NaN) / (rtts[b]?.avg ?? NaN));
  console.log(`\ncross-node / same-node RTT: ordinary ${ratio("ordinary, across nodes", "ordinary, same node")}×, branch ${ratio("branch (SGP), across nodes", "branch (SGP), same node")}×`);
  const json = JSON.stringify({ one, three, rtts });
  console.log(json);
  if (values.json !== undefined) writeFileSync(values.json, `${json}\n`);
  return 0;
}

process.exitCode = await main();
