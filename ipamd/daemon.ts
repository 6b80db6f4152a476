// Wires mock-ipamd together: the cluster side (--cluster memory: embedded, ipamd/cluster/memory.ts;
// --cluster kube: an API server and mock-ec2, ipamd/cluster/kube.ts), the node's ENIs and its trunk
// (asked for through the CNINode), host links, datastore restored from the checkpoint, warm pool,
// backend, gRPC server, introspection and metrics; logs "ready" with the actual addresses; shuts
// down cleanly.

import type { ClusterClient, Informer } from "../cluster/client/index.js";
import { createInformer, recorderFor } from "../cluster/client/index.js";
import type { NodeObject, PodObject } from "../cluster/k8s/index.js";
import { clusterEvent } from "../cluster/k8s/index.js";
import type { Clock } from "../common/clock.js";
import { systemClock } from "../common/clock.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { HarnessError, errorMessage } from "../common/errors.js";
import { EVENT_SOURCE } from "../common/names.js";
import type { Backend, NodeInfo } from "./backend/index.js";
import { createBackend } from "./backend/index.js";
import { durableIpDatastore } from "./backend/durable-port.js";
import { FileCheckpoint } from "./checkpoint/index.js";
import type { IpamdConfig } from "./config/index.js";
import { Datastore, DurableDatastore } from "./datastore/index.js";
import type { HostLinks } from "./hostlinks/index.js";
import { createHostLinks } from "./hostlinks/index.js";
import { startNodeFabric } from "./fabric/index.js";
import type { RunningHttp } from "./http/index.js";
import { createMetrics, introspectionHandler, metricsHandler, startHttp } from "./http/index.js";
import { instanceLimits, supportsTrunking } from "../common/limits.js";
import { startMemorySide } from "./cluster/memory.js";
import { adoptedPodsFor } from "./cluster/adopted.js";
import { nodePods, nodePodsInformer } from "./cluster/pods.js";
import { serveApi } from "./cluster/serve.js";
import type { EmbeddedController, NodeEni } from "./cluster/side.js";
import type { InstanceLimits } from "../common/limits.js";
import type { Logger } from "./log.js";
import { announce } from "./log.js";
import { createInspector } from "./server/inspect.js";
import { branchProgress } from "./server/progress.js";
import type { Inspector } from "./server/inspect.js";
import type { RunningGrpcServer } from "./server/index.js";
import { parseListen, startGrpcServer } from "./server/index.js";
import { WarmPoolReconciler, warmPoolConfig } from "./warmpool/index.js";
import type { EniAttacher } from "./warmpool/index.js";

export interface DaemonDeps {
  config: IpamdConfig;
  log: Logger;
  clock?: Clock;
}

export interface RunningDaemon {
  grpcAddress: string;
  introspectionAddress: string;
  metricsAddress: string;
  cluster: ClusterClient;
  backend: Backend;
  /** Stop accepting, flush the checkpoint, remove host links. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

type Cleanup = { what: string; run: () => Promise<void> | void };

export async function startDaemon({ config, log, clock = systemClock }: DaemonDeps): Promise<RunningDaemon> {
  const cleanups: Cleanup[] = [];
  try {
    return await start(config, log, clock, cleanups);
  } catch (e) {
    await runCleanups(cleanups, log);
    throw e;
  }
}

async function start(config: IpamdConfig, log: Logger, clock: Clock, cleanups: Cleanup[]): Promise<RunningDaemon> {
  ensureDir(config.stateDir, "--state-dir");
  for (const [address, flag] of [[config.listen, "--listen"], [config.control, "--control"]] as const) {
    const listen = parseListen(address, flag);
    if (listen.kind === "unix") ensureDir(dirname(listen.path), flag);
  }
  // Cluster mode's client-node and AWS SDK load only when asked for.
  const side = config.cluster.mode === "kube"
    ? await (await import("./cluster/kube.js")).startKubeSide(config, config.cluster, log, clock)
    : await startMemorySide(config, log, clock);
  cleanups.push({ what: "cluster", run: () => side.stop() });
  const served = side.store !== undefined && config.serveApi !== undefined ? await serveApi(side.store, config.serveApi, clock, log) : undefined;
  if (served !== undefined) cleanups.push({ what: "API server", run: () => served.close() });
  const { cluster, nodeName } = side;
  const limits = instanceLimits(side.instanceType);
  const hostLinks = startHostLinks(config, log, cleanups);
  const informers = await startInformers(cluster, clock, nodeName, log, cleanups);
  // ENABLE_POD_ENI and a type that trunks: ask for the trunk through the CNINode (docs/REFERENCE.md §8).
  const trunkEni = config.node.trunk && supportsTrunking(limits) ? await side.askForTrunk() : undefined;
  const datastore = new Datastore({ clock, cooldownMs: config.ipCooldownMs });
  const trunk = await attachNodeEnis(side.primary, trunkEni, datastore, hostLinks);
  // Only now: the trunk's link from a previous run was adopted by ensure (same name and MAC), so
  // its ifindex (ParentIfIndex) and the branch pods' links on it survive a restart, as on a real
  // node where the trunk NIC outlives aws-node. Everything else of our prefix is stale.
  const stale = await hostLinks.cleanStale();
  if (stale.length > 0) log.warn({ links: stale }, "removed host links left by an earlier run");
  log.info({ node: nodeName, instanceType: side.instanceType, primaryEni: side.primary.eniId, trunk, cluster: side.mode }, "node joined");
  startFabric(config, side.instanceId, () => (trunk === undefined ? undefined : hostLinks.get(trunk.eniId)?.peerName), log, cleanups);
  const durable = await restoreCheckpoint(config, datastore, log, cleanups);
  const pool = startWarmPool({ config, clock, limits, datastore, hostLinks, log, cleanups, podEniEnabled: trunk !== undefined, attacher: side.attacher(limits.ipv4PerEni) });
  const ctl = side.controller;

  const inspector = createInspector({
    nodeName, instanceType: side.instanceType, limits, datastore, hostLinks, subnetCidr: side.primary.subnetCidr,
    branchEnis: () => side.branchEnis(),
    capacity: () => ({ ...(informers.node.get({ namespace: "", name: nodeName })?.capacity ?? {}) }),
    trunk: () => trunk,
  });
  const metrics = createMetrics({
    datastoreStats: () => datastore.stats(),
    ec2Calls: () => side.ec2Calls(),
    provisioning: () => ctl?.provisioningRecords().filter((r) => r.nodeName === nodeName) ?? [],
  });
  const node: NodeInfo = {
    nodeName,
    trunkEniId: () => trunk?.eniId,
    trunkIfIndex: () => trunk?.ifIndex ?? 0,
    vpcV4Cidrs: () => config.node.vpcCidrs,
  };
  const backend = createBackend({
    datastore: durableIpDatastore(durable, () => pool.nudge()), node, clock, log: log.child({ component: "ipamd" }), metrics,
    pods: nodePods({ cluster, informer: informers.pods, nodeName, adopt: side.adoptPods, ...(side.adoptPods ? { adopted: adoptedPodsFor(datastore, cluster, clock, log) } : {}) }),
    events: recorderFor(cluster, { clock, source: EVENT_SOURCE.ipamd, host: nodeName }),
    branchWaitMs: config.waitForBranchEniMs,
    ...(ctl === undefined ? {} : { branchProgress: progressOf(cluster, ctl, clock) }),
  });
  backend.setDown(config.faults.ipamdDown);

  const grpc = await startGrpcServer({
    listen: config.listen, backend, log: log.child({ component: "grpc" }), version: config.clientVersion, controlListen: config.control,
    control: { cluster, clock, nodeName, backend, controller: ctl ?? inAnotherProcess, inspect: inspector, recorder: recorderFor(cluster, { clock, source: "harness" }) },
  });
  cleanups.push({ what: "gRPC server", run: () => grpc.close() });
  const http = await startHttpEndpoints(config, log, inspector, cluster, metrics.render, metrics.registry.contentType, settingsOf(config, side.instanceType));
  for (const h of http.all) cleanups.push({ what: "HTTP listener", run: () => h.close() });

  announce(log, {
    grpc: grpc.address, control: grpc.controlAddress, introspection: http.introspection, metrics: http.metrics, node: nodeName, stateDir: config.stateDir, cluster: side.mode,
    ...(served === undefined ? {} : { api: served.url, kubeconfig: served.kubeconfig }),
  }, "ready");
  return daemonHandle(grpc, http, cluster, backend, cleanups, log);
}

/** Cluster mode: the controller's knobs live in its own process (mock-vpc-resource-controller). */
const inAnotherProcess = {
  setProvisioningDelay(): never {
    throw new HarnessError("method-not-allowed", "SetProvisioningDelay: the controller runs in its own process (--cluster kube); use its --provisioning-delay");
  },
  setFaults(): never {
    throw new HarnessError("method-not-allowed", "SetFaults: the controller and EC2 run in their own processes (--cluster kube); use mock-ec2's /_harness/faults");
  },
};

/** ipamd's own Node (by name) and the pods bound to it (spec.nodeName), as aws-node watches them. */
async function startInformers(cluster: ClusterClient, clock: Clock, nodeName: string, log: Logger, cleanups: Cleanup[]): Promise<{ node: Informer<NodeObject>; pods: Informer<PodObject> }> {
  const ilog = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void => log[level]({ component: "informer", ...fields }, msg);
  const node = createInformer(cluster.nodes, { clock, name: `node ${nodeName}`, select: { fieldSelector: `metadata.name=${nodeName}` }, log: ilog });
  const pods = nodePodsInformer(cluster, clock, nodeName, ilog);
  cleanups.push({ what: "informers", run: () => { node.stop(); pods.stop(); } });
  await Promise.all([node.start(), pods.start()]);
  return { node, pods };
}

/** Where a refused pod's provisioning stands: the embedded controller's records and the pod's events. */
function progressOf(cluster: ClusterClient, ctl: EmbeddedController, clock: Clock): (pod: { namespace: string; name: string; uid: string }) => Promise<string | undefined> {
  return async (pod) => {
    const { items } = await cluster.events.list({ namespace: pod.namespace });
    const events = items.filter((e) => e.involvedObject.name === pod.name).map(clusterEvent);
    return branchProgress({ records: ctl.provisioningRecords(), now: clock.now(), delay: ctl.getProvisioningDelay(), events }, pod);
  };
}

/** Cluster mode: this node's share of the VPC's routing (ipamd/fabric), kept up to date from mock-ec2. */
function startFabric(config: IpamdConfig, instanceId: string | undefined, trunkPeer: () => string | undefined, log: Logger, cleanups: Cleanup[]): void {
  if (config.cluster.mode !== "kube" || !config.cluster.fabric.enabled || instanceId === undefined) return;
  const fabric = startNodeFabric({ ec2Endpoint: config.cluster.ec2Endpoint, instanceId, uplink: config.cluster.fabric.uplink, trunkPeer, log: log.child({ component: "fabric" }) });
  cleanups.push({ what: "fabric", run: () => fabric.stop() });
}

/** Fails early, naming the flag, when a directory cannot be created (e.g. /run as non-root). */
function ensureDir(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new HarnessError("invalid-config", `${flag}: cannot create ${dir}: ${errorMessage(e)}`, {
      details: "as non-root, pass --state-dir and --listen unix:///... under a directory you own",
    });
  }
}

function startHostLinks(config: IpamdConfig, log: Logger, cleanups: Cleanup[]): HostLinks {
  const hostLinks = createHostLinks({ mode: config.hostLinks, prefix: config.hostLinkPrefix });
  log.info({ enabled: hostLinks.enabled }, `host links: ${hostLinks.description}`);
  cleanups.push({ what: "host links", run: () => hostLinks.removeAll() });
  return hostLinks;
}

/** Leases back from <state-dir>/ipam.json; a corrupt or foreign file throws: refuse to start rather than drop leases. */
async function restoreCheckpoint(config: IpamdConfig, datastore: Datastore, log: Logger, cleanups: Cleanup[]): Promise<DurableDatastore> {
  const checkpoint = new FileCheckpoint({ stateDir: config.stateDir });
  // A write per event-loop turn covers every request of that turn; the next starts when it is durable (checkpoint/file.ts).
  const durable = new DurableDatastore(datastore, checkpoint, { defer: (start) => void setImmediate(start) });
  const restored = await durable.restore();
  log.info({ checkpoint: checkpoint.path, restored: restored.restored, unbacked: restored.unbacked.length }, "checkpoint restored");
  cleanups.push({ what: "checkpoint flush", run: () => durable.flush() });
  return durable;
}

interface PoolParts {
  config: IpamdConfig; clock: Clock; limits: InstanceLimits; datastore: Datastore; hostLinks: HostLinks; log: Logger;
  cleanups: Cleanup[]; podEniEnabled: boolean; attacher: EniAttacher;
}

/** WARM_ENI_TARGET / WARM_IP_TARGET / MINIMUM_IP_TARGET through the fake EC2; each ENI gets its host link. */
function startWarmPool(p: PoolParts): WarmPoolReconciler {
  const w = p.config.warm;
  const pool = new WarmPoolReconciler({
    datastore: p.datastore, clock: p.clock, limits: p.limits, podEniEnabled: p.podEniEnabled, attacher: p.attacher,
    config: warmPoolConfig({ warmEniTarget: w.WARM_ENI_TARGET, warmIpTarget: w.WARM_IP_TARGET ?? 0, minimumIpTarget: w.MINIMUM_IP_TARGET ?? 0 }),
    hooks: {
      eniAttached: async (eni, signal) => void (await p.hostLinks.ensure({ eniId: eni.eniId, mac: eni.mac, deviceNumber: eni.deviceNumber, isTrunk: false }, signal)),
      eniDetached: (eniId, signal) => p.hostLinks.remove(eniId, signal),
    },
    log: p.log.child({ component: "warm-pool" }),
  });
  pool.start();
  p.cleanups.push({ what: "warm pool", run: () => pool.stop() });
  return pool;
}

/** The primary ENI's secondary IPs feed the datastore; the trunk gets its host link (ParentIfIndex). */
async function attachNodeEnis(primary: NodeEni, trunkEni: NodeEni | undefined, ds: Datastore, links: HostLinks): Promise<{ eniId: string; ifIndex: number } | undefined> {
  const [primaryIp = "", ...secondaryIps] = primary.privateIps;
  ds.addEni({ eniId: primary.eniId, mac: primary.mac, deviceNumber: 0, primaryIp, subnetCidr: primary.subnetCidr, secondaryIps });
  if (trunkEni === undefined) return undefined;
  ds.addEni({ eniId: trunkEni.eniId, mac: trunkEni.mac, deviceNumber: trunkEni.deviceNumber, primaryIp: "", subnetCidr: trunkEni.subnetCidr, secondaryIps: [], isTrunk: true });
  const link = await links.ensure({ eniId: trunkEni.eniId, mac: trunkEni.mac, deviceNumber: trunkEni.deviceNumber, isTrunk: true });
  return { eniId: trunkEni.eniId, ifIndex: link.ifIndex };
}

interface HttpEndpoints { introspection: string; metrics: string; all: RunningHttp[] }

async function startHttpEndpoints(
  config: IpamdConfig, log: Logger, inspector: Inspector, cluster: ClusterClient,
  render: () => Promise<string>, contentType: string, settings: Record<string, string>,
): Promise<HttpEndpoints> {
  const onError = (e: unknown): void => log.error({ err: errorMessage(e) }, "HTTP handler failed");
  const all: RunningHttp[] = [];
  let introspection = "off";
  let metrics = "off";
  if (config.introspection !== "off") {
    const h = await startHttp(config.introspection, introspectionHandler({
      enis: () => ({ enis: inspector.enis() }),
      pods: async () => ({ pods: (await cluster.pods.list()).items }),
      events: async (f) => {
        const { items } = await cluster.events.list();
        const ns = f?.namespace ?? "";
        const name = f?.name ?? "";
        return { events: items.filter((e) => (ns === "" || e.involvedObject.namespace === ns) && (name === "" || e.involvedObject.name === name)).map(clusterEvent) };
      },
      leases: () => ({ leases: inspector.leases() }),
      node: () => inspector.node(),
      envSettings: () => settings,
    }), onError, "--introspection");
    all.push(h);
    introspection = h.address;
  }
  if (config.metrics !== "off") {
    const h = await startHttp(config.metrics, metricsHandler(render, contentType), onError, "--metrics");
    all.push(h);
    metrics = h.address;
  }
  return { introspection, metrics, all };
}

/** /v1/ipamd-env-settings: the real variable names where they exist. */
function settingsOf(c: IpamdConfig, instanceType: string): Record<string, string> {
  const s: Record<string, string> = {
    WARM_ENI_TARGET: String(c.warm.WARM_ENI_TARGET),
    IP_COOLDOWN_PERIOD: String(c.ipCooldownMs / 1000),
    ENABLE_POD_ENI: String(c.node.trunk),
    AWS_VPC_K8S_CNI_LOGLEVEL: c.logLevel.toUpperCase(),
    INSTANCE_TYPE: instanceType,
    WAIT_FOR_BRANCH_ENI_MS: String(c.waitForBranchEniMs),
  };
  for (const k of ["WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET"] as const) {
    const v = c.warm[k];
    if (v !== undefined) s[k] = String(v);
  }
  return s;
}

function daemonHandle(
  grpc: RunningGrpcServer, http: HttpEndpoints, cluster: ClusterClient, backend: Backend, cleanups: Cleanup[], log: Logger,
): RunningDaemon {
  let stopping: Promise<void> | undefined;
  return {
    grpcAddress: grpc.address, introspectionAddress: http.introspection, metricsAddress: http.metrics, cluster, backend,
    shutdown(reason) {
      stopping ??= (async () => {
        log.info({ reason }, "shutting down");
        await runCleanups(cleanups, log);
        announce(log, { reason }, "stopped");
      })();
      return stopping;
    },
  };
}

/** Undo in reverse order; one failing step does not stop the others. */
async function runCleanups(cleanups: Cleanup[], log: Logger): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c.run();
    } catch (e) {
      log.error({ step: c.what, err: errorMessage(e) }, "shutdown step failed");
    }
  }
}
