// The dataplane's operations as typed values (issue #12): the plan builders produce these, and a
// runner carries them out, either as `ip -batch` lines (render) or as rtnetlink messages
// (netlink/). Every field is a typed value of common/boundary, so neither form is ever built
// from unchecked text.
import type { IfName, Ipv4, Mac, NetnsPath, TableId, VlanId } from "../../common/boundary/index.js";
import { MAIN_TABLE } from "./names.js";

export type Op =
  | { kind: "link-del"; name: IfName }
  | { kind: "link-up"; name: IfName }
  /** A veth pair whose peer is created directly in another netns. */
  | { kind: "veth"; name: IfName; mac: Mac; mtu: number; peer: IfName; peerMac: Mac; peerNetns: NetnsPath }
  /** A link on a parent link: an 802.1Q VLAN, or a macvlan in bridge mode. */
  | { kind: "sublink"; name: IfName; parent: IfName; mac: Mac | undefined; link: { vlan: VlanId } | "macvlan" }
  /** A route to a /32 or the default route; replace (create or change) or add (create only). */
  | { kind: "route"; verb: "replace" | "add"; dst: Ipv4 | "default"; via: Ipv4 | undefined; dev: IfName; scopeLink: boolean; table: TableId }
  | { kind: "rule"; verb: "add" | "del"; match: { to: Ipv4 } | { from: Ipv4 } | { iif: IfName }; table: TableId | undefined; prio: number }
  /** An address with prefix length 32. */
  | { kind: "addr"; ip: Ipv4; dev: IfName }
  /** A permanent neighbour entry. */
  | { kind: "neigh"; ip: Ipv4; mac: Mac; dev: IfName };

function table(t: TableId): string {
  return t === MAIN_TABLE ? "main" : String(t);
}

/** The op as one `ip -batch` line (the words iproute2 takes; batch.ts checks each of them again). */
export function render(op: Op): string {
  switch (op.kind) {
    case "link-del":
      return `link del ${op.name}`;
    case "link-up":
      return `link set ${op.name} up`;
    case "veth":
      return `link add ${op.name} mtu ${op.mtu} address ${op.mac} type veth peer name ${op.peer} mtu ${op.mtu} address ${op.peerMac} netns ${op.peerNetns}`;
    case "sublink": {
      const kind = op.link === "macvlan" ? "type macvlan mode bridge" : `type vlan id ${op.link.vlan}`;
      return `link add link ${op.parent} name ${op.name}${op.mac === undefined ? "" : ` address ${op.mac}`} ${kind}`;
    }
    case "route": {
      const dst = op.dst === "default" ? "default" : `${op.dst}/32`;
      const via = op.via === undefined ? "" : ` via ${op.via}`;
      const scope = op.scopeLink ? " scope link" : "";
      const tbl = op.table === MAIN_TABLE ? "" : ` table ${op.table}`;
      return `route ${op.verb} ${dst}${via} dev ${op.dev}${scope}${tbl}`;
    }
    case "rule": {
      const m = "to" in op.match ? `to ${op.match.to}/32` : "from" in op.match ? `from ${op.match.from}/32` : `iif ${op.match.iif}`;
      return `rule ${op.verb} ${m}${op.table === undefined ? "" : ` lookup ${table(op.table)}`} prio ${op.prio}`;
    }
    case "addr":
      return `addr add ${op.ip}/32 dev ${op.dev}`;
    case "neigh":
      return `neigh add ${op.ip} lladdr ${op.mac} dev ${op.dev} nud permanent`;
  }
}
