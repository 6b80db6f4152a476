// The fake VPC resource controller: informers on pods, nodes, SGPs and CNINodes (docs/REFERENCE.md
// §8); node joins and branch-ENI jobs reconciled level-triggered from that cache on work queues
// (30 pod workers); branch ENIs of deleted pods back through the cooldown queue; its knobs and
// records for the harness. It reaches the cluster only through the seam (cluster/client).

import { setMaxListeners } from "node:events";
import { createInformer, recorderFor } from "../cluster/client/index.js";
import type { ClusterClient, Informer, ObjectIdentity, ResourceClient } from "../cluster/client/index.js";
import type { PodObject } from "../cluster/k8s/pod.js";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { Clock, TimerHandle } from "../common/clock.js";
import { errorMessage } from "../common/errors.js";
import { createEniAttacher } from "./attacher.js";
import { resolveControllerConfig, validateFaults } from "./config.js";
import type { ControllerContext, ControllerInformers, NodeState } from "./context.js";
import { EVENT_SOURCE } from "./context.js";
import { validateDelay } from "./delay.js";
import { pushToCooldown } from "./deletes.js";
import { createFakeEc2, INSTANCE_CLIENT } from "./ec2.js";
import { reconcileNode } from "./nodes.js";
import { needsBranch, processPod } from "./provision.js";
import type { PodJob } from "./provision.js";
import type { ControllerDeps, ControllerOptions, VpcResourceController } from "./types.js";
import { mutatePod } from "./webhook.js";
import { createKeyedRunner } from "./keyed.js";
import { createWorkQueue } from "./workqueue.js";

function informers(cluster: ClusterClient, clock: Clock, log: ControllerContext["log"]): ControllerInformers {
  const make = <T extends ObjectIdentity>(client: ResourceClient<T>, name: string): Informer<T> =>
    createInformer(client, { clock, name, log: (level, msg, fields) => log(level, msg, fields) });
  return { pods: make(cluster.pods, "pods"), nodes: make(cluster.nodes, "nodes"), sgps: make(cluster.sgps, "securitygrouppolicies"), cniNodes: make(cluster.cniNodes, "cninodes") };
}

export function createController(deps: ControllerDeps, options: ControllerOptions = {}): VpcResourceController {
  const config = resolveControllerConfig(options);
  const ec2 = deps.ec2 ?? createFakeEc2({ clock: deps.clock, rng: deps.rng }, config.ec2);
  const log = deps.log ?? (() => undefined);
  const ctx: ControllerContext = {
    clock: deps.clock, cluster: deps.cluster, informers: informers(deps.cluster, deps.clock, log),
    recorder: recorderFor(deps.cluster, { clock: deps.clock, source: EVENT_SOURCE, log: (level, msg, fields) => log(level, msg, fields) }),
    ec2, rng: deps.rng, config,
    instanceEc2: config.ec2.clientModel === "split" ? ec2.client(INSTANCE_CLIENT, { qps: config.ec2.qps, burst: config.ec2.burst }) : ec2,
    delay: config.provisioningDelay, faults: config.faults,
    nodes: new Map(), records: [], abort: new AbortController(), log,
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
  const onPodGone = (pod: PodObject): void => {
    const node = ctx.nodes.get(pod.nodeName);
    const alloc = node === undefined ? undefined : pushToCooldown(ctx, node, pod.uid);
    if (alloc !== undefined) ctx.log("info", "moved branch ENI to the cooldown queue", { eniId: alloc.eniId, uid: pod.uid });
  };
  /** A node's trunk is ready: its pods that waited for it are queued now. */
  const onNodeReady = (node: NodeState): void => {
    for (const pod of ctx.informers.pods.list()) if (pod.nodeName === node.info.name) enqueue(pod);
  };
  const nodeQueue = createKeyedRunner({
    clock: deps.clock, baseBackoffMs: 1_000, maxBackoffMs: 60_000,
    run: (name) => reconcileNode(ctx, name, onNodeReady),
    onError: (name, e) => ctx.log("error", "node reconcile failed", { node: name, error: errorMessage(e) }),
  });

  /** A pod found gone at resync (a DELETED missed) frees its ENIs as a DELETED would. */
  const resync = (): void => {
    const live = new Set(ctx.informers.pods.list().map((p) => p.uid));
    for (const node of ctx.nodes.values()) {
      for (const [uid, alloc] of [...node.branches]) {
        if (live.has(uid)) continue;
        pushToCooldown(ctx, node, uid);
        ctx.log("info", "pod gone at resync: branch ENI to the cooldown queue", { eniId: alloc.eniId, uid });
      }
    }
    for (const pod of ctx.informers.pods.list()) enqueue(pod);
  };
  let resyncTimer: TimerHandle | undefined;
  const scheduleResync = (): void => {
    if (config.resyncMs <= 0 || ctx.abort.signal.aborted) return;
    resyncTimer = deps.clock.setTimer(config.resyncMs, () => {
      resync();
      scheduleResync();
    });
  };

  let started: Promise<void> | undefined;
  return {
    start() {
      if (started !== undefined) return started;
      const { pods, nodes, sgps, cniNodes } = ctx.informers;
      pods.on((type, pod) => (type === "DELETED" ? onPodGone(pod) : enqueue(pod)));
      nodes.on((_t, node) => nodeQueue.kick(node.name));
      cniNodes.on((_t, c) => nodeQueue.kick(c.name));
      // Policies first: the webhook (admission hook) and the jobs read them from this cache.
      started = Promise.all([sgps.start(), cniNodes.start(), nodes.start(), pods.start()]).then(() => scheduleResync());
      return started;
    },
    stop() {
      for (const i of Object.values(ctx.informers) as Informer<ObjectIdentity>[]) i.stop();
      ctx.abort.abort(new Error("controller stopped"));
      resyncTimer?.cancel();
      queue.stop();
      nodeQueue.stop();
      for (const node of ctx.nodes.values()) {
        node.deleteTimer?.cancel();
        node.deleteTimer = undefined;
      }
    },
    admissionHook: () => (op: "CREATE" | "UPDATE", object: K8sObject): K8sObject =>
      op === "CREATE" && object.kind === "Pod" ? mutatePod(object, ctx.informers.sgps.list()) : object,
    flushEvents: () => ctx.recorder.flush(),
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
      const n = nodeQueue.stats();
      let deleteTimers = 0;
      for (const node of ctx.nodes.values()) if (node.deleteTimer !== undefined || node.deleting) deleteTimers++;
      return { queued: s.queued, running: s.running + n.running, timers: s.timers + n.timers + deleteTimers };
    },
    ec2,
    config,
  };
}
