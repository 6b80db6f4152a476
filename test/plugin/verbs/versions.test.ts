// Every verb over every supported cniVersion through the injected-IO dispatcher: result shapes,
// version gates, exit codes, exactly one JSON document (or none) on stdout.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SUPPORTED_VERSIONS, versionAtLeast } from "../../../plugin/cni/version.js";
import { invoke, netconf, newWorld } from "./fakes.js";

/** First 11 hex of sha1("default.web-1"), the pod of the default CNI_ARGS. */
const HASH = createHash("sha1").update("default.web-1").digest("hex").slice(0, 11);

function docsOn(stdout: string): number {
  return stdout.split("\n").filter((l) => l.trim() !== "").length;
}

describe.each(SUPPORTED_VERSIONS)("cniVersion %s", (v) => {
  it("ADD answers in the version's shape with the IP on the container interface", async () => {
    const w = newWorld();
    const out = await invoke(w, { command: "ADD", conf: netconf(v) });
    expect(out.code).toBe(0);
    expect(docsOn(out.stdout)).toBe(1);
    const r = out.json as { cniVersion: string; interfaces: { name: string; sandbox?: string; mtu?: number; pciID?: string }[]; ips: Record<string, unknown>[] };
    expect(r.cniVersion).toBe(v);
    expect(r.interfaces.map((i) => i.name)).toEqual([`eni${HASH}`, "eth0", `dummy${HASH}`]);
    expect(r.interfaces[1]?.sandbox).toBe("/var/run/netns/pod1");
    expect(r.ips).toHaveLength(1);
    expect(r.ips[0]?.address).toBe("10.0.0.10/32");
    expect(r.ips[0]?.interface).toBe(1);
    if (versionAtLeast(v, "1.0.0")) expect(r.ips[0]).not.toHaveProperty("version");
    else expect(r.ips[0]?.version).toBe("4");
    // 1.1.0-only interface fields are dropped for older versions.
    if (v === "1.1.0") expect(r.interfaces[1]?.mtu).toBe(9001);
    else expect(r.interfaces[1]).not.toHaveProperty("mtu");
    expect(w.dataplane.ops()).toEqual(["setup"]);
  });

  it("DEL succeeds and prints nothing", async () => {
    const w = newWorld();
    await invoke(w, { command: "ADD", conf: netconf(v) });
    const out = await invoke(w, { command: "DEL", conf: netconf(v) });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("");
    expect(w.ipamd.leases.size).toBe(0);
    expect(w.dataplane.ops()).toEqual(["setup", "teardown"]);
  });

  it(versionAtLeast(v, "0.4.0") ? "CHECK verifies against prevResult" : "CHECK is refused with code 1", async () => {
    const w = newWorld();
    const add = await invoke(w, { command: "ADD", conf: netconf(v) });
    const out = await invoke(w, { command: "CHECK", conf: netconf(v, { prevResult: add.json }) });
    if (versionAtLeast(v, "0.4.0")) {
      expect(out.code).toBe(0);
      expect(out.stdout).toBe("");
      expect(w.dataplane.ops()).toEqual(["setup", "check"]);
    } else {
      expect(out.code).toBe(1);
      expect(out.json).toMatchObject({ cniVersion: v, code: 1, msg: "config version does not allow CHECK" });
      expect(w.dataplane.ops()).toEqual(["setup"]);
    }
  });

  it.each(["GC", "STATUS"])(`%s is allowed only from 1.1.0`, async (verb) => {
    const w = newWorld();
    const out = await invoke(w, { command: verb, conf: netconf(v, { "cni.dev/valid-attachments": [] }) });
    if (v === "1.1.0") {
      expect(out.code).toBe(0);
      expect(out.stdout).toBe("");
    } else {
      expect(out.code).toBe(1);
      expect(out.json).toMatchObject({ code: 1, msg: `config version does not allow ${verb}` });
      expect(w.ipamd.healthCalls).toEqual([]);
    }
  });

  it("an ADD refused by ipamd prints the error in the config's version", async () => {
    const w = newWorld();
    w.ipamd.branch.set("default/web-1", "pending");
    const out = await invoke(w, { command: "ADD", conf: netconf(v) });
    expect(out.code).toBe(1);
    expect(docsOn(out.stdout)).toBe(1);
    expect(out.json).toMatchObject({ cniVersion: v, code: 999, msg: "add cmd: failed to assign an IP address to container" });
  });
});

describe("VERSION", () => {
  it("needs only CNI_COMMAND, ignores stdin and calls nothing", async () => {
    const w = newWorld();
    const out = await invoke(w, {
      command: "VERSION",
      env: { CNI_CONTAINERID: undefined, CNI_NETNS: undefined, CNI_IFNAME: undefined, CNI_ARGS: undefined, CNI_PATH: undefined },
      stdin: "this is not JSON",
    });
    expect(out.code).toBe(0);
    expect(out.json).toEqual({ cniVersion: "1.1.0", supportedVersions: ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] });
    expect(w.ipamd.addCalls.length + w.ipamd.delCalls.length + w.ipamd.healthCalls.length).toBe(0);
    expect(w.dataplane.calls).toEqual([]);
  });
});
