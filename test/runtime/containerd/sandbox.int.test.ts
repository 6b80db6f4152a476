// containerd-like sandboxes through the libcni-like runtime with Debian's loopback, bridge,
// host-local and portmap in real network namespaces; failure undo and containerd's error wording.

import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PodObject } from "../../../cluster/k8s/index.js";
import { createCniSandboxRuntime } from "../../../runtime/containerd/index.js";
import type { SandboxCall } from "../../../runtime/containerd/index.js";
import { newSandboxId } from "../../../runtime/kubelet/index.js";
import { cacheFile, createCniRuntime, loopbackList, parseConfList } from "../../../runtime/libcni/index.js";
import { fakeNetns, realNetns } from "../../../runtime/netns.js";
import { makeBinDir, readRecords } from "../libcni/fixtures.js";
import { describeIf, missingOf, needRoot } from "../../helpers/prereq.js";

const DEBIAN = "/usr/lib/cni";
const BRIDGE = "h6test0";
const root = process.getuid?.() === 0 && existsSync(join(DEBIAN, "bridge"));

const pod: PodObject = {
  namespace: "default", name: "web", uid: "uid-web", labels: {}, annotations: {}, limits: {}, requests: {},
  serviceAccount: "default", nodeName: "n", createdAt: 0, scheduledAt: 0, deletedAt: undefined, deletionGracePeriodSeconds: undefined, containers: ["app"], hostNetwork: false, phase: "", resourceVersion: "1",
};

describeIf(root ? undefined : missingOf(needRoot(), "Debian's containernetworking-plugins"), "sandboxes with Debian's bridge + host-local + portmap (needs root: network namespaces)", () => {
  let work = "";
  let fixtures = "";
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "h6-sandbox-"));
    fixtures = await makeBinDir(["fixture"]);
  });
  afterAll(async () => {
    await execa("ip", ["link", "del", BRIDGE], { reject: false });
    await rm(work, { recursive: true, force: true });
    await rm(fixtures, { recursive: true, force: true });
  });

  function setup(extra: Record<string, unknown>[] = []) {
    const hostLocalDir = join(work, "host-local");
    const list = parseConfList(JSON.stringify({
      cniVersion: "1.0.0", name: "h6net",
      plugins: [
        { type: "bridge", bridge: BRIDGE, isGateway: true, ipMasq: false, ipam: { type: "host-local", dataDir: hostLocalDir, ranges: [[{ subnet: "10.77.0.0/24" }]] } },
        ...extra,
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    }));
    const cacheDir = join(work, "cache");
    const calls: SandboxCall[] = [];
    const cni = createCniRuntime({ binDirs: [fixtures, DEBIAN], cacheDir, execTimeoutMs: 10_000 });
    const runtime = createCniSandboxRuntime({
      cni, podNetwork: list, loopback: loopbackList(), netns: realNetns(), onCall: (c) => calls.push(c),
      capabilityArgs: () => ({ portMappings: [{ hostPort: 18080, containerPort: 80, protocol: "tcp" }] }),
    });
    const leases = (): string[] => (existsSync(join(hostLocalDir, "h6net")) ? readdirSync(join(hostLocalDir, "h6net")).filter((f) => f.startsWith("10.")) : []);
    return { list, cacheDir, calls, runtime, leases };
  }

  it("RunPodSandbox gives eth0 an address inside a new netns; Stop+Remove DEL twice and free everything", async () => {
    const t = setup();
    const id = newSandboxId(Math.random);
    const out = await t.runtime.runPodSandbox(pod, { sandboxId: id, attempt: 1 }, new AbortController().signal);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.sandbox.ips[0]).toMatch(/^10\.77\.0\.\d+\/24$/);
    const ns = out.sandbox.netns.split("/").pop() ?? "";
    const addr = await execa("ip", ["-n", ns, "-4", "-o", "addr", "show", "eth0"]);
    expect(addr.stdout).toContain(out.sandbox.ips[0]);
    const lo = await execa("ip", ["-n", ns, "link", "show", "lo"]);
    expect(lo.stdout).toContain("UP");
    expect(existsSync(cacheFile(t.cacheDir, "h6net", { containerId: id, ifName: "eth0" }))).toBe(true);
    expect(t.leases()).toHaveLength(1);
    const nat = await execa("iptables", ["-t", "nat", "-S"], { reject: false });
    expect(nat.stdout).toContain("18080");

    await t.runtime.stopPodSandbox(pod, out.sandbox, new AbortController().signal);
    expect(existsSync(out.sandbox.netns)).toBe(false);
    expect(existsSync(cacheFile(t.cacheDir, "h6net", { containerId: id, ifName: "eth0" }))).toBe(false);
    expect(t.leases()).toEqual([]);
    const dels = t.calls.filter((c) => c.verb === "DEL" && c.network === "h6net");
    expect(dels.map((d) => [d.netns === "" ? "empty" : "netns", d.ok])).toEqual([["netns", true], ["empty", true]]);
    const nat2 = await execa("iptables", ["-t", "nat", "-S"], { reject: false });
    expect(nat2.stdout).not.toContain("18080");
  });

  it("a failing plugin mid-chain: containerd's message, DEL runs (lease freed), netns removed, nothing cached", async () => {
    const record = join(work, "fail.jsonl");
    const t = setup([{ type: "fixture", name: "aws-cni", record, mode: "pass", modes: { ADD: "fail" }, msg: "add cmd: failed to assign an IP address to container" }]);
    const id = newSandboxId(Math.random);
    const out = await t.runtime.runPodSandbox(pod, { sandboxId: id, attempt: 1 }, new AbortController().signal);
    expect(out).toEqual({ ok: false, error: `failed to setup network for sandbox "${id}": plugin type="fixture" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container` });
    const recs = await readRecords(record);
    expect(recs.map((r) => r.env.CNI_COMMAND)).toEqual(["ADD", "DEL"]);
    // The cleanup DEL has no prevResult: nothing was cached for a failed ADD.
    expect(recs[1]?.conf.prevResult).toBeUndefined();
    expect(recs[0]?.env.CNI_ARGS).toBe(`IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=${id};K8S_POD_UID=uid-web`);
    expect(t.leases()).toEqual([]);
    const nsName = recs[0]?.env.CNI_NETNS ?? "";
    expect(nsName).toMatch(/^\/run\/netns\/cni-/);
    expect(existsSync(nsName)).toBe(false);
    expect(existsSync(cacheFile(t.cacheDir, "h6net", { containerId: id, ifName: "eth0" }))).toBe(false);
  });
});

describe("a result without an IP on eth0 (fake netns, fixture plugin)", () => {
  it("fails the sandbox as containerd does (failed to find network info), DELs it with the cached result, removes netns and cache", async () => {
    const work = await mkdtemp(join(tmpdir(), "h6-noip-"));
    const fixtures = await makeBinDir(["fixture"]);
    try {
      const record = join(work, "rec.jsonl");
      // The plugin puts its address on "net1", not on the eth0 it was asked for.
      const list = parseConfList(JSON.stringify({ cniVersion: "1.0.0", name: "noipnet", plugins: [{ type: "fixture", record, mode: "result", resultIfName: "net1" }] }));
      const cacheDir = join(work, "cache");
      const runtime = createCniSandboxRuntime({
        cni: createCniRuntime({ binDirs: [fixtures], cacheDir, execTimeoutMs: 10_000 }), podNetwork: list, loopback: undefined, netns: fakeNetns(join(work, "netns")),
      });
      const id = newSandboxId(Math.random);
      const out = await runtime.runPodSandbox(pod, { sandboxId: id, attempt: 1 }, new AbortController().signal);
      expect(out).toEqual({ ok: false, error: `failed to find network info for sandbox "${id}"` });
      const recs = await readRecords(record);
      expect(recs.map((r) => r.env.CNI_COMMAND)).toEqual(["ADD", "DEL"]);
      expect(recs[1]?.conf.prevResult).toMatchObject({ interfaces: [{ name: "net1" }] });
      expect(existsSync(recs[0]?.env.CNI_NETNS ?? "")).toBe(false);
      expect(existsSync(cacheFile(cacheDir, "noipnet", { containerId: id, ifName: "eth0" }))).toBe(false);
    } finally {
      await rm(work, { recursive: true, force: true });
      await rm(fixtures, { recursive: true, force: true });
    }
  });
});
