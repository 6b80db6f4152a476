// The demo's CNI setup links the plugin into its bin dir instead of copying the 100+ MB binary.

import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNetworkSetup } from "../../../harness/demo/network.js";

const dir = mkdtempSync(join(tmpdir(), "ux-net-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeNetworkSetup", () => {
  it("links the built plugin (no copy) and writes the conflist that names it", async () => {
    const plugin = join(dir, "mock-vpc-cni-built");
    writeFileSync(plugin, "#!/bin/sh\n", { mode: 0o755 });
    const run = join(dir, "run");
    const net = await writeNetworkSetup(run, plugin, "unix:///x.sock", false);
    const bin = join(net.binDirs[0] ?? "", "mock-vpc-cni");
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    expect(readlinkSync(bin)).toBe(plugin);
    const conflist = JSON.parse(readFileSync(join(net.confDir, "10-aws.conflist"), "utf8")) as { plugins: { type: string; ipamdAddress: string; dataplane: string }[] };
    expect(conflist.plugins[0]).toMatchObject({ type: "mock-vpc-cni", ipamdAddress: "unix:///x.sock", dataplane: "none" });
  });
});
