// The steps from what the node has to what the fabric wants (pure). Only what the fabric owns is
// compared: its route table, the permanent neighbours, addresses and sysctls of the trunk's VPC
// side, and the rules at its priorities. Additions come first, in the order that keeps traffic
// flowing (a neighbour before the route that needs it), then removals.

import type { FabricAddr, FabricNeigh, FabricRoute, FabricRule, FabricState, FabricSysctl } from "./types.js";

export type FabricOp =
  | { readonly op: "sysctl"; readonly sysctl: FabricSysctl }
  | { readonly op: "addr-add"; readonly addr: FabricAddr }
  | { readonly op: "addr-del"; readonly addr: FabricAddr }
  | { readonly op: "rule-add"; readonly rule: FabricRule }
  | { readonly op: "rule-del"; readonly rule: FabricRule }
  | { readonly op: "neigh-replace"; readonly neigh: FabricNeigh }
  | { readonly op: "neigh-del"; readonly neigh: FabricNeigh }
  | { readonly op: "route-replace"; readonly route: FabricRoute }
  | { readonly op: "route-del"; readonly route: FabricRoute }
  /** The instance's primary address on the uplink (a /32; never removed by the fabric). */
  | { readonly op: "self-addr-add"; readonly addr: FabricAddr };

const routeKey = (r: FabricRoute): string => `${r.dst} ${r.dev} ${r.via ?? ""}`;
const neighKey = (n: FabricNeigh): string => `${n.ip} ${n.mac} ${n.dev}`;
const addrKey = (a: FabricAddr): string => `${a.ip} ${a.dev}`;
const ruleKey = (r: FabricRule): string => `${r.prio} ${r.table} ${r.iif ?? ""}`;
const sysctlKey = (s: FabricSysctl): string => `${s.dev} ${s.key} ${s.value}`;

function missing<T>(want: readonly T[], have: readonly T[], key: (t: T) => string): T[] {
  const present = new Set(have.map(key));
  return want.filter((t) => !present.has(key(t)));
}

export interface DiffInput {
  readonly want: FabricState;
  readonly have: FabricState;
  readonly selfAddress?: { readonly ip: string; readonly dev: string; readonly present: boolean };
}

export function diffFabric({ want, have, selfAddress }: DiffInput): FabricOp[] {
  const ops: FabricOp[] = [];
  for (const s of missing(want.sysctls, have.sysctls, sysctlKey)) ops.push({ op: "sysctl", sysctl: s });
  if (selfAddress !== undefined && !selfAddress.present) ops.push({ op: "self-addr-add", addr: { ip: selfAddress.ip, dev: selfAddress.dev } });
  for (const a of missing(want.addrs, have.addrs, addrKey)) ops.push({ op: "addr-add", addr: a });
  for (const r of missing(want.rules, have.rules, ruleKey)) ops.push({ op: "rule-add", rule: r });
  for (const n of missing(want.neighs, have.neighs, neighKey)) ops.push({ op: "neigh-replace", neigh: n });
  for (const r of missing(want.routes, have.routes, routeKey)) ops.push({ op: "route-replace", route: r });
  // A route replaced above is not removed again: only destinations the fabric no longer wants go.
  const wantedDst = new Set(want.routes.map((r) => r.dst));
  for (const r of missing(have.routes, want.routes, routeKey)) if (!wantedDst.has(r.dst)) ops.push({ op: "route-del", route: r });
  const wantedNeigh = new Set(want.neighs.map((n) => `${n.ip} ${n.dev}`));
  for (const n of missing(have.neighs, want.neighs, neighKey)) if (!wantedNeigh.has(`${n.ip} ${n.dev}`)) ops.push({ op: "neigh-del", neigh: n });
  for (const a of missing(have.addrs, want.addrs, addrKey)) ops.push({ op: "addr-del", addr: a });
  for (const r of missing(have.rules, want.rules, ruleKey)) ops.push({ op: "rule-del", rule: r });
  return ops;
}
