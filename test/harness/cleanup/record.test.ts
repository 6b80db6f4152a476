// The run record: written (atomically) before each change resolves, read back and validated.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive, listRecords, newRunId, processOf, readRecord, RunRecorder } from "../../../harness/cleanup/record.js";
import { runsDir } from "../../../harness/cleanup/where.js";

const dir = mkdtempSync(join(tmpdir(), "ux-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("run records", () => {
  it("are on disk once each change resolves, and read back as written", async () => {
    const id = newRunId("demo");
    expect(id).toMatch(/^demo-\d{8}-\d{6}-[0-9a-f]{6}$/);
    const r = await RunRecorder.create({ id, command: "vpc-cni-harness demo", dir: "/tmp/vpc-cni-harness-x", root: true }, dir);
    await r.addNetns("cni-1");
    await Promise.all([r.addNetns("cni-2"), r.addAddress({ ip: "10.0.0.5" }), r.addHostLinks(["h1-trunk2", "", "h1-trunk2"])]);
    await r.addAddress({ ip: "10.0.0.5", vlanId: 3, vlanMac: "02:00:00:00:00:03" });
    const back = await readRecord(r.path);
    expect(back).toMatchObject({ id, netns: ["cni-1", "cni-2"], hostLinks: ["h1-trunk2"], addresses: [{ ip: "10.0.0.5", vlanId: 3, vlanMac: "02:00:00:00:00:03" }], owner: { pid: process.pid } });
    expect(JSON.parse(readFileSync(r.path, "utf8"))).toEqual(back);
    expect((await listRecords(dir)).records.map((x) => x.record.id)).toEqual([id]);
    await r.remove();
    expect((await listRecords(dir)).records).toEqual([]);
  });
  it("refuse a file this version did not write", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ version: 2 }));
    await expect(readRecord(bad)).rejects.toThrow(/not one this version wrote/);
    expect((await listRecords(dir)).problems).toEqual([expect.stringMatching(/bad\.json is not one this version wrote/)]);
    rmSync(bad);
  });
  it("tell a live process from a reused pid by its start time", async () => {
    const me = await processOf(process.pid);
    expect(await isAlive(me)).toBe(true);
    expect(await isAlive({ pid: process.pid, startTicks: "0" })).toBe(false);
    expect(await isAlive(undefined)).toBe(false);
  });
  it("live in /run as root and in the user's runtime or temp dir otherwise", () => {
    expect(runsDir({}, 0)).toBe("/run/vpc-cni-harness/runs");
    expect(runsDir({ XDG_RUNTIME_DIR: "/run/user/1000" }, 1000)).toBe("/run/user/1000/vpc-cni-harness/runs");
    expect(runsDir({}, 1000)).toBe(join(tmpdir(), "vpc-cni-harness-1000", "runs"));
  });
});
