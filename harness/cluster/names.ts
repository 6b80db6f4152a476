// The names and addresses of one cluster on this machine (pure): node names, network namespaces,
// links (at most 15 characters), directories, and the VPC's layout (subnets, the bridge's address).
// Everything a cluster creates on the host is named from here, so `down` can find it again.

import { join } from "node:path";
import { HarnessError } from "../../common/errors.js";
import { intToIp, parseCidr } from "../../common/ipv4.js";

/** Lower-case letters and digits, starting with a letter: safe in link, netns and node names. */
const NAME = /^[a-z][a-z0-9]{0,7}$/;
export const MAX_NODES = 8;

export interface ClusterLayout {
  readonly name: string;
  readonly stateDir: string;
  /** The VPC's L2: a bridge on the host, holding the primary subnet's gateway address. */
  readonly bridge: string;
  readonly vpcCidr: string;
  /** Nodes' primary ENIs and secondary IPs (the first /19 of the VPC). */
  readonly primarySubnet: string;
  /** Branch ENIs (the second /19). */
  readonly branchSubnet: string;
  /** The bridge's address: the primary subnet's gateway (base + 1), with the subnet's prefix. */
  readonly gateway: string;
  readonly prefixLength: number;
  readonly nodes: readonly NodeLayout[];
}

export interface NodeLayout {
  readonly index: number;
  /** The Kubernetes node name and the instance's Name tag. */
  readonly name: string;
  readonly netns: string;
  /** The host end of the node's uplink, a port of the bridge. */
  readonly hostVeth: string;
  /** The node end, inside its netns. */
  readonly uplink: string;
  readonly dir: string;
}

export function checkClusterName(name: string): string {
  if (!NAME.test(name)) {
    throw new HarnessError("invalid-argument", `--name "${name.slice(0, 40)}": 1 to 8 lower-case letters and digits, starting with a letter`);
  }
  return name;
}

export function clusterLayout(o: { name: string; stateDir: string; nodes: number; vpcCidr: string }): ClusterLayout {
  const name = checkClusterName(o.name);
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > MAX_NODES) {
    throw new HarnessError("invalid-argument", `--nodes ${o.nodes}: from 1 to ${MAX_NODES}`);
  }
  const vpc = parseCidr(o.vpcCidr, { minBits: 16, maxBits: 18 });
  const sub = 2 ** (32 - 19);
  const primary = `${intToIp(vpc.base)}/19`;
  const branch = `${intToIp(vpc.base + sub)}/19`;
  const nodes = Array.from({ length: o.nodes }, (_, i) => nodeLayout(name, o.stateDir, i + 1));
  return {
    name, stateDir: o.stateDir, bridge: `${name}-vpc`, vpcCidr: vpc.text, primarySubnet: primary, branchSubnet: branch,
    gateway: intToIp(vpc.base + 1), prefixLength: 19, nodes,
  };
}

function nodeLayout(cluster: string, stateDir: string, index: number): NodeLayout {
  const name = `${cluster}-node-${index}`;
  return { index, name, netns: name, hostVeth: `${cluster}-n${index}`, uplink: "eth0", dir: join(stateDir, "nodes", name) };
}

/** Where the cluster's state file lives. */
export function stateFileOf(stateDir: string): string {
  return join(stateDir, "cluster.json");
}

/** The default state dir of a cluster name. */
export function defaultStateDir(name: string): string {
  return join("/run/vpc-cni-harness/cluster", name);
}
