// The fabric's typed values: the VPC's routing view as parsed at the edge (view.ts), and the
// routes, neighbours, addresses and rules it wants on this node (plan.ts) or finds there (read
// from `ip -j`, netlink.ts). Every address, MAC and link name here has been checked and normalized,
// so the command lines rendered from them (render.ts) carry nothing unchecked.

/** Route table of the fabric: above every table the plugin uses (ENI d: d+1, VLAN v: v+100 ≤ 4194). */
export const FABRIC_TABLE = 5000;
/** Rule priorities: traffic the trunk hands back to the node never meets the pods' from-rules (1536). */
export const PRIO_TRUNK_FABRIC = 1000;
export const PRIO_TRUNK_MAIN = 1001;
/** After the plugin's rules (10, 512, 1536), before main (32766). */
export const PRIO_FABRIC = 30000;
export const MAIN_TABLE = 254;

/** An instance of the VPC: where its addresses are delivered. */
export interface VpcInstance {
  readonly instanceId: string;
  readonly name: string;
  readonly privateIp: string;
}

export interface VpcInterface {
  readonly eniId: string;
  readonly interfaceType: "interface" | "trunk" | "branch";
  /** Lower case, colon separated. */
  readonly mac: string;
  /** The subnet's gateway (its base address + 1), as EC2 sends PodENISubnetGW. */
  readonly subnetGateway: string;
  readonly ips: readonly string[];
  readonly instanceId: string;
  readonly vlanId?: number;
}

export interface VpcRouting {
  readonly version: string;
  readonly instances: readonly VpcInstance[];
  readonly interfaces: readonly VpcInterface[];
}

/** A /32 route in the fabric table: through a next hop, or straight onto a link. */
export interface FabricRoute {
  readonly dst: string;
  readonly dev: string;
  /** Absent: the destination is on the link itself (scope link). */
  readonly via?: string;
}

/** A permanent neighbour entry: the branch ENI's MAC for its address, on the trunk's VPC side. */
export interface FabricNeigh {
  readonly ip: string;
  readonly mac: string;
  readonly dev: string;
}

/** A /32 scope-link address on a link (the branch subnet's gateway on the trunk's VPC side). */
export interface FabricAddr {
  readonly ip: string;
  readonly dev: string;
}

export interface FabricRule {
  readonly prio: number;
  readonly table: number;
  readonly iif?: string;
}

/** What one sysctl of a link should be (net.ipv4.conf.<dev>.<key>). */
export interface FabricSysctl {
  readonly dev: string;
  readonly key: "accept_local" | "rp_filter";
  readonly value: string;
}

export interface FabricState {
  readonly routes: readonly FabricRoute[];
  readonly neighs: readonly FabricNeigh[];
  /** Addresses on the trunk's VPC side (the only link whose addresses the fabric owns). */
  readonly addrs: readonly FabricAddr[];
  readonly rules: readonly FabricRule[];
  readonly sysctls: readonly FabricSysctl[];
}

/** Where this node stands: its instance, its uplink to the VPC, and its trunk's VPC side if any. */
export interface FabricSelf {
  readonly instanceId: string;
  readonly uplink: string;
  /** The peer of the trunk's host link (ipamd/hostlinks), present once the trunk is attached. */
  readonly trunkPeer?: string;
}
