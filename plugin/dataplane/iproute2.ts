// The real pod dataplane: iproute2 batches on the host and inside the pod's netns (docs/REFERENCE.md
// section 3), the branch ENI as an 802.1Q link or, on kernels without 802.1Q, a macvlan fallback.
import { existsSync } from "node:fs";
import type { IfName, NetnsPath } from "../../common/boundary/index.js";
import { CniCode, CniError } from "../cni/errors.js";
import { applyHostSteps, isAlreadyGone } from "./apply.js";
import { batchOpRunner, execaBatchRunner, guardBatch, guardOps, type BatchResult, type BatchRunner, type OpRunner } from "./batch.js";
import { bunBatchRunner, bunRuntime } from "./bun-runner.js";
import { containerMac, hostVethMac } from "./mac.js";
import { vlanLinkName } from "./names.js";
import { statfsNetns, type NetnsProbe } from "./netns.js";
import { render, type Op } from "./ops.js";
import { buildSetupPlan, buildTeardownPlan, undoOps, type SetupContext } from "./plan.js";
import { sysfsLinks, type LinkLookup } from "./sysfs.js";
import type { Dataplane, PodInterfaces, PodNetworkSpec, TeardownSpec } from "./types.js";
import { branchLinkKind } from "./vlan-support.js";
import { hostRouteTable, parseHostSnapshot, parseSnapshot, verifyHost, verifyPod } from "./verify.js";

/** Minimal structured logger (the plugin's log file); every method optional to call. */
export interface DataplaneLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface Iproute2Options {
  log?: DataplaneLogger;
  /** Default /usr/sbin/ip (Debian), then /sbin/ip, then "ip" from PATH. */
  ipPath?: string;
  /** Default /usr/bin/nsenter, then "nsenter" from PATH. */
  nsenterPath?: string;
  /** Where the 802.1Q probe's answer is cached; default /run/mock-vpc-cni. */
  stateDir?: string;
  /** Force the branch link kind instead of probing (tests, or a known kernel). */
  branchLinkKind?: "vlan" | "macvlan";
  /**
   * Who carries out setup and teardown: by default `ip -batch` through `runner` (or the netlink
   * runner the compiled plugin passes, netlink/). CHECK reads through `ip -j` whatever this is.
   */
  ops?: OpRunner;
  /** Test seams: the process boundary, the sysfs reader and the netns probe. */
  runner?: BatchRunner;
  links?: LinkLookup;
  netns?: NetnsProbe;
}

const silent: DataplaneLogger = { debug: () => {}, info: () => {}, warn: () => {} };

function firstExisting(candidates: readonly string[], fallback: string): string {
  return candidates.find((p) => existsSync(p)) ?? fallback;
}

export function createIproute2Dataplane(opts: Iproute2Options = {}): Dataplane {
  const log = opts.log ?? silent;
  const paths = {
    ipPath: opts.ipPath ?? firstExisting(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"], "ip"),
    nsenterPath: opts.nsenterPath ?? firstExisting(["/usr/bin/nsenter", "/bin/nsenter"], "nsenter"),
  };
  const bun = bunRuntime();
  // The second wall (issue #10): no word outside the safe alphabet ever reaches ip -batch.
  const run = guardBatch(opts.runner ?? (bun === undefined ? execaBatchRunner(paths) : bunBatchRunner(bun, paths)));
  const links = opts.links ?? sysfsLinks();
  const stateDir = opts.stateDir ?? "/run/mock-vpc-cni";
  const d: Deps = { log, run, ops: opts.ops === undefined ? batchOpRunner(run) : guardOps(opts.ops), links, stateDir, forcedKind: opts.branchLinkKind, netns: opts.netns ?? statfsNetns };
  return {
    setup: (spec, signal) => setup(d, spec, signal),
    teardown: (spec, signal) => teardown(d, spec, signal),
    check: (spec, signal) => check(d, spec, signal),
  };
}

interface Deps {
  log: DataplaneLogger;
  /** `ip -batch` lines (CHECK's reads). */
  run: BatchRunner;
  ops: OpRunner;
  links: LinkLookup;
  stateDir: string;
  forcedKind: "vlan" | "macvlan" | undefined;
  netns: NetnsProbe;
}

const NETNS_HINT = "CNI_NETNS must name an existing network namespace (a bind-mounted netns file or /proc/<pid>/ns/net)";

function requireNetns(d: Deps, netns: NetnsPath, verb: string): void {
  const state = d.netns(netns);
  // Code 3 (container unknown): no netns means no container to configure; nothing is created.
  if (state === "missing") {
    throw new CniError(CniCode.UnknownContainer, `${verb}: network namespace "${netns}" does not exist`, { details: NETNS_HINT });
  }
  if (state === "not-netns") {
    throw new CniError(CniCode.InvalidEnvironment, `${verb}: "${netns}" is not a network namespace`, { details: NETNS_HINT });
  }
}

/** Trunk link and link kind for a branch pod; everything found before anything is created. */
async function branchContext(d: Deps, spec: PodNetworkSpec, signal: AbortSignal): Promise<SetupContext["trunk"]> {
  const b = spec.branch;
  if (b === undefined) return undefined;
  const trunk = b.parentIfIndex === undefined ? undefined : d.links.nameByIndex(b.parentIfIndex);
  if (trunk === undefined) {
    throw new CniError(CniCode.Generic, "add command: failed to setup network", {
      details: `no host link has ifindex ${String(b.parentIfIndex)} (ParentIfIndex, the trunk ENI's link)`,
    });
  }
  const kind = d.forcedKind ?? (await branchLinkKind(d.stateDir, d.ops, signal)).kind;
  if (kind === "macvlan") {
    d.log.warn("kernel has no 802.1Q VLAN links: branch ENI link is a macvlan with the VLAN link's name and MAC", {
      link: vlanLinkName(b.vlanId),
      trunk,
      vlanId: b.vlanId,
    });
  }
  return { name: trunk, kind };
}

async function setup(d: Deps, spec: PodNetworkSpec, signal: AbortSignal): Promise<PodInterfaces> {
  requireNetns(d, spec.netns, "add command");
  const trunk = await branchContext(d, spec, signal);
  const hostMac = hostVethMac(spec.hostVethName);
  const cMac = containerMac(spec.containerId, spec.ifName);
  const stale = staleLinks(d, spec);
  const ctx: SetupContext = { hostMac, containerMac: cMac, staleHostLinks: stale, ...(trunk ? { trunk } : {}) };
  const plan = buildSetupPlan(spec, ctx);
  // A batch killed at the deadline (or an ip that cannot start) throws: which host steps ran is
  // then unknown, so every undoable one is undone ("already gone" tolerated).
  const host = await applyHostSteps(plan.host, d.ops, signal).catch(async (e: unknown) => {
    await undo(d, plan.host, signal);
    throw e;
  });
  if (host.failure !== undefined) {
    await undo(d, host.done, signal);
    throw setupError(spec, "host", host.failure.line, host.failure.message);
  }
  const pod = await d.ops(plan.pod, { netns: spec.netns }, signal).catch(async (e: unknown) => {
    await undo(d, host.done, signal);
    throw e;
  });
  if (pod.exitCode !== 0) {
    await undo(d, host.done, signal);
    const f = pod.failures.find((x) => x.line > 0) ?? pod.failures[0];
    const op = plan.pod[(f?.line ?? 1) - 1];
    throw setupError(spec, "pod", op === undefined ? "" : render(op), f?.message ?? `exit ${pod.exitCode}`);
  }
  return interfaces(spec, hostMac, cMac, trunk?.kind);
}

/** Links an earlier sandbox of this pod left behind; removed first, as aws-cni does. */
function staleLinks(d: Deps, spec: PodNetworkSpec): IfName[] {
  const names = [spec.hostVethName, ...(spec.branch ? [vlanLinkName(spec.branch.vlanId)] : [])];
  const stale = names.filter((n) => d.links.exists(n));
  if (stale.length > 0) d.log.info("removing stale host links", { links: stale });
  return stale;
}

function interfaces(spec: PodNetworkSpec, hostMac: string, cMac: string, kind: "vlan" | "macvlan" | undefined): PodInterfaces {
  const out: PodInterfaces = {
    hostVeth: { name: spec.hostVethName, mac: hostMac },
    container: { name: spec.ifName, mac: cMac, sandbox: spec.netns },
  };
  if (spec.branch !== undefined && kind !== undefined) {
    out.vlan = { name: vlanLinkName(spec.branch.vlanId), mac: spec.branch.eniMac ?? "", kind };
  }
  return out;
}

function setupError(spec: PodNetworkSpec, side: "host" | "pod", line: string, message: string): CniError {
  // The real plugin's wrap (cmd/routed-eni-cni-plugin/cni.go), with the failed command as details.
  return new CniError(CniCode.Generic, "add command: failed to setup network", {
    details: `container ${spec.containerId}: ${side} side "ip ${line}": ${message}; everything created was removed`,
  });
}

async function undo(d: Deps, done: Parameters<typeof undoOps>[0], signal: AbortSignal): Promise<void> {
  const ops = undoOps(done);
  if (ops.length === 0) return;
  // Undo must run even when the caller's deadline has passed, or the failure leaks links.
  const r = await d.ops(ops, { force: true }, signal.aborted ? AbortSignal.timeout(5000) : signal);
  const bad = r.failures.filter((f) => !isAlreadyGone(f.message));
  if (bad.length > 0) d.log.warn("undo of a failed setup left something behind", { failures: bad });
}

async function teardown(d: Deps, spec: TeardownSpec, signal: AbortSignal): Promise<void> {
  const plan = buildTeardownPlan(spec);
  const bad: string[] = [];
  // A netns already removed took the veth pair with it: nothing to do inside. A path that is no
  // netns (a leftover file, a FIFO) holds no veth either, and is never opened.
  const state = spec.netns === "" ? "missing" : d.netns(spec.netns);
  if (state === "not-netns") d.log.warn("CNI_NETNS is not a network namespace; treating it as gone", { netns: spec.netns });
  if (plan.pod.length > 0 && state === "netns" && spec.netns !== "") {
    const r = await d.ops(plan.pod, { netns: spec.netns, force: true }, signal);
    // nsenter could not enter (line 0): a leftover file that is no netns any more holds no veth.
    const entered = r.failures.every((f) => f.line > 0);
    if (!entered) d.log.warn("cannot enter the netns for DEL; treating it as gone", { netns: spec.netns, failures: r.failures });
    if (entered) bad.push(...failuresOf(r, plan.pod));
  }
  if (plan.host.length > 0) bad.push(...failuresOf(await d.ops(plan.host, { force: true }, signal), plan.host));
  if (bad.length === 0) return;
  throw new CniError(CniCode.Generic, "del cmd: failed to teardown pod network", {
    details: `container ${spec.containerId}: ${bad.join("; ")}`,
  });
}

/** Failures other than "already gone", each naming its command. */
function failuresOf(r: BatchResult, ops: readonly Op[]): string[] {
  return r.failures.filter((f) => !isAlreadyGone(f.message)).map((f) => {
    const op = ops[f.line - 1];
    return `"ip ${op === undefined ? "?" : render(op)}": ${f.message}`;
  });
}

/** Host routes and rules of the pod, read in one `ip -j -batch` process. */
async function hostProblems(d: Deps, spec: PodNetworkSpec, signal: AbortSignal): Promise<string[]> {
  const r = await d.run(["rule show", `route show table ${hostRouteTable(spec)}`], { json: true }, signal);
  if (r.exitCode !== 0) return [`cannot read host rules and routes: ${r.failures.map((f) => f.message).join("; ")}`];
  return verifyHost(spec, parseHostSnapshot(r.stdout));
}

async function check(d: Deps, spec: PodNetworkSpec, signal: AbortSignal): Promise<void> {
  requireNetns(d, spec.netns, "check command");
  const r = await d.run(["link show", "addr show", "route show", "neigh show"], { netns: spec.netns, json: true }, signal);
  if (r.exitCode !== 0) {
    throw new CniError(CniCode.IoFailure, "check command: cannot read the pod network", {
      details: r.failures.map((f) => f.message).join("; "),
    });
  }
  const problems = verifyPod(spec, parseSnapshot(r.stdout), {
    host: hostVethMac(spec.hostVethName),
    container: containerMac(spec.containerId, spec.ifName),
  });
  if (!d.links.exists(spec.hostVethName)) problems.push(`host veth ${spec.hostVethName} missing`);
  else problems.push(...(await hostProblems(d, spec, signal)));
  if (spec.branch && !d.links.exists(vlanLinkName(spec.branch.vlanId))) {
    problems.push(`branch ENI link ${vlanLinkName(spec.branch.vlanId)} missing`);
  }
  if (problems.length > 0) {
    throw new CniError(CniCode.Generic, "check command: pod network does not match", {
      details: `container ${spec.containerId}: ${problems.join("; ")}`,
    });
  }
}
