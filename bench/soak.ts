// Soak benchmark (issue #10, item 4): 20,000 AddNetwork+DelNetwork pairs against the built
// mock-ipamd, every pair a pod of its own name (memory mode registers each one at its ADD, as with
// cnitool), 16 clients, durable checkpoint on. Records the daemon's RSS every 1,000 pairs, so a
// plateau (or the lack of one) shows; the table and JSON go to stdout.
// Usage: npx tsx bench/soak.ts [--pairs 20000] [--clients 16] [--json FILE]   (after npm run build)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_VERSION } from "../proto/rpc.js";
import { cniBackendClient, startDaemon } from "../test/helpers/daemon.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => (argv.includes(name) ? (argv[argv.indexOf(name) + 1] ?? dflt) : dflt);
const PAIRS = Number(opt("--pairs", "20000"));
const CLIENTS = Number(opt("--clients", "16"));
const SAMPLE_EVERY = 1000;
const JSON_OUT = argv.includes("--json") ? opt("--json", "") : undefined;

/** Resident set size in MB, from /proc (VmRSS). */
function rssMb(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  return kb / 1024;
}

const req = (n: number) => ({
  K8S_POD_NAME: `soak-${n}`, K8S_POD_NAMESPACE: "soak", K8S_POD_INFRA_CONTAINER_ID: `s${n}`, ContainerID: `s${n}`,
  IfName: "eth0", NetworkName: "aws-cni", Netns: `/var/run/netns/s${n}`, ClientVersion: CLIENT_VERSION,
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-soak-"));
  writeFileSync(join(dir, "ipamd.yaml"), "node: { instanceType: m5.4xlarge }\nwarmPool: { MINIMUM_IP_TARGET: 203 }\nipamd: { logLevel: warn }\n");
  const d = await startDaemon({ stateDir: dir, args: ["--config", join(dir, "ipamd.yaml"), "--ip-cooldown", "0s"] });
  const pid = d.process.pid ?? 0;
  const samples: { pairs: number; rssMb: number; seconds: number }[] = [{ pairs: 0, rssMb: rssMb(pid), seconds: 0 }];
  const clients = Array.from({ length: CLIENTS }, () => cniBackendClient(d.address));
  const started = performance.now();
  let next = 0;
  let done = 0;
  let errors = 0;
  try {
    await Promise.all(clients.map(async (c) => {
      for (let n = next++; n < PAIRS; n = next++) {
        const ok = await c.AddNetwork(req(n), { timeoutMs: 10_000 }).then((r) => r.Success, () => false);
        if (ok) await c.DelNetwork({ ...req(n), Reason: "PodDeleted", K8S_POD_UID: "" }, { timeoutMs: 10_000 }).catch(() => void errors++);
        else errors++;
        if (++done % SAMPLE_EVERY === 0) samples.push({ pairs: done, rssMb: rssMb(pid), seconds: (performance.now() - started) / 1000 });
      }
    }));
  } finally {
    clients.forEach((c) => c.close());
    const pods = (await d.control.ListPods({}).catch(() => ({ pods: [] }))).pods.length;
    await d.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
    const seconds = (performance.now() - started) / 1000;
    console.log(`mock-ipamd soak: ${PAIRS} AddNetwork+DelNetwork pairs, each a pod of its own name, ${CLIENTS} clients, durable checkpoint`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; ${seconds.toFixed(1)} s, ${errors} errors, ${pods} pods left in the store`);
    console.log("pairs     RSS MB   after s");
    for (const s of samples) console.log(`${String(s.pairs).padStart(6)} ${s.rssMb.toFixed(1).padStart(9)} ${s.seconds.toFixed(1).padStart(9)}`);
    const json = JSON.stringify({ bench: "soak", pairs: PAIRS, clients: CLIENTS, seconds, errors, podsLeft: pods, samples }, null, 2);
    if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
    else console.log(json);
  }
}

await main();
