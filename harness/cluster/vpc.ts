// The VPC on this machine: one bridge on the host (the VPC's L2; it holds the primary subnet's
// gateway address, where the API server and the fake EC2 listen), and per node a network namespace
// whose uplink (eth0, the primary ENI's MAC and address) is a port of that bridge.

import { HarnessError } from "../../common/errors.js";
import { cidrsOverlap, parseCidr } from "../../common/ipv4.js";
import { hostRoutes, ip, ipGone, netnsSysctl } from "./ip.js";
import type { ClusterLayout, NodeLayout } from "./names.js";

/** An ENI's MTU (jumbo frames): the plugin gives pods 9001. */
const MTU = "9001";

/** Refuses a VPC CIDR that overlaps a route the host already has (its traffic would be captured). */
export async function checkVpcCidrFree(vpcCidr: string, ownBridge: string): Promise<void> {
  const vpc = parseCidr(vpcCidr);
  for (const dst of await hostRoutes()) {
    if (dst === "default") continue;
    const c = parseCidr(dst.includes("/") ? dst : `${dst}/32`, { loose: true });
    if (cidrsOverlap(vpc, c)) {
      throw new HarnessError("invalid-argument", `--vpc-cidr ${vpcCidr} overlaps the host's route to ${dst}`, {
        details: `pick another block (e.g. --vpc-cidr 10.100.0.0/16), or remove that route; a leftover bridge ${ownBridge} means a cluster is still up`,
      });
    }
  }
}

export async function createBridge(l: ClusterLayout): Promise<void> {
  await ip(["link", "add", l.bridge, "mtu", MTU, "type", "bridge"]);
  // The VPC's frames are nobody's firewall business on the host (br_netfilter may be loaded).
  await ip(["link", "set", l.bridge, "type", "bridge", "nf_call_iptables", "0", "nf_call_arptables", "0"]).catch(() => undefined);
  await ip(["addr", "add", `${l.gateway}/${l.prefixLength}`, "dev", l.bridge]);
  await ip(["link", "set", l.bridge, "up"]);
}

export async function deleteBridge(name: string): Promise<void> {
  await ipGone(["link", "del", "dev", name]);
}

export interface NodeAddress {
  readonly ip: string;
  readonly mac: string;
}

/** The node's netns, its uplink on the bridge, routing as on an instance, and forwarding for its pods. */
export async function createNodeNetwork(l: ClusterLayout, n: NodeLayout, a: NodeAddress): Promise<void> {
  await ip(["netns", "add", n.netns]);
  await ip(["link", "add", n.hostVeth, "mtu", MTU, "type", "veth", "peer", "name", n.uplink, "mtu", MTU, "address", a.mac, "netns", n.netns]);
  await ip(["link", "set", n.hostVeth, "master", l.bridge, "up"]);
  await ip(["-n", n.netns, "link", "set", "lo", "up"]);
  await ip(["-n", n.netns, "addr", "add", `${a.ip}/${l.prefixLength}`, "dev", n.uplink]);
  await ip(["-n", n.netns, "link", "set", n.uplink, "up"]);
  await ip(["-n", n.netns, "route", "add", "default", "via", l.gateway, "dev", n.uplink]);
  // A node routes for its pods; pods' addresses arrive on links that are not their routes' (trunk).
  for (const [k, v] of [["net.ipv4.ip_forward", "1"], ["net.ipv4.conf.all.rp_filter", "0"], ["net.ipv4.conf.default.rp_filter", "0"]] as const) {
    await netnsSysctl(n.netns, k, v);
  }
}

/** Removes the node's netns (its links, routes, rules and iptables go with it; the uplink's host end too). */
export async function deleteNodeNetwork(n: { netns: string; hostVeth: string }): Promise<void> {
  await ipGone(["netns", "del", n.netns]);
  await ipGone(["link", "del", "dev", n.hostVeth]);
}
