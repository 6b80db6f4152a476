// Pure plan builders: a pod spec -> the operations for the host and for the pod's netns, with the
// undo of every host step that creates something (the real aws-cni's driver.go, docs/REFERENCE.md
// §3). Built only from typed values (common/boundary) into typed operations (ops.ts); an `ip
// -batch` runner renders them and batch.ts refuses any unsafe word as a second wall.
import type { IfName, Ipv4, Mac, TableId, VlanId } from "../../common/boundary/index.js";
import { MAIN_TABLE, POD_GATEWAY, PRIO_FROM_POD, PRIO_TO_POD, PRIO_VLAN_IIF, vlanLinkName, vlanTable } from "./names.js";
import type { Op } from "./ops.js";
import type { PodNetworkSpec, SgEnforcingMode, TeardownSpec } from "./types.js";

/** How the branch ENI appears on the host: an 802.1Q link, or this kernel's macvlan fallback. */
export type BranchLinkKind = "vlan" | "macvlan";

/** One operation and, for host steps that create something, the one that removes it. */
export interface PlanStep {
  op: Op;
  undo?: Op;
  /** `rule add` of a rule that already exists (a leak) is harmless: same selector, same table. */
  existsOk?: boolean;
}

/** What setup needs besides the spec; found by I/O beforehand so the builders stay pure. */
export interface SetupContext {
  hostMac: Mac;
  containerMac: Mac;
  /** Branch pods: the trunk link's name (from ParentIfIndex) and the link kind to create. */
  trunk?: { name: IfName; kind: BranchLinkKind };
  /** Host links left behind by an earlier sandbox of the same pod, deleted first (as aws-cni does). */
  staleHostLinks?: readonly IfName[];
}

export interface SetupPlan {
  host: PlanStep[];
  pod: Op[];
}

/** The veth pair, created in one step with its container end directly inside the netns. */
function vethSteps(spec: PodNetworkSpec, ctx: SetupContext): PlanStep[] {
  const hv = spec.hostVethName;
  return [
    {
      op: { kind: "veth", name: hv, mac: ctx.hostMac, mtu: spec.mtu, peer: spec.ifName, peerMac: ctx.containerMac, peerNetns: spec.netns },
      undo: { kind: "link-del", name: hv },
    },
    { op: { kind: "link-up", name: hv } },
  ];
}

const route = (dst: Ipv4 | "default", dev: IfName, table: TableId, via?: Ipv4): Op =>
  ({ kind: "route", verb: "replace", dst, via, dev, scopeLink: via === undefined, table });

/** A rule step: add, undone by the same rule's del. */
function ruleStep(match: { to: Ipv4 } | { from: Ipv4 } | { iif: IfName }, table: TableId, prio: number, existsOk: boolean): PlanStep {
  return { op: { kind: "rule", verb: "add", match, table, prio }, undo: { kind: "rule", verb: "del", match, table, prio }, ...(existsOk ? { existsOk } : {}) };
}

/** Host route and rules of an ordinary pod (and of a branch pod in standard mode). */
function ipRuleSteps(hv: IfName, ip: Ipv4, table: TableId): PlanStep[] {
  const steps: PlanStep[] = [{ op: route(ip, hv, MAIN_TABLE) }, ruleStep({ to: ip }, MAIN_TABLE, PRIO_TO_POD, true)];
  if (table !== MAIN_TABLE) steps.push(ruleStep({ from: ip }, table, PRIO_FROM_POD, true));
  return steps;
}

/** The branch ENI's host link, its table (gateway /32 + default), and the mode's route and rules. */
function branchSteps(spec: PodNetworkSpec, ctx: SetupContext): PlanStep[] {
  const b = spec.branch;
  if (b === undefined) return [];
  if (ctx.trunk === undefined) throw new Error("branch pod planned without a trunk link");
  if (b.eniMac === undefined || b.subnetGateway === undefined) throw new Error("branch pod planned without its ENI's MAC and gateway");
  const vl = vlanLinkName(b.vlanId);
  const table = vlanTable(b.vlanId);
  const steps: PlanStep[] = [
    {
      op: { kind: "sublink", name: vl, parent: ctx.trunk.name, mac: b.eniMac, link: ctx.trunk.kind === "vlan" ? { vlan: b.vlanId } : "macvlan" },
      undo: { kind: "link-del", name: vl },
    },
    { op: { kind: "link-up", name: vl } },
    { op: route(b.subnetGateway, vl, table) },
    { op: route("default", vl, table, b.subnetGateway) },
  ];
  if (b.mode === "standard") return [...steps, ...ipRuleSteps(spec.hostVethName, spec.ipv4, table)];
  return [...steps, { op: route(spec.ipv4, spec.hostVethName, table) }, ...iifRuleSteps(spec.hostVethName, b.vlanId, true)];
}

/** Strict mode: everything entering from the VLAN link or the pod's veth uses the VLAN's table. */
function iifRuleSteps(hv: IfName, vlanId: VlanId, existsOk: boolean): PlanStep[] {
  return [vlanLinkName(vlanId), hv].map((iif) => ruleStep({ iif }, vlanTable(vlanId), PRIO_VLAN_IIF, existsOk));
}

/** Inside the pod: /32 address, the 169.254.1.1 link route + default, permanent neighbour. */
function podOps(spec: PodNetworkSpec, hostMac: Mac): Op[] {
  const dev = spec.ifName;
  return [
    { kind: "link-up", name: dev },
    { kind: "addr", ip: spec.ipv4, dev },
    { kind: "route", verb: "add", dst: POD_GATEWAY, via: undefined, dev, scopeLink: true, table: MAIN_TABLE },
    { kind: "route", verb: "add", dst: "default", via: POD_GATEWAY, dev, scopeLink: false, table: MAIN_TABLE },
    { kind: "neigh", ip: POD_GATEWAY, mac: hostMac, dev },
  ];
}

export function buildSetupPlan(spec: PodNetworkSpec, ctx: SetupContext): SetupPlan {
  const stale: PlanStep[] = (ctx.staleHostLinks ?? []).map((name) => ({ op: { kind: "link-del", name } }));
  const routing = spec.branch === undefined ? ipRuleSteps(spec.hostVethName, spec.ipv4, spec.routeTable) : branchSteps(spec, ctx);
  return { host: [...stale, ...vethSteps(spec, ctx), ...routing], pod: podOps(spec, ctx.hostMac) };
}

/** Undo of the host steps this setup really did, newest first. */
export function undoOps(done: readonly PlanStep[]): Op[] {
  return done.flatMap((s) => (s.undo === undefined ? [] : [s.undo])).reverse();
}

/** DEL's two parts: inside the pod's netns (when it still exists) and on the host. */
export interface TeardownPlan {
  pod: Op[];
  host: Op[];
}

/**
 * DEL. The veth pair goes by deleting its container end inside the netns (its peer, addresses and
 * routes go with it); the host end is never deleted by name, because the host veth name belongs to
 * the pod, not the sandbox: containerd's late second DEL of an old sandbox (CNI_NETNS="", docs/REFERENCE.md
 * section 5) must not cut a newer sandbox of the same pod. Like aws-cni's TeardownPodNetwork, rules
 * are removed by IP, and for branch pods the VLAN link and its rules by VLAN id. Run with `-force`,
 * "not found" tolerated, so a repeated or partial DEL succeeds. Without a known mode both modes'
 * rules are removed.
 */
export function buildTeardownPlan(spec: TeardownSpec): TeardownPlan {
  const hv = spec.hostVethName;
  const host: Op[] = [];
  const vlanId = spec.vlanId ?? 0;
  if (vlanId !== 0) {
    host.push({ kind: "link-del", name: vlanLinkName(vlanId) });
    if (spec.mode !== "standard") host.push(...iifRuleSteps(hv, vlanId, false).map((s) => s.undo as Op));
  }
  if (spec.ipv4 !== undefined && ruleMode(spec) !== "strict") {
    host.push({ kind: "rule", verb: "del", match: { to: spec.ipv4 }, table: MAIN_TABLE, prio: PRIO_TO_POD });
    // No table given: the kernel matches the rule whatever its table, so prevResult need not know it.
    host.push({ kind: "rule", verb: "del", match: { from: spec.ipv4 }, table: undefined, prio: PRIO_FROM_POD });
  }
  return { pod: spec.netns === "" ? [] : [{ kind: "link-del", name: spec.ifName }], host };
}

/** Which rules a torn-down pod may have: strict branch pods only iif rules; unknown: both kinds. */
function ruleMode(spec: TeardownSpec): SgEnforcingMode | "unknown" {
  if (spec.vlanId === undefined || spec.vlanId <= 0) return "standard";
  return spec.mode ?? "unknown";
}
