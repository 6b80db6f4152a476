// kill -9 in the middle of ADD/DEL bursts on the real checkpoint file: the file always parses, and
// every lease whose ADD had resolved (and was not released since) is in it with its IP; every DEL
// that had resolved is gone from it; no IP appears twice. Then the leases restore.

import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../common/clock.js";
import { FileCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "../../..");
const CHILD = join(here, "fixtures/burst-child.ts");

/** Runs the child until it has confirmed `ops` operations, SIGKILLs it, returns its confirmations. */
async function burstThenKill(stateDir: string, ops: number): Promise<string[]> {
  // One process (node with tsx's loader), not the tsx launcher: SIGKILL must hit the writer itself.
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, stateDir], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child confirmed too little in 60 s: ${out.length} bytes; stderr: ${err}`)), 60_000);
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.split("\n").length > ops) {
          child.kill("SIGKILL");
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", () => (clearTimeout(timer), reject(new Error(`child exited early: ${err}`))));
    });
  } finally {
    child.kill("SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
  // Lines are written whole (one write each); drop a last line cut by the kill, if any.
  return out.split("\n").filter((l) => /^(ADD ctr\d+ [\d.]+|DEL ctr\d+)$/.test(l));
}

describe("checkpoint under kill -9", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "h3-crash-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([150, 400, 900])("killed after %i confirmed operations: no promised lease lost, none duplicated", async (ops) => {
    const lines = await burstThenKill(dir, ops);
    expect(lines.length).toBeGreaterThanOrEqual(ops);
    const promised = new Map<string, string>();
    for (const l of lines) {
      const [verb, ctr, ip] = l.split(" ") as [string, string, string | undefined];
      if (verb === "ADD") promised.set(ctr, ip as string);
      else promised.delete(ctr);
    }
    const released = new Set(lines.filter((l) => l.startsWith("DEL")).map((l) => l.split(" ")[1]));

    const data = await new FileCheckpoint({ stateDir: dir }).load();
    expect(data?.version).toBe("vpc-cni-ipam/1");
    const saved = new Map((data?.allocations ?? []).map((a) => [a.containerID, a.ipv4]));
    expect(saved.size).toBe(data?.allocations.length);
    expect(new Set(saved.values()).size).toBe(saved.size);
    for (const [ctr, ip] of promised) expect(saved.get(ctr), ctr).toBe(ip);
    for (const ctr of released) if (!promised.has(ctr as string)) expect(saved.has(ctr as string), ctr).toBe(false);

    // And a restart takes every saved lease back.
    const ds = new Datastore({ clock: systemClock });
    ds.addEni({
      eniId: "eni-crash", mac: "02:00:00:00:0c:01", deviceNumber: 0, primaryIp: "10.9.0.4", subnetCidr: "10.9.0.0/16",
      secondaryIps: Array.from({ length: 200 }, (_, i) => `10.9.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`),
    });
    const report = await new DurableDatastore(ds, new FileCheckpoint({ stateDir: dir })).restore();
    expect(report).toEqual({ restored: saved.size, unbacked: [] });
    expect((await readdir(dir)).filter((f) => f === "ipam.json")).toHaveLength(1);
  });
});
