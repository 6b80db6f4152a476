// Pure plan builders: a pod spec -> the iproute2 batch lines for the host and for the pod's netns,
// with the undo line of every host step (the real aws-cni's driver.go, docs/REFERENCE.md §3).
// Built only from typed values (common/boundary); batch.ts refuses any unsafe word as a second wall.
import type { IfName, Ipv4, Mac, TableId, VlanId } from "../../common/boundary/index.js";
import type { PodNetworkSpec, SgEnforcingMode, TeardownSpec } from "./types.js";
import {
  MAIN_TABLE,
  POD_GATEWAY,
  PRIO_FROM_POD,
  PRIO_TO_POD,
  PRIO_VLAN_IIF,
  vlanLinkName,
  vlanTable,
} from "./names.js";

/** How the branch ENI appears on the host: an 802.1Q link, or this kernel's macvlan fallback. */
export type BranchLinkKind = "vlan" | "macvlan";

/** One `ip -batch` line and, for host steps that create something, the line that removes it. */
export interface PlanStep {
  line: string;
  undo?: string;
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
  pod: string[];
}

/** The veth pair, created in one step with its container end directly inside the netns. */
function vethSteps(spec: PodNetworkSpec, ctx: SetupContext): PlanStep[] {
  const hv = spec.hostVethName;
  return [
    {
      line:
        `link add ${hv} mtu ${spec.mtu} address ${ctx.hostMac} type veth ` +
        `peer name ${spec.ifName} mtu ${spec.mtu} address ${ctx.containerMac} netns ${spec.netns}`,
      undo: `link del ${hv}`,
    },
    { line: `link set ${hv} up` },
  ];
}

/** Host route and rules of an ordinary pod (and of a branch pod in standard mode). */
function ipRuleSteps(hv: IfName, ip: Ipv4, table: TableId): PlanStep[] {
  const steps: PlanStep[] = [
    { line: `route replace ${ip}/32 dev ${hv} scope link` },
    {
      line: `rule add to ${ip}/32 lookup main prio ${PRIO_TO_POD}`,
      undo: `rule del to ${ip}/32 lookup main prio ${PRIO_TO_POD}`,
      existsOk: true,
    },
  ];
  if (table !== MAIN_TABLE) {
    steps.push({
      line: `rule add from ${ip}/32 lookup ${table} prio ${PRIO_FROM_POD}`,
      undo: `rule del from ${ip}/32 lookup ${table} prio ${PRIO_FROM_POD}`,
      existsOk: true,
    });
  }
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
  const kindArgs = ctx.trunk.kind === "vlan" ? `type vlan id ${b.vlanId}` : "type macvlan mode bridge";
  const steps: PlanStep[] = [
    { line: `link add link ${ctx.trunk.name} name ${vl} address ${b.eniMac} ${kindArgs}`, undo: `link del ${vl}` },
    { line: `link set ${vl} up` },
    { line: `route replace ${b.subnetGateway}/32 dev ${vl} scope link table ${table}` },
    { line: `route replace default via ${b.subnetGateway} dev ${vl} table ${table}` },
  ];
  if (b.mode === "standard") return [...steps, ...ipRuleSteps(spec.hostVethName, spec.ipv4, table)];
  return [
    ...steps,
    { line: `route replace ${spec.ipv4}/32 dev ${spec.hostVethName} scope link table ${table}` },
    ...iifRuleSteps(spec.hostVethName, b.vlanId).map((s) => ({ ...s, existsOk: true })),
  ];
}

/** Strict mode: everything entering from the VLAN link or the pod's veth uses the VLAN's table. */
function iifRuleSteps(hv: IfName, vlanId: VlanId): PlanStep[] {
  const table = vlanTable(vlanId);
  return [vlanLinkName(vlanId), hv].map((iif) => ({
    line: `rule add iif ${iif} lookup ${table} prio ${PRIO_VLAN_IIF}`,
    undo: `rule del iif ${iif} lookup ${table} prio ${PRIO_VLAN_IIF}`,
  }));
}

/** Inside the pod: /32 address, the 169.254.1.1 link route + default, permanent neighbour. */
function podLines(spec: PodNetworkSpec, hostMac: Mac): string[] {
  const dev = spec.ifName;
  return [
    `link set ${dev} up`,
    `addr add ${spec.ipv4}/32 dev ${dev}`,
    `route add ${POD_GATEWAY}/32 dev ${dev} scope link`,
    `route add default via ${POD_GATEWAY} dev ${dev}`,
    `neigh add ${POD_GATEWAY} lladdr ${hostMac} dev ${dev} nud permanent`,
  ];
}

export function buildSetupPlan(spec: PodNetworkSpec, ctx: SetupContext): SetupPlan {
  const stale: PlanStep[] = (ctx.staleHostLinks ?? []).map((name) => ({ line: `link del ${name}` }));
  const routing =
    spec.branch === undefined ? ipRuleSteps(spec.hostVethName, spec.ipv4, spec.routeTable) : branchSteps(spec, ctx);
  return { host: [...stale, ...vethSteps(spec, ctx), ...routing], pod: podLines(spec, ctx.hostMac) };
}

/** Undo lines of the host steps this setup really did, newest first. */
export function undoLines(done: readonly PlanStep[]): string[] {
  return done.flatMap((s) => (s.undo === undefined ? [] : [s.undo])).reverse();
}

/** DEL's two batches: inside the pod's netns (when it still exists) and on the host. */
export interface TeardownPlan {
  pod: string[];
  host: string[];
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
  const host: string[] = [];
  const vlanId = spec.vlanId ?? 0;
  if (vlanId !== 0) {
    host.push(`link del ${vlanLinkName(vlanId)}`);
    if (spec.mode !== "standard") host.push(...iifRuleSteps(hv, vlanId).map((s) => s.undo ?? ""));
  }
  if (spec.ipv4 !== undefined && spec.ipv4 !== "" && ruleMode(spec) !== "strict") {
    host.push(`rule del to ${spec.ipv4}/32 lookup main prio ${PRIO_TO_POD}`);
    // No table given: the kernel matches the rule whatever its table, so prevResult need not know it.
    host.push(`rule del from ${spec.ipv4}/32 prio ${PRIO_FROM_POD}`);
  }
  return { pod: spec.netns === "" ? [] : [`link del ${spec.ifName}`], host };
}

/** Which rules a torn-down pod may have: strict branch pods only iif rules; unknown: both kinds. */
function ruleMode(spec: TeardownSpec): SgEnforcingMode | "unknown" {
  if (spec.vlanId === undefined || spec.vlanId <= 0) return "standard";
  return spec.mode ?? "unknown";
}
