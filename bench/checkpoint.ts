// Benchmark: the cost of one checkpoint write (ipam.json, vpc-cni-ipam/1), in-process, with 16 and
// 1,000 leases. The daemon writes the whole file on every group commit, so this is paid per write.
// Each row's "before" is the way the daemon did it until issue #12, re-implemented here so that both
// run in one process on the same data:
// - encode: the whole document through JSON.stringify each time (before) / each lease's bytes kept
//   with its entry and assembled in a reused buffer (now, ipamd/checkpoint/format.ts);
// - write (encoding included): node:fs/promises with a FileHandle per step (before) / synchronous
//   calls but for the two fsyncs (now, ipamd/checkpoint/file.ts); both: temp file, write, fsync, rename, directory fsync.
// CPU is user + system time of this process per write (the thread pool's included); wall per write.
// Usage: npx tsx bench/checkpoint.ts [--leases 16,1000] [--writes 300] [--json FILE]

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../common/clock.js";
import { CheckpointEncoder, FileCheckpoint } from "../ipamd/checkpoint/index.js";
import type { CheckpointData } from "../ipamd/checkpoint/index.js";
import { Datastore } from "../ipamd/datastore/index.js";
import { snapshot } from "../ipamd/datastore/durable.js";
import { option } from "./helpers/args.mjs";

const LEASES = option("--leases", "16,1000").split(",").map(Number);
const WRITES = Number(option("--writes", "300"));
const JSON_OUT = option("--json");

function datastoreWith(n: number): Datastore {
  const ds = new Datastore({ clock: new FakeClock(1_700_000_000_000), cooldownMs: 0 });
  const ips = Array.from({ length: n }, (_, i) => `10.1.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);
  ds.addEni({ eniId: "eni-bench", mac: "02:00:00:00:00:01", deviceNumber: 0, primaryIp: "10.1.0.4", subnetCidr: "10.1.0.0/16", secondaryIps: ips });
  // Real-looking keys: 64-hex container ids, pod names of a deployment.
  for (let i = 0; i < n; i++) {
    const id = (i.toString(16).padStart(8, "0") + "5f3c9a0b7d2e4f61").repeat(4).slice(0, 64);
    ds.assign({ networkName: "aws-cni", containerID: id, ifName: "eth0" }, { k8sPodNamespace: "default", k8sPodName: `web-7d4b9c8f6-${i.toString(36)}`, interfacesCount: 1 });
  }
  return ds;
}

/** The encoding the daemon used before: every entry through JSON.stringify, nanoseconds spliced in. */
function encodeWhole(data: CheckpointData): Buffer {
  const doc = {
    version: data.version,
    allocations: data.allocations.map((a) => ({
      networkName: a.networkName, containerID: a.containerID, ifName: a.ifName, ipv4: a.ipv4,
      allocationTimestamp: `\u0000ns:${BigInt(Math.round(a.allocationTimestampMs)) * 1_000_000n}`,
      metadata: { k8sPodNamespace: a.metadata.k8sPodNamespace, k8sPodName: a.metadata.k8sPodName, interfacesCount: a.metadata.interfacesCount },
    })),
  };
  return Buffer.from(JSON.stringify(doc).replace(/"\\u0000ns:(-?\d+)"/g, "$1"), "utf8");
}

/** The file write the daemon used before: node:fs/promises, a FileHandle per step. */
async function writeWithPromises(dir: string, bytes: Buffer): Promise<void> {
  const tmp = join(dir, ".ipam.json.tmp");
  const h = await fsp.open(tmp, "w", 0o600);
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  await fsp.rename(tmp, join(dir, "ipam.json"));
  const d = await fsp.open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

interface Row { leases: number; what: string; bytes: number; cpuMsPerWrite: number; userMs: number; sysMs: number; wallMsPerWrite: number }

async function measure(leases: number, what: string, bytes: number, once: () => unknown): Promise<Row> {
  for (let i = 0; i < Math.min(30, WRITES); i++) await once(); // warm-up: JIT, buffers
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) await once();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { leases, what, bytes, cpuMsPerWrite: (c.user + c.system) / 1000 / WRITES, userMs: c.user / 1000 / WRITES, sysMs: c.system / 1000 / WRITES, wallMsPerWrite: wall / WRITES };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const n of LEASES) {
    const ds = datastoreWith(n);
    const encoder = new CheckpointEncoder();
    const size = encoder.encode(snapshot(ds)).length;
    rows.push(await measure(n, "encode: whole JSON each write (before)", size, () => encodeWhole(snapshot(ds))));
    rows.push(await measure(n, "encode: kept bytes, reused buffer (now)", size, () => encoder.encode(snapshot(ds))));
    const dir = mkdtempSync(join(tmpdir(), "bench-checkpoint-"));
    try {
      rows.push(await measure(n, "write: encode + fs/promises (before)", size, () => writeWithPromises(dir, encodeWhole(snapshot(ds)))));
      const file = new FileCheckpoint({ stateDir: dir });
      rows.push(await measure(n, "write: FileCheckpoint.save (now)", size, () => file.save(snapshot(ds))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`checkpoint writes, ${WRITES} per row; machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("leases  bytes    what                                        CPU ms/write (user+sys)   wall ms/write");
  for (const r of rows) {
    console.log(`${String(r.leases).padStart(6)} ${String(r.bytes).padStart(7)}  ${r.what.padEnd(44)} ${r.cpuMsPerWrite.toFixed(3).padStart(7)} (${r.userMs.toFixed(3)}+${r.sysMs.toFixed(3)})   ${r.wallMsPerWrite.toFixed(3).padStart(8)}`);
  }
  const json = JSON.stringify({ bench: "checkpoint", writes: WRITES, load: loadavg(), rows }, null, 2);
  if (JSON_OUT !== undefined && JSON_OUT !== "") writeFileSync(JSON_OUT, json);
  else console.log(json);
}

await main();
