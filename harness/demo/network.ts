// The demo's CNI setup: a bin dir with (a link to) the built plugin, a conf dir with the conflist (the
// plugin chained with Debian's portmap when it can run), libcni cache dir; all under one temp dir.

import { existsSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const DEBIAN_CNI_DIR = "/usr/lib/cni";

export interface NetworkSetup {
  binDirs: string[];
  confDir: string;
  cacheDir: string;
  pluginLog: string;
  /** The plugin's dataplane: iproute2 as root, none otherwise. */
  dataplane: "iproute2" | "none";
  portmap: boolean;
  loopback: boolean;
}

export async function writeNetworkSetup(dir: string, pluginBinary: string, ipamdAddress: string, root: boolean): Promise<NetworkSetup> {
  const bin = join(dir, "bin");
  const confDir = join(dir, "net.d");
  await mkdir(bin, { recursive: true });
  await mkdir(confDir, { recursive: true });
  // A link, not a copy (the binary is over 100 MB): the bin dir still has the one name the
  // conflist's type asks for, as /opt/cni/bin would. The binary runs without Node or node_modules.
  await symlink(pluginBinary, join(bin, "mock-vpc-cni"));
  const debian = existsSync(join(DEBIAN_CNI_DIR, "portmap"));
  // portmap needs iptables and loopback a real netns: both only as root.
  const portmap = root && debian;
  const loopback = root && existsSync(join(DEBIAN_CNI_DIR, "loopback"));
  const pluginLog = join(dir, "plugin.log");
  const dataplane = root ? "iproute2" : "none";
  // Shaped like the shipped aws-node conflist (docs/REFERENCE.md §3): cniVersion 0.4.0, disableCheck.
  const conflist = {
    cniVersion: "0.4.0",
    name: "aws-cni",
    disableCheck: true,
    plugins: [
      {
        name: "aws-cni", type: "mock-vpc-cni", vethPrefix: "eni", mtu: "9001", podSGEnforcingMode: "strict",
        pluginLogFile: pluginLog, pluginLogLevel: "Debug", ipamdAddress, ipamdTimeout: "10s", dataplane,
        // GC records of the plugin: in the run's own dir, writable without root.
        stateDir: join(dir, "cni-state"),
      },
      ...(portmap ? [{ type: "portmap", capabilities: { portMappings: true }, snat: true }] : []),
    ],
  };
  await writeFile(join(confDir, "10-aws.conflist"), `${JSON.stringify(conflist, null, 2)}\n`);
  return { binDirs: [bin, ...(debian ? [DEBIAN_CNI_DIR] : [])], confDir, cacheDir: join(dir, "cni-cache"), pluginLog, dataplane, portmap, loopback };
}
