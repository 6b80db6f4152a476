// The libcni-like runtime against tiny fixture plugins (exec'd processes): injection, prevResult,
// runtimeConfig, env, cache, reverse DEL, error wording, deadline kill, CHECK/GC/STATUS gates.

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheFile, createCniRuntime, parseConfList } from "../../../runtime/libcni/index.js";
import type { ExecRecord, NetworkConfigList } from "../../../runtime/libcni/index.js";
import { makeBinDir, readRecords } from "./fixtures.js";

let binDir = "";
let work = "";
beforeAll(async () => {
  binDir = await makeBinDir(["first", "second", "third"]);
  work = await mkdtemp(join(tmpdir(), "libcni-work-"));
});
afterAll(async () => {
  await rm(binDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

let n = 0;
function setup(plugins: Record<string, unknown>[], extra: Record<string, unknown> = {}, timeoutMs = 5_000) {
  const id = ++n;
  const record = join(work, `rec-${id}.jsonl`);
  const cacheDir = join(work, `cache-${id}`);
  const list: NetworkConfigList = parseConfList(JSON.stringify({ cniVersion: "1.0.0", name: "testnet", ...extra, plugins: plugins.map((p) => ({ record, ...p })) }));
  const execs: ExecRecord[] = [];
  const runtime = createCniRuntime({ binDirs: ["/nonexistent", binDir], cacheDir, execTimeoutMs: timeoutMs, onExec: (r) => execs.push(r) });
  const rt = { containerId: `c${id}abc`, netns: "/run/netns/x", ifName: "eth0", args: [["IgnoreUnknown", "1"], ["K8S_POD_NAME", "p"]] as const, capabilityArgs: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }], bandwidth: { ingressRate: 1 } } };
  return { list, runtime, rt, record, cacheDir, execs };
}

describe("libcni-like runtime with fixture plugins", () => {
  it("ADD: injects name/cniVersion, prevResult after the first plugin, runtimeConfig from declared capabilities, the CNI env; caches the result", async () => {
    const t = setup([
      { type: "first", mode: "result", resultVersion: "0.4.0" },
      { type: "second", capabilities: { portMappings: true, bandwidth: false, mac: true } },
      { type: "third" },
    ]);
    const result = await t.runtime.addNetworkList(t.list, t.rt);
    const recs = await readRecords(t.record);
    expect(recs.map((r) => r.type)).toEqual(["first", "second", "third"]);
    for (const r of recs) {
      expect(r.conf.name).toBe("testnet");
      expect(r.conf.cniVersion).toBe("1.0.0");
      expect(r.env).toEqual({ CNI_COMMAND: "ADD", CNI_CONTAINERID: t.rt.containerId, CNI_NETNS: "/run/netns/x", CNI_IFNAME: "eth0", CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAME=p", CNI_PATH: `/nonexistent:${binDir}` });
    }
    expect(recs[0]?.conf.prevResult).toBeUndefined();
    // libcni passes the 0.4.0 result on as the plugin printed it (plugins convert prevResult themselves).
    expect(recs[1]?.conf.prevResult).toEqual({ cniVersion: "0.4.0", interfaces: [{ name: "eth0", sandbox: "/run/netns/x" }], ips: [{ address: "10.9.0.2/24", gateway: "10.9.0.1", interface: 0, version: "4" }], dns: {} });
    expect(recs[2]?.conf.prevResult).toEqual(recs[1]?.conf.prevResult);
    expect(recs[0]?.conf.runtimeConfig).toBeUndefined();
    expect(recs[1]?.conf.runtimeConfig).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }] });
    expect(recs[2]?.conf.runtimeConfig).toBeUndefined();
    expect(result).toEqual(recs[1]?.conf.prevResult);
    const cache = JSON.parse(await readFile(cacheFile(t.cacheDir, "testnet", t.rt), "utf8")) as Record<string, unknown>;
    expect(cache).toMatchObject({ kind: "cniCacheV1", containerId: t.rt.containerId, ifName: "eth0", networkName: "testnet", result });
    expect(Buffer.from(cache.config as string, "base64").toString()).toBe(t.list.bytes);
    expect(t.execs.map((e) => [e.verb, e.pluginType, e.ok])).toEqual([["ADD", "first", true], ["ADD", "second", true], ["ADD", "third", true]]);
  });

  it("DEL: reverse order with the cached result converted to the list's version as prevResult, cache removed", async () => {
    const t = setup([{ type: "first", mode: "result" }, { type: "second" }, { type: "third" }]);
    await t.runtime.addNetworkList(t.list, t.rt);
    await t.runtime.delNetworkList(t.list, { ...t.rt, netns: "" });
    const dels = (await readRecords(t.record)).filter((r) => r.env.CNI_COMMAND === "DEL");
    expect(dels.map((r) => r.type)).toEqual(["third", "second", "first"]);
    // libcni's getCachedResult: GetAsVersion(list version), here 0.4.0 -> 1.0.0 (no ips[].version).
    const converted = { cniVersion: "1.0.0", interfaces: [{ name: "eth0", sandbox: "/run/netns/x" }], ips: [{ address: "10.9.0.2/24", gateway: "10.9.0.1", interface: 0 }], dns: {} };
    for (const d of dels) expect(d.conf.prevResult).toEqual(converted);
    expect(dels[0]?.env.CNI_NETNS).toBe("");
    expect(existsSync(cacheFile(t.cacheDir, "testnet", t.rt))).toBe(false);
  });

  it("DEL of a 0.3.1 list sends no prevResult; DEL without a cache still runs every plugin", async () => {
    const t = setup([{ type: "first", mode: "result" }, { type: "second" }], { cniVersion: "0.3.1" });
    await t.runtime.addNetworkList(t.list, t.rt);
    await t.runtime.delNetworkList(t.list, t.rt);
    await t.runtime.delNetworkList(t.list, t.rt);
    const dels = (await readRecords(t.record)).filter((r) => r.env.CNI_COMMAND === "DEL");
    expect(dels.map((r) => [r.type, r.conf.prevResult])).toEqual([["second", undefined], ["first", undefined], ["second", undefined], ["first", undefined]]);
  });

  it("ADD stops at the first failing plugin, reports libcni's wording with msg; details, caches nothing", async () => {
    const t = setup([{ type: "first", mode: "result" }, { type: "second", name: "aws-cni", mode: "fail", msg: "add cmd: failed to assign an IP address to container", details: "branch ENI not annotated yet" }, { type: "third" }]);
    await expect(t.runtime.addNetworkList(t.list, t.rt)).rejects.toThrow(
      'plugin type="second" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container; branch ENI not annotated yet',
    );
    expect((await readRecords(t.record)).map((r) => r.type)).toEqual(["first", "second"]);
    expect(existsSync(cacheFile(t.cacheDir, "testnet", t.rt))).toBe(false);
  });

  it("a failing DEL is reported as failed (delete) and keeps the cache", async () => {
    const t = setup([{ type: "first", mode: "result", modes: { DEL: "fail" }, msg: "gone wrong" }]);
    await t.runtime.addNetworkList(t.list, t.rt);
    await expect(t.runtime.delNetworkList(t.list, t.rt)).rejects.toThrow('plugin type="first" failed (delete): gone wrong');
    expect(existsSync(cacheFile(t.cacheDir, "testnet", t.rt))).toBe(true);
  });

  it("an ADD that exits 0 without printing a result fails, as libcni's result parsing does; nothing cached", async () => {
    const t = setup([{ type: "first", mode: "result" }, { type: "second", mode: "silent" }, { type: "third" }]);
    await expect(t.runtime.addNetworkList(t.list, t.rt)).rejects.toThrow('plugin type="second" failed (add): failed to unmarshal raw result: unexpected end of JSON input');
    expect((await readRecords(t.record)).map((r) => r.type)).toEqual(["first", "second"]);
    expect(existsSync(cacheFile(t.cacheDir, "testnet", t.rt))).toBe(false);
    expect(t.execs.map((e) => [e.pluginType, e.ok])).toEqual([["first", true], ["second", false]]);
  });

  it("a plugin that exits without an error object is reported with its exit status and stderr", async () => {
    const t = setup([{ type: "first", mode: "garbage" }]);
    await expect(t.runtime.addNetworkList(t.list, t.rt)).rejects.toThrow(/failed \(add\): netplugin failed with no error message: exit status 2: "something broke"/);
  });

  it("kills a plugin past the deadline", async () => {
    // The deadline leaves the (node) plugin time to start and record its pid on a busy machine.
    const t = setup([{ type: "first", mode: "hang" }], {}, 3000);
    const err = await t.runtime.addNetworkList(t.list, t.rt).catch((e: unknown) => e);
    expect(String(err)).toMatch(/failed \(add\): netplugin failed: deadline of 3000ms exceeded/);
    expect((err as { kind?: string }).kind).toBe("deadline");
    // The hung plugin itself is gone (killed, and reaped), not merely abandoned.
    const [rec] = await readRecords(t.record);
    expect(rec?.pid).toBeGreaterThan(0);
    expect(() => process.kill(rec?.pid as number, 0)).toThrow(/ESRCH/);
  });

  it("a missing binary is named with the search path", async () => {
    const t = setup([{ type: "nosuch" }]);
    await expect(t.runtime.addNetworkList(t.list, t.rt)).rejects.toThrow(`plugin type="nosuch" failed (add): failed to find plugin "nosuch" in path [/nonexistent ${binDir}]`);
  });

  it("CHECK: an error below 0.4.0, a no-op with disableCheck, else every plugin with the cached result", async () => {
    const old = setup([{ type: "first", mode: "result" }], { cniVersion: "0.3.1" });
    await expect(old.runtime.checkNetworkList(old.list, old.rt)).rejects.toThrow('configuration version "0.3.1" does not support the CHECK command');
    const off = setup([{ type: "first", mode: "result" }], { disableCheck: true });
    await off.runtime.checkNetworkList(off.list, off.rt);
    expect(await readRecords(off.record)).toEqual([]);
    const on = setup([{ type: "first", mode: "result" }, { type: "second" }]);
    const result = await on.runtime.addNetworkList(on.list, on.rt);
    await on.runtime.checkNetworkList(on.list, on.rt);
    const checks = (await readRecords(on.record)).filter((r) => r.env.CNI_COMMAND === "CHECK");
    // The cached 0.4.0 result, read back in the list's 1.0.0.
    const cached = { ...result, cniVersion: "1.0.0", ips: [{ address: "10.9.0.2/24", gateway: "10.9.0.1", interface: 0 }] };
    expect(checks.map((c) => [c.type, c.conf.prevResult])).toEqual([["first", cached], ["second", cached]]);
    // As libcni: without a cached result CHECK still runs (no prevResult), and a failing plugin's
    // error comes back as the plugin wrote it, without the "plugin type=... failed" prefix.
    const bad = setup([{ type: "first", modes: { CHECK: "fail" }, msg: "eth0 has no address 10.9.0.2/24" }, { type: "second" }]);
    await expect(bad.runtime.checkNetworkList(bad.list, bad.rt)).rejects.toThrow(/^eth0 has no address 10\.9\.0\.2\/24$/);
    expect((await readRecords(bad.record)).map((r) => [r.type, r.conf.prevResult])).toEqual([["first", undefined]]);
  });

  it("GC: DELs stale cached attachments, then sends GC with the valid attachments (1.1.0); disableGC is a no-op", async () => {
    const t = setup([{ type: "first", mode: "result" }], { cniVersion: "1.1.0" });
    await t.runtime.addNetworkList(t.list, { ...t.rt, containerId: "keepme" });
    await t.runtime.addNetworkList(t.list, { ...t.rt, containerId: "stale" });
    await t.runtime.gcNetworkList(t.list, [{ containerID: "keepme", ifname: "eth0" }]);
    const recs = (await readRecords(t.record)).filter((r) => r.env.CNI_COMMAND !== "ADD");
    expect(recs.map((r) => [r.env.CNI_COMMAND, r.env.CNI_CONTAINERID])).toEqual([["DEL", "stale"], ["GC", ""]]);
    expect(recs[1]?.conf["cni.dev/valid-attachments"]).toEqual([{ containerID: "keepme", ifname: "eth0" }]);
    expect(existsSync(cacheFile(t.cacheDir, "testnet", { containerId: "stale", ifName: "eth0" }))).toBe(false);
    expect(existsSync(cacheFile(t.cacheDir, "testnet", { containerId: "keepme", ifName: "eth0" }))).toBe(true);
    const off = setup([{ type: "first" }], { cniVersion: "1.1.0", disableGC: true });
    await off.runtime.gcNetworkList(off.list, []);
    expect(await readRecords(off.record)).toEqual([]);
  });

  it("STATUS: a no-op below 1.1.0, stops at the first failing plugin", async () => {
    const old = setup([{ type: "first", mode: "fail" }], { cniVersion: "1.0.0" });
    await old.runtime.statusNetworkList(old.list);
    expect(await readRecords(old.record)).toEqual([]);
    const t = setup([{ type: "first", mode: "fail", code: 50, msg: "not ready" }, { type: "second" }], { cniVersion: "1.1.0" });
    await expect(t.runtime.statusNetworkList(t.list)).rejects.toThrow('plugin type="first" failed (status): not ready');
    expect((await readRecords(t.record)).map((r) => r.type)).toEqual(["first"]);
  });
});
