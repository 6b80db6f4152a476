// Conf dir loading, cniVersions picking, result conversion and config injection (pure parts of the runtime).

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertResult, loadConfDir, parseConfList, pickVersion } from "../../../runtime/libcni/index.js";
import { buildPluginConfig, formatCniArgs, pluginDescription } from "../../../runtime/libcni/inject.js";

describe("conf dir", () => {
  it("loads .conf/.conflist/.json in lexical order, wraps single confs, skips invalid files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "libcni-conf-"));
    try {
      await writeFile(join(dir, "20-b.conflist"), JSON.stringify({ cniVersion: "0.4.0", name: "b", plugins: [{ type: "x" }, { type: "y" }] }));
      await writeFile(join(dir, "10-a.conf"), JSON.stringify({ cniVersion: "0.3.1", name: "a", type: "bridge" }));
      await writeFile(join(dir, "15-bad.conflist"), "{not json");
      await writeFile(join(dir, "30-empty.json"), JSON.stringify({ name: "e", plugins: [] }));
      await writeFile(join(dir, "99-ignored.txt"), "{}");
      const { lists, skipped } = await loadConfDir(dir);
      expect(lists.map((l) => [l.name, l.cniVersion, l.plugins.map((p) => p.type)])).toEqual([["a", "0.3.1", ["bridge"]], ["b", "0.4.0", ["x", "y"]]]);
      expect(skipped.map((s) => s.file.split("/").pop())).toEqual(["15-bad.conflist", "30-empty.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("picks the highest supported version from cniVersions, and reads disableCheck/disableGC", () => {
    const l = parseConfList(JSON.stringify({ cniVersion: "0.4.0", cniVersions: ["0.4.0", "1.0.0", "1.1.0", "9.9.9"], name: "n", disableCheck: true, disableGC: "true", plugins: [{ type: "t" }] }));
    expect([l.cniVersion, l.disableCheck, l.disableGC]).toEqual(["1.1.0", true, true]);
    expect(pickVersion(["2.0.0", "0.3.0"])).toBe("0.3.0");
    expect(pickVersion(["x"])).toBe("");
    expect(() => parseConfList(JSON.stringify({ name: "n", plugins: [{}] }))).toThrow(/without "type"/);
  });
});

describe("result conversion", () => {
  const r100 = {
    cniVersion: "1.1.0",
    interfaces: [{ name: "eth0", mac: "aa:bb:cc:dd:ee:ff", mtu: 9001, sandbox: "/run/netns/x" }],
    ips: [{ address: "10.0.0.2/32", interface: 0 }, { address: "fd00::2/128", interface: 0 }],
    routes: [{ dst: "0.0.0.0/0", gw: "169.254.1.1", table: 5 }],
  };
  it("adds ips[].version and drops 1.x extras going to 0.4.0", () => {
    expect(convertResult(r100, "0.4.0")).toEqual({
      cniVersion: "0.4.0",
      interfaces: [{ name: "eth0", mac: "aa:bb:cc:dd:ee:ff", sandbox: "/run/netns/x" }],
      ips: [{ address: "10.0.0.2/32", interface: 0, version: "4" }, { address: "fd00::2/128", interface: 0, version: "6" }],
      routes: [{ dst: "0.0.0.0/0", gw: "169.254.1.1" }],
    });
  });
  it("drops ips[].version going to 1.0.0 and round-trips", () => {
    const old = convertResult(r100, "0.3.1");
    const back = convertResult(old, "1.0.0");
    expect(back.ips).toEqual(r100.ips);
    expect(() => convertResult(r100, "0.2.0")).toThrow(/unsupported/);
  });
});

describe("injection", () => {
  it("sets name, cniVersion, prevResult and only declared, present capabilities", () => {
    const plugin = { type: "portmap", name: "own", capabilities: { portMappings: true, bandwidth: true, ips: false } } as const;
    const prev = { cniVersion: "1.0.0", ips: [] };
    const c = buildPluginConfig("net", "1.0.0", plugin, prev, { capabilityArgs: { portMappings: [1], ips: ["x"], mac: "m" } });
    expect(c).toEqual({ ...plugin, name: "net", cniVersion: "1.0.0", prevResult: prev, runtimeConfig: { portMappings: [1] } });
    expect(buildPluginConfig("net", "1.0.0", plugin, undefined, { capabilityArgs: { mac: "m" } })).not.toHaveProperty("runtimeConfig");
    expect(pluginDescription(plugin)).toBe('type="portmap" name="own"');
    expect(pluginDescription({ type: "bridge" })).toBe('type="bridge"');
    expect(formatCniArgs([["IgnoreUnknown", "1"], ["K8S_POD_NAME", "p"]])).toBe("IgnoreUnknown=1;K8S_POD_NAME=p");
  });
});
