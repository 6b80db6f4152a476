// The file-backed attachment store: one file per attachment, atomic replace, idempotent remove,
// networks kept apart, foreign files ignored.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileAttachmentStore, networkDirName } from "../../../plugin/verbs/state-file.js";
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

const rec = (containerId: string, ipv4: string, ifName = "eth0"): AttachmentRecord =>
  ({
    containerId,
    ifName,
    netns: `/var/run/netns/${containerId.slice(0, 40)}`,
    podNamespace: "default",
    podName: "web",
    infraContainerId: containerId,
    hostVethName: `eni${containerId.slice(0, 8)}`,
    ipv4,
    vlanId: 0,
    mode: "strict",
  }) as AttachmentRecord;

const netDir = (dir: string): string => join(dir, "state", networkDirName("aws-cni"));

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
    writeFileSync(join(netDir(dir), "stray.json"), JSON.stringify({ format: "something-else/1" }));
    expect(readdirSync(netDir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a"]);
  });

  it("skips records cut short by a crash or not JSON, so GC is not blocked by them", async () => {
    const { dir, s } = store();
    await s.put("aws-cni", rec("a", "10.0.0.1"));
    writeFileSync(join(netDir(dir), "b_eth0.json"), "");
    writeFileSync(join(netDir(dir), "c_eth0.json"), '{"format":"mock-vpc-cni-attachment/1","contai');
    writeFileSync(join(netDir(dir), "d_eth0.json"), "null");
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a"]);
  });

  it("skips a record whose values are not what the plugin writes (a newline in an address), so GC never plans it", async () => {
    const { dir, s } = store();
    await s.put("aws-cni", rec("a", "10.0.0.1"));
    const tampered = { format: "mock-vpc-cni-attachment/1", ...rec("b", "10.0.0.2"), ipv4: "10.0.0.2\nlink add evil type veth" };
    writeFileSync(join(netDir(dir), "x.json"), JSON.stringify(tampered));
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a"]);
  });

  it("gives (a_b, eth0) and (a, b_eth0) their own files (fixed-length hashed names)", async () => {
    const { dir, s } = store();
    await s.put("aws-cni", rec("a_b", "10.0.0.1", "eth0"));
    await s.put("aws-cni", rec("a", "10.0.0.2", "b_eth0"));
    expect((await s.list("aws-cni")).map((r) => `${r.containerId}+${r.ifName}`).sort()).toEqual(["a+b_eth0", "a_b+eth0"]);
    expect(readdirSync(netDir(dir)).map((f) => f.length)).toEqual([69, 69]);
    await s.remove("aws-cni", "a", "b_eth0");
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["a_b"]);
  });

  it("stores a container id and a network name longer than a file name may be (no ENAMETOOLONG)", async () => {
    const { s } = store();
    const long = "c".repeat(600);
    const net = "n".repeat(600);
    await s.put(net, rec(long, "10.0.0.1"));
    expect((await s.list(net)).map((r) => r.containerId)).toEqual([long]);
    await s.remove(net, long, "eth0");
    expect(await s.list(net)).toEqual([]);
  });

  it("still reads and removes a record of the first format (names not hashed)", async () => {
    const { dir, s } = store();
    mkdirSync(join(dir, "state", "aws-cni"), { recursive: true });
    writeFileSync(join(dir, "state", "aws-cni", "old_eth0.json"), JSON.stringify({ format: "mock-vpc-cni-attachment/1", ...rec("old", "10.0.0.3") }));
    expect((await s.list("aws-cni")).map((r) => r.containerId)).toEqual(["old"]);
    await s.remove("aws-cni", "old", "eth0");
    expect(await s.list("aws-cni")).toEqual([]);
  });

  it("parallel puts for different containers all land", async () => {
    const { s } = store();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.put("aws-cni", rec(`p${i}`, `10.0.1.${i}`))));
    expect(await s.list("aws-cni")).toHaveLength(20);
  });
});
