// Two "nodes" for the fabric's integration test: network namespaces on a VPC bridge (the cluster
// harness's own code), a trunk host link made by ipamd's hostlinks, and pods wired exactly as the
// plugin wires them (its pure plan, run with `ip -n <node> -batch`).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { Iproute2HostLinks } from "../../../ipamd/hostlinks/index.js";
import type { IpPort, SysctlPort } from "../../../ipamd/fabric/index.js";
import { spawnIp } from "../../../ipamd/fabric/index.js";
import { hostVethMac, containerMac } from "../../../plugin/dataplane/mac.js";
import { render } from "../../../plugin/dataplane/ops.js";
import { buildSetupPlan } from "../../../plugin/dataplane/plan.js";
import type { PodNetworkSpec, SgEnforcingMode } from "../../../plugin/dataplane/types.js";

/** A branch pod as the test describes it (plain values; the plan takes them as the plugin's typed ones). */
export interface TestBranch {
  vlanId: number;
  eniMac: string;
  subnetGateway: string;
  mode: SgEnforcingMode;
  trunk: string;
}

export const run = (cmd: string, args: string[], input?: string): string =>
  execFileSync(cmd, args, { encoding: "utf8", timeout: 20_000, ...(input === undefined ? {} : { input }) });

/** The fabric's ports aimed at another netns (in ipamd they run inside the node's own). */
export function nodeIp(netns: string): IpPort {
  const base = spawnIp();
  return (args, o) => base(["-n", netns, ...args], o);
}

export function nodeSysctl(netns: string): SysctlPort {
  const key = (dev: string, k: string): string => `net.ipv4.conf.${dev}.${k}`;
  return {
    read: async (dev, k) => {
      try {
        return run("nsenter", [`--net=/run/netns/${netns}`, "sysctl", "-n", key(dev, k)]).trim();
      } catch {
        return undefined;
      }
    },
    write: async (dev, k, v) => void run("nsenter", [`--net=/run/netns/${netns}`, "sysctl", "-qw", `${key(dev, k)}=${v}`]),
  };
}

/** ipamd's trunk host link inside the node (mh-trunk<d>, its VPC side mh-trunk<d>p). */
export async function trunkLink(netns: string, mac: string, device: number): Promise<{ name: string; peer: string }> {
  const links = new Iproute2HostLinks({ prefix: "mh-", ip: async (args) => run("ip", ["-n", netns, ...args]) });
  const l = await links.ensure({ eniId: "eni-trunk", mac, deviceNumber: device, isTrunk: true });
  return { name: l.name, peer: l.peerName };
}

export interface TestPod {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
}

/** A pod as the plugin makes it: its netns, the veth, routes and rules (and the VLAN link of a branch pod). */
export function addPod(node: string, name: string, ip: string, branch?: TestBranch): TestPod {
  const netns = `${node}-${name}`;
  run("ip", ["netns", "add", netns]);
  const h = createHash("sha1").update(`fabric.${name}`).digest("hex").slice(0, 11);
  const hostVethName = `${branch === undefined || branch.mode === "standard" ? "eni" : "vlan"}${h}`;
  const containerId = createHash("sha256").update(name).digest("hex");
  const spec = {
    containerId, netns: `/run/netns/${netns}`, ifName: "eth0", podNamespace: "fabric", podName: name, hostVethName, mtu: 9001, ipv4: ip, routeTable: 254,
    ...(branch === undefined ? {} : { branch: { vlanId: branch.vlanId, eniMac: branch.eniMac, subnetGateway: branch.subnetGateway, parentIfIndex: 0, mode: branch.mode } }),
  };
  // The test's own constants and the cluster's addresses: cast to the plan's typed values.
  const plan = buildSetupPlan(spec as unknown as PodNetworkSpec, {
    hostMac: hostVethMac(hostVethName), containerMac: containerMac(containerId, "eth0"),
    ...(branch === undefined ? {} : { trunk: { name: branch.trunk, kind: "macvlan" as const } }),
  } as Parameters<typeof buildSetupPlan>[1]);
  run("ip", ["-n", node, "-batch", "-"], `${plan.host.map((s) => render(s.op)).join("\n")}\n`);
  run("ip", ["-n", netns, "-batch", "-"], `link set lo up\n${plan.pod.map(render).join("\n")}\n`);
  return { name, netns, ip };
}

/** One ping from inside the pod's netns; true when answered. */
export function pings(from: TestPod, to: string): boolean {
  try {
    run("ip", ["netns", "exec", from.netns, "ping", "-c", "1", "-W", "2", "-q", to]);
    return true;
  } catch {
    return false;
  }
}

export function deleteNetns(name: string): void {
  try {
    run("ip", ["netns", "del", name]);
  } catch {
    // already gone
  }
}
