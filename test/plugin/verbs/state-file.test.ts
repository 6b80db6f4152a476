// The file-backed attachment store: one file per attachment, atomic replace, idempotent remove,
// networks kept apart, foreign files ignored.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileAttachmentStore } from "../../../plugin/verbs/state-file.js";
import type { AttachmentRecord } from "../../../plugin/verbs/state.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store() {
  const dir = mkdtempSync(join(tmpdir(), "h1-state-"));
  dirs.push(dir);
  return { dir, s: fileAttachmentStore(join(dir, "state")) };
}

const rec = (containerId: string, ipv4: string): AttachmentRecord => ({
  containerId,
  ifName: "eth0",
  netns: `/var/run/netns/${containerId}`,
  podNamespace: "default",
  podName: containerId,
  infraContainerId: containerId,
  hostVethName: `eni${containerId}`,
  ipv4,
  vlanId: 0,
  mode: "strict",
});

describe("fileAttachmentStore", () => {
  it("lists nothing for an unknown network or a missing state dir", async () => {
    expect(await store().s.list("aws-cni")).toEqual([]);
  });

  it("puts, replaces, lists per network and removes idempotently", async () => {
    const { s } = store();
    await s.put("aws-cni", rec("a", "10.0.0.1"));
    await s.put("aws-cni", rec("b", "10.0.0.2"));
    await s.put("aws-cni", rec("a", "10.0.0.9"));
    await s.put("other", rec("c", "10.1.0.1"));
    const list = (await s.list("aws-cni")).sort((x, y) => x.containerId.localeCompare(y.containerId));
    expect(list).toEqual([rec("a", "10.0.0.9"), rec("b", "10.0.0.2")]);
    await s.remove("aws-cni", "a", "eth0");
    await s.remove("aws-cni", "a", "eth0");
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["b"]);
    expect((await s.list("other")).map((r) => r.containerId)).toEqual(["c"]);
  });

  it("leaves no temp files and ignores files of another format", async () => {
    const { dir, s } = store();
    await s.put("aws-cni", rec("a", "10.0.0.1"));
    writeFileSync(join(dir, "state", "aws-cni", "stray.json"), JSON.stringify({ format: "something-else/1" }));
    expect(readdirSync(join(dir, "state", "aws-cni")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a"]);
  });

  it("skips records cut short by a crash or not JSON, so GC is not blocked by them", async () => {
    const { dir, s } = store();
    await s.put("aws-cni", rec("a", "10.0.0.1"));
    writeFileSync(join(dir, "state", "aws-cni", "b_eth0.json"), "");
    writeFileSync(join(dir, "state", "aws-cni", "c_eth0.json"), '{"format":"mock-vpc-cni-attachment/1","contai');
    writeFileSync(join(dir, "state", "aws-cni", "d_eth0.json"), "null");
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a"]);
  });

  it("parallel puts for different containers all land", async () => {
    const { s } = store();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.put("aws-cni", rec(`p${i}`, `10.0.1.${i}`))));
    expect(await s.list("aws-cni")).toHaveLength(20);
  });
});
