// What the fabric wants on this node, from the VPC's routing view (pure). The VPC delivers a packet
// to the instance whose ENI holds its destination (docs/REFERENCE.md §9); on one machine that
// delivery is this node's routes:
// - another instance's primary address: on the uplink (scope link), as on a shared subnet;
// - any other address of another instance (secondary IPs, its branch ENIs): via that primary address;
// - this node's own branch ENIs: onto the trunk's VPC side, with the branch ENI's MAC as the
//   neighbour, so the frame reaches the pod's VLAN link (strict mode's iif rule sees it there);
// - the trunk's VPC side holds each branch subnet's gateway, where the VLAN table's default route
//   points, and hands what it receives to the fabric table, then main — never back to the pods'
//   from-rules, which would send it into the trunk again.

import { ipToInt } from "../../common/ipv4.js";
import type { FabricAddr, FabricNeigh, FabricRoute, FabricRule, FabricSelf, FabricState, FabricSysctl, VpcRouting } from "./types.js";
import { FABRIC_TABLE, MAIN_TABLE, PRIO_FABRIC, PRIO_TRUNK_FABRIC, PRIO_TRUNK_MAIN } from "./types.js";

export interface FabricPlan {
  readonly state: FabricState;
  /** This instance's primary address, which must be on the uplink (kind: added there). */
  readonly selfAddress?: string;
  /** Addresses claimed twice in the view (the first claim wins); a consistent VPC has none. */
  readonly conflicts: readonly string[];
}

export function planFabric(view: VpcRouting, self: FabricSelf): FabricPlan {
  const primaryOf = new Map(view.instances.map((i) => [i.instanceId, i.privateIp]));
  const routes = new Map<string, FabricRoute>();
  const neighs: FabricNeigh[] = [];
  const gateways = new Set<string>();
  const conflicts: string[] = [];
  const add = (r: FabricRoute): void => {
    if (routes.has(r.dst)) conflicts.push(r.dst);
    else routes.set(r.dst, r);
  };
  for (const e of view.interfaces) {
    const owner = primaryOf.get(e.instanceId);
    if (owner === undefined) continue;
    if (e.instanceId !== self.instanceId) {
      for (const ip of e.ips) add(ip === owner ? { dst: ip, dev: self.uplink } : { dst: ip, dev: self.uplink, via: owner });
      continue;
    }
    if (e.interfaceType !== "branch" || self.trunkPeer === undefined) continue;
    gateways.add(e.subnetGateway);
    for (const ip of e.ips) {
      add({ dst: ip, dev: self.trunkPeer });
      neighs.push({ ip, mac: e.mac, dev: self.trunkPeer });
    }
  }
  const selfAddress = primaryOf.get(self.instanceId);
  return {
    state: { routes: [...routes.values()].sort((a, b) => compareIp(a.dst, b.dst)), neighs, addrs: trunkAddrs(self, gateways), rules: rules(self), sysctls: sysctls(self) },
    ...(selfAddress === undefined ? {} : { selfAddress }),
    conflicts,
  };
}

function compareIp(a: string, b: string): number {
  return ipToInt(a) - ipToInt(b);
}

function trunkAddrs(self: FabricSelf, gateways: ReadonlySet<string>): FabricAddr[] {
  const peer = self.trunkPeer;
  return peer === undefined ? [] : [...gateways].sort().map((ip) => ({ ip, dev: peer }));
}

function rules(self: FabricSelf): FabricRule[] {
  const out: FabricRule[] = [{ prio: PRIO_FABRIC, table: FABRIC_TABLE }];
  if (self.trunkPeer !== undefined) {
    out.push({ prio: PRIO_TRUNK_FABRIC, table: FABRIC_TABLE, iif: self.trunkPeer }, { prio: PRIO_TRUNK_MAIN, table: MAIN_TABLE, iif: self.trunkPeer });
  }
  return out;
}

/**
 * The trunk's VPC side answers ARP for the gateway from the VLAN links, whose requests carry this
 * node's own address as the sender (the VLAN link has none): accept_local lets that through the
 * source check, and no reverse-path filter, since pods' addresses arrive on it.
 */
function sysctls(self: FabricSelf): FabricSysctl[] {
  const peer = self.trunkPeer;
  if (peer === undefined) return [];
  return [{ dev: peer, key: "accept_local", value: "1" }, { dev: peer, key: "rp_filter", value: "0" }];
}
