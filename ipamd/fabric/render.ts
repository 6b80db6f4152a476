// Fabric steps as `ip -batch` lines (pure). Every value in them was checked where it entered
// (view.ts, netlink.ts): addresses re-printed from numbers, MACs and link names matched against
// closed patterns, tables and priorities numbers. Sysctls are not iproute2's: see netlink.ts.

import type { FabricOp } from "./diff.js";
import type { FabricRoute, FabricRule } from "./types.js";
import { FABRIC_TABLE } from "./types.js";

function route(r: FabricRoute): string {
  // onlink: the next hop is on the uplink even where no subnet route says so (kind's nodes).
  return r.via === undefined ? `${r.dst}/32 dev ${r.dev} scope link table ${FABRIC_TABLE}` : `${r.dst}/32 via ${r.via} dev ${r.dev} onlink table ${FABRIC_TABLE}`;
}

function rule(r: FabricRule): string {
  return `${r.iif === undefined ? "" : `iif ${r.iif} `}lookup ${r.table} prio ${r.prio}`;
}

/** The line of one step; undefined for a sysctl (written through /proc/sys). */
export function renderOp(o: FabricOp): string | undefined {
  switch (o.op) {
    case "sysctl":
      return undefined;
    case "self-addr-add":
      return `addr add ${o.addr.ip}/32 dev ${o.addr.dev}`;
    case "addr-add":
      return `addr add ${o.addr.ip}/32 dev ${o.addr.dev} scope link`;
    case "addr-del":
      return `addr del ${o.addr.ip}/32 dev ${o.addr.dev}`;
    case "rule-add":
      return `rule add ${rule(o.rule)}`;
    case "rule-del":
      return `rule del ${rule(o.rule)}`;
    case "neigh-replace":
      return `neigh replace ${o.neigh.ip} lladdr ${o.neigh.mac} dev ${o.neigh.dev} nud permanent`;
    case "neigh-del":
      return `neigh del ${o.neigh.ip} dev ${o.neigh.dev}`;
    case "route-replace":
      return `route replace ${route(o.route)}`;
    case "route-del":
      return `route del ${o.route.dst}/32 table ${FABRIC_TABLE}`;
  }
}
