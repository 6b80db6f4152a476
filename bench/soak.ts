// Soak benchmark (issues #10 item 4 and #12): 20,000 AddNetwork+DelNetwork pairs against the built
// mock-ipamd, every pair a pod of its own name (memory mode registers each one at its ADD, as with
// cnitool), 16 clients, durable checkpoint on, while `--leases` other pods hold their IPs the whole
// time (every checkpoint write carries them). Records the daemon's RSS every 1,000 pairs, so a
// plateau (or the lack of one) shows, and what is left in its store at the end.
// A node holds at most 735 pod IPs (m5.24xlarge: 15 ENIs x 49; EKS max pods 737, docs/REFERENCE.md
// §4), so "1,000 leases" cannot exist on one node: the default holds 700 on an m5.24xlarge without
// a trunk (the trunk would take an ENI slot).
// Usage: npx tsx bench/soak.ts [--pairs 20000] [--clients 16] [--leases 700] [--json FILE]   (after npm run build)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createH2IpamdClient } from "../plugin/client/h2.js";
import { CLIENT_VERSION } from "../proto/rpc.js";
import type { AddNetworkRequest } from "../proto/rpc.js";
import { startDaemon } from "../test/helpers/daemon.js";
import { option } from "./helpers/args.mjs";

const PAIRS = Number(option("--pairs", "20000"));
const CLIENTS = Number(option("--clients", "16"));
const LEASES = Number(option("--leases", "700"));
const SAMPLE_EVERY = 1000;
const JSON_OUT = option("--json");
/** Issue #12: RSS at most 100 MB with the leases held and after the pairs. */
const RSS_TARGET_MB = 100;

/** Resident set size in MB, from /proc (VmRSS). */
function rssMb(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  return kb / 1024;
}

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

const req = (pod: string, id: string): AddNetworkRequest => ({
  K8S_POD_NAME: pod, K8S_POD_NAMESPACE: "soak", K8S_POD_INFRA_CONTAINER_ID: id, ContainerID: id,
  IfName: "eth0", NetworkName: "aws-cni", Netns: `/var/run/netns/${id}`, ClientVersion: CLIENT_VERSION, RequiresMultiNICAttachment: false,
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-soak-"));
  const ips = Math.min(735, LEASES + 32);
  writeFileSync(join(dir, "ipamd.yaml"), `node: { instanceType: m5.24xlarge, trunk: false }\nwarmPool: { MINIMUM_IP_TARGET: ${ips} }\nipamd: { logLevel: warn }\n`);
  const d = await startDaemon({ stateDir: dir, keepLogs: false, args: ["--config", join(dir, "ipamd.yaml"), "--ip-cooldown", "0s"] });
  const pid = d.process.pid ?? 0;
  const clients = Array.from({ length: CLIENTS }, () => createH2IpamdClient({ address: d.address, timeoutMs: 10_000 }));
  let errors = 0;
  const samples: { pairs: number; rssMb: number; seconds: number }[] = [];
  let seconds = 0;
  let cpuPerPair = NaN;
  let left = { pods: -1, events: -1 };
  try {
    for (let i = 0; i < 600; i++) {
      const text = await (await fetch(d.metricsUrl)).text();
      if (Number(/^awscni_total_ip_addresses (\d+)/m.exec(text)?.[1] ?? 0) >= ips) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < LEASES; i++) {
      if (!(await clients[0]?.addNetwork(req(`held-${i}`, `held${i}`)))?.Success) throw new Error(`soak: could not hold lease ${i}`);
    }
    samples.push({ pairs: 0, rssMb: rssMb(pid), seconds: 0 });
    const cpu0 = cpuMs(pid);
    const started = performance.now();
    let next = 0;
    let done = 0;
    await Promise.all(clients.map(async (c) => {
      for (let n = next++; n < PAIRS; n = next++) {
        const r = req(`soak-${n}`, `s${n}`);
        const ok = await c.addNetwork(r).then((x) => x.Success, () => false);
        if (ok) await c.delNetwork({ ...r, Reason: "PodDeleted", K8S_POD_UID: "" }).catch(() => void errors++);
        else errors++;
        if (++done % SAMPLE_EVERY === 0) samples.push({ pairs: done, rssMb: rssMb(pid), seconds: (performance.now() - started) / 1000 });
      }
    }));
    seconds = (performance.now() - started) / 1000;
    cpuPerPair = (cpuMs(pid) - cpu0) / PAIRS;
    left = {
      pods: (await d.control.ListPods({}).catch(() => ({ pods: [] }))).pods.length,
      events: ((await (await fetch(`${d.introspectionUrl}/v1/events`)).json()) as { events: unknown[] }).events.length,
    };
  } finally {
    clients.forEach((c) => c.close());
    await d.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  const last = samples.at(-1)?.rssMb ?? NaN;
  const peak = Math.max(...samples.map((s) => s.rssMb));
  console.log(`mock-ipamd soak: ${PAIRS} AddNetwork+DelNetwork pairs, each a pod of its own name, ${CLIENTS} clients, durable checkpoint, ${LEASES} leases held`);
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; ${seconds.toFixed(1)} s (${(PAIRS / seconds).toFixed(0)} pairs/s, ${cpuPerPair.toFixed(2)} ms daemon CPU per pair), ${errors} errors`);
  console.log(`left in the store: ${left.pods} pods (${LEASES} of them hold a lease), ${left.events} events`);
  console.log("pairs     RSS MB   after s");
  for (const s of samples) console.log(`${String(s.pairs).padStart(6)} ${s.rssMb.toFixed(1).padStart(9)} ${s.seconds.toFixed(1).padStart(9)}`);
  const targets = [
    { name: `mock-ipamd RSS after ${PAIRS} pairs, ${LEASES} leases held`, value: last, op: "<=", limit: RSS_TARGET_MB, unit: "MB" },
    { name: `mock-ipamd peak RSS during the soak, ${LEASES} leases held`, value: peak, op: "<=", limit: RSS_TARGET_MB, unit: "MB" },
  ];
  const json = JSON.stringify({ bench: "soak", pairs: PAIRS, clients: CLIENTS, leases: LEASES, seconds, cpuMsPerPair: cpuPerPair, errors, left, samples, targets }, null, 2);
  if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
  else console.log(json);
}

await main();
