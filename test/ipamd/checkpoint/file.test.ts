// The checkpoint file on a real temp dir: atomic replace (temp + fsync + rename + dir fsync), one
// file fsync per write, a failed write leaves the old file whole, corrupt files are refused.

import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileCheckpoint, nodeCheckpointFs } from "../../../ipamd/checkpoint/index.js";
import type { CheckpointData, CheckpointFs } from "../../../ipamd/checkpoint/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "h3-checkpoint-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function data(...ips: string[]): CheckpointData {
  return {
    version: "vpc-cni-ipam/1",
    allocations: ips.map((ip, i) => ({
      networkName: "aws-cni",
      containerID: `c${i}`,
      ifName: "eth0",
      ipv4: ip,
      allocationTimestampMs: 1000 + i,
      metadata: { k8sPodNamespace: "default", k8sPodName: `p${i}`, interfacesCount: 1 },
    })),
  };
}

/** The real fs, recording each operation, with an optional failure on one of them. */
function recordingFs(failOn?: string): { fs: CheckpointFs; ops: string[] } {
  const ops: string[] = [];
  const fail = (op: string): void => {
    ops.push(op);
    if (op === failOn) throw Object.assign(new Error(`${op}: EIO (injected)`), { code: "EIO" });
  };
  const dirs = new Set<number>();
  const fs: CheckpointFs = {
    ...nodeCheckpointFs,
    write: (fd, d) => (fail("write"), nodeCheckpointFs.write(fd, d)),
    openDir(d) {
      const fd = nodeCheckpointFs.openDir(d);
      dirs.add(fd);
      return fd;
    },
    fsync: (fd) => (fail(dirs.has(fd) ? "fsync-dir" : "fsync-file"), nodeCheckpointFs.fsync(fd)),
    close(fd) {
      dirs.delete(fd);
      nodeCheckpointFs.close(fd);
    },
    rename: (a, b) => (fail("rename"), nodeCheckpointFs.rename(a, b)),
  };
  return { fs, ops };
}

describe("FileCheckpoint", () => {
  it("writes <state-dir>/ipam.json and reads it back; no file means no data", async () => {
    const cp = new FileCheckpoint({ stateDir: join(dir, "state") });
    expect(cp.path).toBe(join(dir, "state", "ipam.json"));
    expect(await cp.load()).toBeUndefined();
    await cp.save(data("10.0.0.11", "10.0.0.12"));
    expect(await cp.load()).toEqual(data("10.0.0.11", "10.0.0.12"));
    const raw = JSON.parse(await readFile(cp.path, "utf8")) as { version: string; allocations: unknown[] };
    expect(raw.version).toBe("vpc-cni-ipam/1");
    expect(raw.allocations).toHaveLength(2);
    expect(await readdir(join(dir, "state"))).toEqual(["ipam.json"]);
  });

  it("writes a temp file, fsyncs it, renames it over, then fsyncs the directory", async () => {
    const { fs, ops } = recordingFs();
    const cp = new FileCheckpoint({ stateDir: dir, fs });
    await cp.save(data("10.0.0.11"));
    expect(ops).toEqual(["write", "fsync-file", "rename", "fsync-dir"]);
  });

  it.each(["write", "fsync-file", "rename"])("a failure at %s leaves the previous file whole and no temp file", async (failOn) => {
    await new FileCheckpoint({ stateDir: dir }).save(data("10.0.0.11"));
    const { fs } = recordingFs(failOn);
    const cp = new FileCheckpoint({ stateDir: dir, fs });
    await expect(cp.save(data("10.0.0.11", "10.0.0.12"))).rejects.toThrow(`checkpoint ${join(dir, "ipam.json")}: write failed: ${failOn}: EIO`);
    expect(await cp.load()).toEqual(data("10.0.0.11"));
    expect(await readdir(dir)).toEqual(["ipam.json"]);
  });

  it("refuses a corrupt file, naming it, and leaves it in place", async () => {
    const file = join(dir, "ipam.json");
    await writeFile(file, '{"version":"vpc-cni-ipam/1","allocations":[{"networkName"');
    const cp = new FileCheckpoint({ stateDir: dir });
    await expect(cp.load()).rejects.toThrow(`checkpoint ${file}: not valid JSON`);
    expect(await readFile(file, "utf8")).toContain("networkName");
  });

  it("refuses a foreign version", async () => {
    await writeFile(join(dir, "ipam.json"), '{"version":"other-cni/7","allocations":[]}');
    await expect(new FileCheckpoint({ stateDir: dir }).load()).rejects.toThrow(/format version "other-cni\/7" is not "vpc-cni-ipam\/1"/);
  });

  it("reports an unreadable file as unavailable, not as empty", async () => {
    const fs: CheckpointFs = { ...nodeCheckpointFs, readFile: async () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" })) };
    await expect(new FileCheckpoint({ stateDir: dir, fs }).load()).rejects.toThrow(/cannot read: EACCES/);
  });
});
