// The per-node delete queue (trunk.go deleteQueue + provider.go ProcessDeleteQueue): branch ENIs of
// deleted pods wait the cooldown, then DeleteNetworkInterface; their VLAN id is freed only then.
// The queue is processed every 30 s from node start, but a timer exists only while it has entries,
// so a simulated run can go idle.

import { errorMessage } from "../common/errors.js";
import type { BranchAlloc, ControllerContext, NodeState } from "./context.js";

/** trunk.go MaxDeleteRetries. */
export const MAX_DELETE_RETRIES = 3;

/** The pod is gone: its branch ENIs start their cooldown now. */
export function pushToCooldown(ctx: ControllerContext, node: NodeState, uid: string): BranchAlloc | undefined {
  const alloc = node.branches.get(uid);
  if (alloc === undefined) return undefined;
  node.branches.delete(uid);
  alloc.deletionAt = ctx.clock.now();
  node.deleteQueue.push(alloc);
  ctx.ec2.tagPod(alloc.eniId, alloc.pod, "cooldown");
  scheduleDeletePass(ctx, node);
  return alloc;
}

/** Failed allocations: deleted at the next pass without cooldown (PushENIsToFrontOfDeleteQueue). */
export function pushToFront(ctx: ControllerContext, node: NodeState, allocs: BranchAlloc[]): void {
  for (const a of allocs) a.deletionAt = undefined;
  node.deleteQueue.unshift(...allocs);
  scheduleDeletePass(ctx, node);
}

export function scheduleDeletePass(ctx: ControllerContext, node: NodeState): void {
  if (node.deleteTimer !== undefined || node.deleting || node.deleteQueue.length === 0 || ctx.abort.signal.aborted) return;
  const interval = ctx.config.deleteQueueIntervalMs;
  const now = ctx.clock.now();
  // Next tick of the node's 30 s cadence strictly after now.
  const next = node.startedAt + (Math.floor((now - node.startedAt) / interval) + 1) * interval;
  node.deleteTimer = ctx.clock.setTimer(next - now, () => {
    node.deleteTimer = undefined;
    void runDeletePass(ctx, node);
  });
}

/** DeleteCooledDownENIs: oldest first, stopping at the first ENI still cooling down. */
async function runDeletePass(ctx: ControllerContext, node: NodeState): Promise<void> {
  node.deleting = true;
  try {
    for (;;) {
      const alloc = node.deleteQueue[0];
      if (alloc === undefined) break;
      if (alloc.deletionAt !== undefined && ctx.clock.now() < alloc.deletionAt + ctx.config.cooldownMs) break;
      node.deleteQueue.shift();
      try {
        await ctx.ec2.deleteNetworkInterface(alloc.eniId, ctx.abort.signal);
        node.vlans.free(alloc.vlanId);
        ctx.log("info", "deleted branch ENI", { node: node.info.name, eniId: alloc.eniId, vlanId: alloc.vlanId });
      } catch (e) {
        if (ctx.abort.signal.aborted) return;
        alloc.deleteRetries++;
        if (alloc.deleteRetries >= MAX_DELETE_RETRIES) {
          // As the real controller: forget it (its VLAN id stays taken; a leak, logged).
          ctx.log("error", "forgetting branch ENI as max delete retries exceeded", { eniId: alloc.eniId, error: errorMessage(e) });
          continue;
        }
        ctx.log("warn", "failed to delete branch ENI, will retry", { eniId: alloc.eniId, error: errorMessage(e) });
        node.deleteQueue.unshift(alloc);
        break;
      }
    }
  } finally {
    node.deleting = false;
  }
  scheduleDeletePass(ctx, node);
}
