// What is left of a run on this host, as commands: from its record and a snapshot of the host
// (namespaces, IP rules, links, the temp dir). Pure. Only what the record names is ever touched:
// its namespaces by name, rules by the pod addresses and VLANs it recorded (the plugin's priorities
// 512/1536/10, docs/REFERENCE.md §3), the daemon's links by its own prefix, a `vlan.eth.N` only
// when it carries the recorded branch ENI's MAC.

import { basename, isAbsolute } from "node:path";
import { ownedNamePattern } from "../../ipamd/index.js";
import type { RunRecord } from "./record.js";
import { RUN_DIR_PREFIX } from "./where.js";

/** `ip -j rule show` rows (IPv4); a missing dstlen/srclen means /32. */
export interface RuleRow {
  priority: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  iif?: string;
  table?: string;
}

/** `ip -j link show` rows. */
export interface LinkRow {
  ifname: string;
  address?: string;
}

export interface HostSnapshot {
  netns: readonly string[];
  rules: readonly RuleRow[];
  links: readonly LinkRow[];
  dirExists: boolean;
}

export interface CleanupStep {
  /** What goes, in words ("network namespace cni-…"). */
  what: string;
  /** The command that removes it: `ip …`, or `rm -rf DIR`. */
  argv: readonly string[];
}

/** Rule priorities of the plugin (aws-cni's): to-pod, from-pod, strict-mode iif (docs/REFERENCE.md §3). */
const PRIO_TO_POD = 512;
const PRIO_FROM_POD = 1536;
const PRIO_VLAN_IIF = 10;

const host32 = (len: number | undefined): boolean => len === undefined || len === 32;

function ruleSteps(r: RunRecord, rules: readonly RuleRow[]): CleanupStep[] {
  const ips = new Set(r.addresses.map((a) => a.ip));
  const iifs = new Set(r.addresses.flatMap((a) => [...(a.vlanId === undefined ? [] : [`vlan.eth.${a.vlanId}`]), ...(a.hostVeth === undefined ? [] : [a.hostVeth])]));
  const out: CleanupStep[] = [];
  for (const rule of rules) {
    const table = rule.table === undefined ? [] : ["table", rule.table];
    if (rule.priority === PRIO_TO_POD && rule.dst !== undefined && ips.has(rule.dst) && host32(rule.dstlen)) {
      out.push({ what: `ip rule ${PRIO_TO_POD}: to ${rule.dst}`, argv: ["ip", "rule", "del", "prio", String(PRIO_TO_POD), "to", `${rule.dst}/32`, ...table] });
    } else if (rule.priority === PRIO_FROM_POD && rule.src !== undefined && ips.has(rule.src) && host32(rule.srclen)) {
      out.push({ what: `ip rule ${PRIO_FROM_POD}: from ${rule.src}`, argv: ["ip", "rule", "del", "prio", String(PRIO_FROM_POD), "from", `${rule.src}/32`, ...table] });
    } else if (rule.priority === PRIO_VLAN_IIF && rule.iif !== undefined && iifs.has(rule.iif)) {
      out.push({ what: `ip rule ${PRIO_VLAN_IIF}: iif ${rule.iif}`, argv: ["ip", "rule", "del", "prio", String(PRIO_VLAN_IIF), "iif", rule.iif, ...table] });
    }
  }
  return out;
}

function linkSteps(r: RunRecord, links: readonly LinkRow[]): CleanupStep[] {
  const named = new Set(r.hostLinks.flatMap((n) => [n, `${n}p`]));
  const owned = r.daemon === undefined ? undefined : ownedNamePattern(r.daemon.linkPrefix);
  const vlanMacs = new Map(r.addresses.flatMap((a) => (a.vlanId === undefined || a.vlanMac === undefined ? [] : [[`vlan.eth.${a.vlanId}` as string, a.vlanMac.toLowerCase()] as const])));
  const out: CleanupStep[] = [];
  const seen = new Set<string>();
  for (const l of links) {
    const daemons = named.has(l.ifname) || owned?.test(l.ifname) === true;
    const branch = vlanMacs.get(l.ifname) !== undefined && vlanMacs.get(l.ifname) === l.address?.toLowerCase();
    if (!daemons && !branch) continue;
    // Removing one end of a veth pair removes the other: list the pair once.
    const peer = l.ifname.endsWith("p") ? l.ifname.slice(0, -1) : `${l.ifname}p`;
    if (daemons && seen.has(peer)) continue;
    seen.add(l.ifname);
    out.push({ what: `link ${l.ifname}${branch ? " (branch ENI)" : " (mock-ipamd's ENI stand-in)"}`, argv: ["ip", "link", "del", l.ifname] });
  }
  return out;
}

/** A temp dir is removed only when it looks like one of ours (absolute, named vpc-cni-harness-*). */
export function isRunDir(dir: string): boolean {
  return isAbsolute(dir) && basename(dir).startsWith(RUN_DIR_PREFIX) && !dir.includes("/../");
}

export function planCleanup(r: RunRecord, host: HostSnapshot): CleanupStep[] {
  const steps: CleanupStep[] = [];
  if (r.root) {
    for (const n of r.netns) if (host.netns.includes(n)) steps.push({ what: `network namespace ${n}`, argv: ["ip", "netns", "delete", n] });
    steps.push(...linkSteps(r, host.links), ...ruleSteps(r, host.rules));
  }
  if (host.dirExists && isRunDir(r.dir)) steps.push({ what: `temp dir ${r.dir}`, argv: ["rm", "-rf", r.dir] });
  return steps;
}

const SAFE = /^[A-Za-z0-9_./:=@%+-]+$/;

/** The step as a line to paste into a shell. */
export function shellLine(step: CleanupStep): string {
  return step.argv.map((a) => (SAFE.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
