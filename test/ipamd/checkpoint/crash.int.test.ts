// kill -9 in the middle of ADD/DEL bursts on the real checkpoint file: the file always parses, every
// lease whose ADD had resolved (and whose release had not started) is in it with its IP, every DEL
// that had resolved is gone from it, no IP appears twice (fixtures/crash-check.ts). Then the leases
// restore. Every crash point of the same workload is also checked one by one, on a modelled file
// system, in crash-model.test.ts; this test adds the real kernel, disk and process death.
//
// Two races of this test's first version made it fail now and then on a loaded machine, with a
// "promised" lease missing (the daemon was right both times):
// - A release whose write was already durable (renamed over the file) but whose promise had not
//   resolved when the kill came: the lease is rightly gone, but the test counted it as promised
//   until it saw "DEL". The child now says "REL" before a release starts; such a lease may be
//   either way.
// - The lines were read at the child's "exit", which Node may emit before the pipe is drained:
//   lines the child wrote before its death were missed. The test now reads until "close".
// A third made the child die before its kill ("child exited early"): it announced on stdout, which
// is non-blocking under tsx, so a parent slow to read made its writeSync throw EAGAIN. It now
// announces on a pipe of its own, fd 3 (fixtures/burst-child.ts).

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../common/clock.js";
import { FileCheckpoint } from "../../../ipamd/checkpoint/index.js";
import { Datastore, DurableDatastore } from "../../../ipamd/datastore/index.js";
import { BURST_IPS } from "./fixtures/bursts.js";
import { announcedLines, crashProblems } from "./fixtures/crash-check.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "../../..");
const CHILD = join(here, "fixtures/burst-child.ts");

/** Runs the child until it has announced `ops` lines, SIGKILLs it, returns every line it wrote. */
async function burstThenKill(stateDir: string, ops: number): Promise<string[]> {
  // One process (node with tsx's loader), not the tsx launcher: SIGKILL must hit the writer itself.
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, stateDir], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe", "pipe"] });
  const announced = child.stdio[3] as Readable;
  let out = "";
  let err = "";
  child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  announced.on("data", (b: Buffer) => (out += b.toString()));
  // "close": the process has exited and its pipes, fd 3's too, are drained (every line written before the kill).
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, sig) => resolve(sig)));
  running = child;
  // No clock: the child announces enough lines or exits (then the test fails with its stderr);
  // a child that hangs is vitest's timeout, and afterEach kills it.
  try {
    await new Promise<void>((resolve, reject) => {
      announced.on("data", () => {
        if (out.split("\n").length > ops) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => reject(new Error(`child exited early: ${err}`)));
    });
  } finally {
    child.kill("SIGKILL");
  }
  expect(await closed).toBe("SIGKILL");
  return announcedLines(out);
}

/** The child of the running test, killed in afterEach whatever happened. */
let running: ChildProcess | undefined;

describe("checkpoint under kill -9", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "h3-crash-"));
  });
  afterEach(async () => {
    running?.kill("SIGKILL");
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it.each([150, 400, 900])("killed after %i announced operations: no promised lease lost, none duplicated", async (ops) => {
    const lines = await burstThenKill(dir, ops);
    expect(lines.length).toBeGreaterThanOrEqual(ops);
    const data = await new FileCheckpoint({ stateDir: dir }).load();
    expect(data?.version).toBe("vpc-cni-ipam/1");
    expect(crashProblems(lines, data)).toEqual([]);

    // And a restart takes every saved lease back.
    const ds = new Datastore({ clock: systemClock });
    ds.addEni({ eniId: "eni-crash", mac: "02:00:00:00:0c:01", deviceNumber: 0, primaryIp: "10.9.0.4", subnetCidr: "10.9.0.0/16", secondaryIps: [...BURST_IPS] });
    const report = await new DurableDatastore(ds, new FileCheckpoint({ stateDir: dir })).restore();
    expect(report).toEqual({ restored: data?.allocations.length, unbacked: [] });
    expect((await readdir(dir)).filter((f) => f === "ipam.json")).toHaveLength(1);
  });
});
