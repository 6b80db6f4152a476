// A node's CNI setup, as aws-node's installer makes it: the plugin in the node's bin dir (a link to
// the built binary) with Debian's loopback and portmap, and the conflist, written only once the
// node's ipamd is ready (containerd reports NetworkReady from then on).

import { existsSync } from "node:fs";
import { rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { NodeDirs } from "./containerd/node.js";
import { BIN } from "./roles.js";

const DEBIAN_CNI_DIR = "/usr/lib/cni";

export async function installPlugins(d: NodeDirs): Promise<void> {
  const links: [string, string][] = [[BIN.plugin, "mock-vpc-cni"], ...["loopback", "portmap"].map((p): [string, string] => [join(DEBIAN_CNI_DIR, p), p])];
  for (const [target, name] of links) {
    await rm(join(d.cniBin, name), { force: true });
    await symlink(target, join(d.cniBin, name));
  }
}

/** The conflist's shape follows the shipped aws-node one (docs/REFERENCE.md §3), chained with portmap. */
export function nodeConflist(d: NodeDirs, ipamdSocket: string): object {
  return {
    cniVersion: "0.4.0",
    name: "aws-cni",
    disableCheck: true,
    plugins: [
      {
        name: "aws-cni", type: "mock-vpc-cni", vethPrefix: "eni", mtu: "9001", podSGEnforcingMode: "strict",
        pluginLogFile: join(d.logs, "plugin.log"), pluginLogLevel: "Debug", ipamdAddress: `unix://${ipamdSocket}`, ipamdTimeout: "10s",
        dataplane: "iproute2", stateDir: join(d.containerd, "..", "cni", "state"),
      },
      ...(existsSync(join(DEBIAN_CNI_DIR, "portmap")) ? [{ type: "portmap", capabilities: { portMappings: true }, snat: true }] : []),
    ],
  };
}

export async function writeConflist(d: NodeDirs, ipamdSocket: string): Promise<void> {
  await writeFile(join(d.cniConf, "10-aws.conflist"), `${JSON.stringify(nodeConflist(d, ipamdSocket), null, 2)}\n`);
}
