// The fabric's loop, level-triggered: ask the VPC for its routing view (a long poll that returns at
// once when something changed, and at the latest after waitMs, so drift on the node is repaired
// too), plan, read the node, apply the difference. Failures back off (bounded) and never stop it;
// nudge() re-plans at once (this node's trunk link appeared or changed).
// The node is read when what the fabric knows of it may be wrong: the first round, the resync (a
// poll that ended with no change), after a failure or a nudge, and when the trunk's link changed.
// After a round applied cleanly, the node holds what it planned, and the next round diffs against
// that: a burst of VPC changes (a branch ENI per pod) costs one `ip -batch` per round, not five
// `ip` processes (README, "30 SGP pods on 3 m5.xlarge nodes").

import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import { diffFabric } from "./diff.js";
import type { IpPort, NodeSnapshot, SysctlPort } from "./netlink.js";
import { applyOps, readNode } from "./netlink.js";
import { planFabric } from "./plan.js";
import type { FabricSelf, VpcRouting } from "./types.js";

export interface FabricSource {
  /** The view; with `since` = the last version seen, waits up to waitMs for a newer one. */
  fetch(since: string, waitMs: number, signal: AbortSignal): Promise<VpcRouting>;
}

export interface FabricLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FabricDeps {
  source: FabricSource;
  ip: IpPort;
  sysctl: SysctlPort;
  /** Where this node stands now; undefined until it has joined (its instance is known). */
  self: () => FabricSelf | undefined;
  log: FabricLog;
  clock?: Clock;
  /** Longest wait for a change (the resync period). Default 30 s. */
  waitMs?: number;
  /** Back-off after a failed round: from minMs, doubling, at most maxMs. */
  backoff?: { minMs: number; maxMs: number };
}

export interface FabricStatus {
  /** The VPC view last applied in full ("" before the first). */
  readonly version: string;
  readonly rounds: number;
  /** Rounds that read the node (the others diffed against what the last clean round left). */
  readonly reads: number;
  readonly routes: number;
  readonly neighbours: number;
  readonly lastError: string;
  readonly consecutiveFailures: number;
}

export interface Fabric {
  start(): void;
  /** Stops the loop; what it programmed stays (the VPC's routes do not depend on ipamd running). */
  stop(): Promise<void>;
  nudge(): void;
  status(): FabricStatus;
}

export function createFabric(d: FabricDeps): Fabric {
  const clock = d.clock ?? systemClock;
  const waitMs = d.waitMs ?? 30_000;
  const backoff = d.backoff ?? { minMs: 500, maxMs: 30_000 };
  const stopping = new AbortController();
  let poll: AbortController | undefined;
  let since = "";
  let loop: Promise<void> | undefined;
  let st: FabricStatus = { version: "", rounds: 0, reads: 0, routes: 0, neighbours: 0, lastError: "", consecutiveFailures: 0 };
  /** The node as the last clean round left it, for the links it was read for; undefined: read it. */
  let known: { snapshot: NodeSnapshot; uplink: string; trunkPeer: string | undefined } | undefined;
  /** Counts nudges: a round that saw one arrive while it ran leaves `since` and `known` unset. */
  let nudges = 0;

  async function round(signal: AbortSignal): Promise<void> {
    const self = d.self();
    if (self === undefined) {
      await clock.sleep(backoff.minMs, signal);
      return;
    }
    const nudged = nudges;
    const view = await d.source.fetch(since, since === "" ? 0 : waitMs, signal);
    const resync = view.version === since;
    const cached = known !== undefined && !resync && known.uplink === self.uplink && known.trunkPeer === self.trunkPeer ? known.snapshot : undefined;
    known = undefined;
    const now = cached ?? await readNode(d.ip, d.sysctl, self.uplink, self.trunkPeer, signal);
    const effective: FabricSelf = now.trunkPeerExists ? self : { instanceId: self.instanceId, uplink: self.uplink };
    const plan = planFabric(view, effective);
    if (plan.conflicts.length > 0) d.log.warn({ addresses: plan.conflicts.slice(0, 20) }, "fabric: addresses claimed by two interfaces in the VPC view");
    const selfAddress = plan.selfAddress === undefined ? undefined : { ip: plan.selfAddress, dev: self.uplink, present: now.uplinkAddresses.includes(plan.selfAddress) };
    const ops = diffFabric({ want: plan.state, have: now.have, ...(selfAddress === undefined ? {} : { selfAddress }) });
    const failures = ops.length === 0 ? [] : await applyOps(d.ip, d.sysctl, ops, signal);
    if (failures.length > 0) throw new Error(`${failures.length} step(s) failed: ${failures.slice(0, 5).join("; ")}`);
    if (ops.length > 0) d.log.info({ version: view.version, steps: ops.length, routes: plan.state.routes.length }, "fabric: node brought up to date");
    // What the fabric owns is now what it planned (sysctls and rules only for the links it planned).
    const uplinkAddresses = selfAddress === undefined || selfAddress.present ? now.uplinkAddresses : [...now.uplinkAddresses, selfAddress.ip];
    if (nudges === nudged) {
      known = { snapshot: { have: plan.state, trunkPeerExists: now.trunkPeerExists, uplinkAddresses }, uplink: self.uplink, trunkPeer: self.trunkPeer };
      since = view.version;
    }
    st = { version: view.version, rounds: st.rounds + 1, reads: st.reads + (cached === undefined ? 1 : 0), routes: plan.state.routes.length, neighbours: plan.state.neighs.length, lastError: "", consecutiveFailures: 0 };
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      poll = new AbortController();
      const signal = AbortSignal.any([stopping.signal, poll.signal]);
      try {
        await round(signal);
      } catch (e) {
        if (stopping.signal.aborted) return;
        if (poll.signal.aborted) continue;
        // The next round must not wait for a VPC change: the node is what needs another try.
        since = "";
        const n = st.consecutiveFailures + 1;
        st = { ...st, lastError: errorMessage(e), consecutiveFailures: n };
        d.log.warn({ err: errorMessage(e), consecutiveFailures: n }, "fabric: round failed; retrying");
        const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(n - 1, 16));
        await clock.sleep(delay, stopping.signal).catch(() => undefined);
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
    nudge() {
      nudges += 1;
      since = "";
      known = undefined;
      poll?.abort();
    },
    status: () => st,
  };
}
