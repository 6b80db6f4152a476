// CHECK's comparison, pure: the pod netns as `ip -j` shows it against the spec; returns what is
// missing or wrong (empty when all is well), each item naming the object.
import { POD_GATEWAY } from "./names.js";
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
