// CHECK's comparison, pure: the pod netns and the host as `ip -j` shows them against the spec;
// returns what is missing or wrong (empty when all is well), each item naming the object.
import { MAIN_TABLE, POD_GATEWAY, PRIO_FROM_POD, PRIO_TO_POD, PRIO_VLAN_IIF, vlanLinkName, vlanTable } from "./names.js";
import type { PodNetworkSpec } from "./types.js";

/** The four `ip -j` arrays read from the pod netns: link, addr, route, neigh (all `show`). */
export interface PodSnapshot {
  links: unknown[];
  addrs: unknown[];
  routes: unknown[];
  neighs: unknown[];
}

type Obj = Record<string, unknown>;
const objs = (a: unknown[]): Obj[] => a.filter((x): x is Obj => typeof x === "object" && x !== null);

/** Splits `ip -j -batch` output (one JSON array per line) into the snapshot. */
export function parseSnapshot(stdout: string): PodSnapshot {
  const arrays = stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown)
    .map((v) => (Array.isArray(v) ? v : []));
  return { links: arrays[0] ?? [], addrs: arrays[1] ?? [], routes: arrays[2] ?? [], neighs: arrays[3] ?? [] };
}

function linkProblems(spec: PodNetworkSpec, link: Obj, containerMac: string): string[] {
  const out: string[] = [];
  const flags = Array.isArray(link.flags) ? link.flags : [];
  if (!flags.includes("UP")) out.push(`interface ${spec.ifName} is down`);
  if (link.mtu !== spec.mtu) out.push(`interface ${spec.ifName} has mtu ${String(link.mtu)}, expected ${spec.mtu}`);
  if (link.address !== containerMac) {
    out.push(`interface ${spec.ifName} has mac ${String(link.address)}, expected ${containerMac}`);
  }
  return out;
}

function addrProblems(spec: PodNetworkSpec, addrs: Obj[]): string[] {
  const mine = addrs.find((a) => a.ifname === spec.ifName);
  const infos = objs(Array.isArray(mine?.addr_info) ? mine.addr_info : []);
  const ok = infos.some((i) => i.family === "inet" && i.local === spec.ipv4 && i.prefixlen === 32);
  return ok ? [] : [`address ${spec.ipv4}/32 missing on ${spec.ifName}`];
}

function routeProblems(spec: PodNetworkSpec, routes: Obj[]): string[] {
  const out: string[] = [];
  const onDev = routes.filter((r) => r.dev === spec.ifName);
  if (!onDev.some((r) => r.dst === POD_GATEWAY && r.scope === "link")) {
    out.push(`route ${POD_GATEWAY}/32 dev ${spec.ifName} scope link missing`);
  }
  if (!onDev.some((r) => r.dst === "default" && r.gateway === POD_GATEWAY)) {
    out.push(`route default via ${POD_GATEWAY} dev ${spec.ifName} missing`);
  }
  return out;
}

function neighProblems(spec: PodNetworkSpec, neighs: Obj[], hostMac: string): string[] {
  const n = neighs.find((x) => x.dst === POD_GATEWAY && (x.dev === undefined || x.dev === spec.ifName));
  const state = Array.isArray(n?.state) ? n.state : [];
  if (n === undefined || n.lladdr !== hostMac || !state.includes("PERMANENT")) {
    return [`permanent neighbour ${POD_GATEWAY} lladdr ${hostMac} on ${spec.ifName} missing`];
  }
  return [];
}

export function verifyPod(spec: PodNetworkSpec, snap: PodSnapshot, macs: { host: string; container: string }): string[] {
  const link = objs(snap.links).find((l) => l.ifname === spec.ifName);
  if (link === undefined) return [`interface ${spec.ifName} missing in netns ${spec.netns}`];
  return [
    ...linkProblems(spec, link, macs.container),
    ...addrProblems(spec, objs(snap.addrs)),
    ...routeProblems(spec, objs(snap.routes)),
    ...neighProblems(spec, objs(snap.neighs), macs.host),
  ];
}

/** The host's `ip -j` arrays CHECK reads: `rule show` and `route show table <pod table>`. */
export interface HostSnapshot {
  rules: unknown[];
  routes: unknown[];
}

export function parseHostSnapshot(stdout: string): HostSnapshot {
  const s = parseSnapshot(stdout);
  return { rules: s.links, routes: s.addrs };
}

/** The table CHECK reads host routes from: the VLAN table for strict branch pods, else main. */
export function hostRouteTable(spec: PodNetworkSpec): string {
  return spec.branch?.mode === "strict" ? String(vlanTable(spec.branch.vlanId)) : "main";
}

const tableName = (t: number): string => (t === MAIN_TABLE ? "main" : String(t));

/** Host side of CHECK: the /32 route to the host veth and the rules setup added (docs/REFERENCE.md §3). */
export function verifyHost(spec: PodNetworkSpec, snap: HostSnapshot): string[] {
  const out: string[] = [];
  const hv = spec.hostVethName;
  const table = hostRouteTable(spec);
  if (!objs(snap.routes).some((r) => r.dst === spec.ipv4 && r.dev === hv)) {
    out.push(`host route ${spec.ipv4}/32 dev ${hv} (table ${table}) missing`);
  }
  const rules = objs(snap.rules);
  const has = (want: Obj): boolean => rules.some((r) => Object.entries(want).every(([k, v]) => r[k] === v));
  const b = spec.branch;
  if (b?.mode === "strict") {
    for (const iif of [vlanLinkName(b.vlanId), hv]) {
      if (!has({ priority: PRIO_VLAN_IIF, iif, table })) out.push(`rule iif ${iif} lookup ${table} prio ${PRIO_VLAN_IIF} missing`);
    }
    return out;
  }
  if (!has({ priority: PRIO_TO_POD, dst: spec.ipv4, table: "main" })) {
    out.push(`rule to ${spec.ipv4} lookup main prio ${PRIO_TO_POD} missing`);
  }
  const from = b === undefined ? spec.routeTable : vlanTable(b.vlanId);
  if (from !== MAIN_TABLE && !has({ priority: PRIO_FROM_POD, src: spec.ipv4, table: tableName(from) })) {
    out.push(`rule from ${spec.ipv4} lookup ${tableName(from)} prio ${PRIO_FROM_POD} missing`);
  }
  return out;
}
