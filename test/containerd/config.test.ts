// The rendered containerd config, as containerd itself parses it (`containerd config dump`),
// and the conflists: the settings this machine needs must reach containerd (docs/REFERENCE.md §6).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { containerdPaths, renderContainerdConfig } from "../../harness/cluster/containerd/config.js";
import { bridgeConflist, mockVpcCniConflist } from "./conflists.js";
import { describeIf } from "../helpers/prereq.js";

const run = promisify(execFile);

describeIf(existsSync("/usr/bin/containerd") ? undefined : "Debian's containerd (/usr/bin/containerd)", "renderContainerdConfig (needs /usr/bin/containerd to parse it)", () => {
  it("keeps every path under the run's dir and sets the settings runc needs here", async () => {
    const dir = await mkdtemp("/tmp/vch-cfg-");
    try {
      const toml = renderContainerdConfig({
        dir,
        cniBinDir: join(dir, "bin"),
        cniConfDir: join(dir, "net.d"),
        sandboxImage: "localhost/x/pause:1",
        handlers: { bridge: join(dir, "net.d-bridge") },
      });
      await writeFile(join(dir, "config.toml"), toml);
      const { stdout } = await run("containerd", ["--config", join(dir, "config.toml"), "config", "dump"], { timeout: 10_000 });
      const p = containerdPaths(dir);
      expect(stdout).toContain(`root = "${p.root}"`);
      expect(stdout).toContain(`state = "${p.state}"`);
      expect(stdout).toContain(`address = "${p.socket}"`);
      for (const line of [
        "restrict_oom_score_adj = true",
        "disable_apparmor = true",
        "netns_mounts_under_state_dir = true",
        'snapshotter = "overlayfs"',
        "SystemdCgroup = false",
        `sandbox_image = "localhost/x/pause:1"`,
        `bin_dir = "${join(dir, "bin")}"`,
        `conf_dir = "${join(dir, "net.d")}"`,
        `cni_conf_dir = "${join(dir, "net.d-bridge")}"`,
        `Root = "${p.runcRoot}"`,
      ]) {
        expect(stdout).toContain(line);
      }
      expect(stdout).toMatch(/runtimes\.bridge\]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("conflists", () => {
  it("chains mock-vpc-cni with portmap like the real aws-cni conflist", () => {
    const c = mockVpcCniConflist({ ipamdAddress: "unix:///tmp/a.sock" }) as { cniVersion: string; disableCheck: boolean; plugins: { type: string; ipamdAddress?: string; capabilities?: object }[] };
    expect(c.cniVersion).toBe("0.4.0");
    expect(c.disableCheck).toBe(true);
    expect(c.plugins.map((p) => p.type)).toEqual(["mock-vpc-cni", "portmap"]);
    expect(c.plugins[0]?.ipamdAddress).toBe("unix:///tmp/a.sock");
    expect(c.plugins[1]?.capabilities).toEqual({ portMappings: true });
  });

  it("keeps host-local's leases in the given dir", () => {
    const c = bridgeConflist({ bridge: "br9", subnet: "10.9.0.0/24", dataDir: "/tmp/x/hl" }) as { plugins: { ipam?: { dataDir: string } }[] };
    expect(c.plugins[0]?.ipam?.dataDir).toBe("/tmp/x/hl");
  });
});
