// The fake VPC resource controller: watches pods, runs branch-ENI jobs on 30 workers, joins nodes,
// returns branch ENIs of deleted pods through the cooldown queue, and exposes its knobs and records.

import { setMaxListeners } from "node:events";
import type { PodObject, WatchType } from "../cluster/types.js";
import { errorMessage } from "../common/errors.js";
import { createEniAttacher } from "./attacher.js";
import { resolveControllerConfig, validateFaults } from "./config.js";
import type { ControllerContext } from "./context.js";
import { validateDelay } from "./delay.js";
import { pushToCooldown } from "./deletes.js";
import { createFakeEc2, INSTANCE_CLIENT } from "./ec2.js";
import { addNode } from "./nodes.js";
import { needsBranch, processPod } from "./provision.js";
import type { PodJob } from "./provision.js";
import type { ControllerDeps, ControllerOptions, VpcResourceController } from "./types.js";
import { createSgpWebhook } from "./webhook.js";
import { createWorkQueue } from "./workqueue.js";

export function createController(deps: ControllerDeps, options: ControllerOptions = {}): VpcResourceController {
  const config = resolveControllerConfig(options);
  const ec2 = deps.ec2 ?? createFakeEc2({ clock: deps.clock, rng: deps.rng }, config.ec2);
  const ctx: ControllerContext = {
    clock: deps.clock, store: deps.store, ec2, rng: deps.rng, config,
    instanceEc2: config.ec2.clientModel === "split" ? ec2.client(INSTANCE_CLIENT, { qps: config.ec2.qps, burst: config.ec2.burst }) : ec2,
    delay: config.provisioningDelay, faults: config.faults,
    nodes: new Map(), records: [], abort: new AbortController(),
    log: deps.log ?? (() => undefined),
  };
  // Every in-flight job (30 workers, the delete passes) listens on this one signal.
  setMaxListeners(0, ctx.abort.signal);
  ec2.setFaults({ throttleRate: ctx.faults.ec2ThrottleRate, failureRate: ctx.faults.ec2FailureRate, subnetExhausted: ctx.faults.subnetExhausted });
  const attempts = new Map<string, number>();
  const queue = createWorkQueue<PodJob>({
    clock: deps.clock,
    workers: config.workers,
    key: (j) => j.uid,
    baseBackoffMs: config.baseBackoffMs,
    maxBackoffMs: config.maxBackoffMs,
    maxRetries: config.maxRetries,
    handle: async (job) => {
      const n = (attempts.get(job.uid) ?? 0) + 1;
      attempts.set(job.uid, n);
      const result = await processPod(ctx, job, n);
      if (result.kind === "done") attempts.delete(job.uid);
      return result;
    },
    onGiveUp: (job) => {
      attempts.delete(job.uid);
      ctx.log("error", "exceeded maximum retries", { pod: `${job.namespace}/${job.name}`, uid: job.uid, maxRetries: config.maxRetries });
    },
    onError: (job, e) => ctx.log("error", "branch ENI job failed", { pod: `${job.namespace}/${job.name}`, error: errorMessage(e) }),
  });

  const enqueue = (pod: PodObject): void => {
    if (!needsBranch(pod) || !ctx.nodes.has(pod.nodeName)) return;
    queue.add({ namespace: pod.namespace, name: pod.name, uid: pod.uid, queuedAt: deps.clock.now() });
  };
  const onPod = (type: WatchType, pod: PodObject): void => {
    if (type !== "DELETED") return enqueue(pod);
    const node = ctx.nodes.get(pod.nodeName);
    const alloc = node === undefined ? undefined : pushToCooldown(ctx, node, pod.uid);
    if (alloc !== undefined) ctx.log("info", "moved branch ENI to the cooldown queue", { eniId: alloc.eniId, uid: pod.uid });
  };

  let unwatch: (() => void) | undefined;
  let webhookInstalled = false;
  return {
    start() {
      if (unwatch !== undefined) return;
      if (!webhookInstalled) deps.store.addAdmissionHook(createSgpWebhook(deps.store));
      webhookInstalled = true;
      unwatch = deps.store.watchPods(onPod);
      for (const pod of deps.store.listPods()) enqueue(pod);
    },
    stop() {
      unwatch?.();
      unwatch = undefined;
      ctx.abort.abort(new Error("controller stopped"));
      queue.stop();
      for (const node of ctx.nodes.values()) {
        node.deleteTimer?.cancel();
        node.deleteTimer = undefined;
      }
    },
    async addNode(spec, signal) {
      const node = await addNode(ctx, spec, signal);
      // Pods scheduled before their node joined wait for it (no trunk yet).
      for (const pod of deps.store.listPods()) if (pod.nodeName === spec.name && unwatch !== undefined) enqueue(pod);
      return node.info;
    },
    getNode: (name) => ctx.nodes.get(name)?.info,
    // ipamd calls EC2 with its own client (the node's credentials), not through the controller's
    // 12 QPS bucket; server-side faults and the call log are shared.
    eniAttacher: (nodeName, opts) => createEniAttacher(ec2.client(`aws-node/${nodeName}`), nodeName, opts),
    setProvisioningDelay(delay) {
      ctx.delay = validateDelay(delay);
      return ctx.delay;
    },
    getProvisioningDelay: () => ctx.delay,
    setFaults(f) {
      ctx.faults = validateFaults({ ...ctx.faults, ...f });
      ec2.setFaults({ throttleRate: ctx.faults.ec2ThrottleRate, failureRate: ctx.faults.ec2FailureRate, subnetExhausted: ctx.faults.subnetExhausted });
      return ctx.faults;
    },
    getFaults: () => ctx.faults,
    listEnis: (filter) => ec2.list(filter),
    provisioningRecords: () => ctx.records,
    ec2CallLog: () => ec2.callLog(),
    pendingWork() {
      const s = queue.stats();
      let deleteTimers = 0;
      for (const n of ctx.nodes.values()) if (n.deleteTimer !== undefined || n.deleting) deleteTimers++;
      return { queued: s.queued, running: s.running, timers: s.timers + deleteTimers };
    },
    ec2,
    config,
  };
}
