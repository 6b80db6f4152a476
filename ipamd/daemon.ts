// Wires mock-ipamd together: cluster store, fake controller + EC2, node join (primary + trunk ENI),
// host links, datastore restored from the checkpoint, warm pool, backend, gRPC server,
// introspection and metrics; logs "ready" with the actual addresses; shuts down cleanly.

import type { ClusterStore } from "../cluster/index.js";
import { createClusterStore } from "../cluster/index.js";
import type { Clock } from "../common/clock.js";
import { systemClock } from "../common/clock.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { HarnessError, errorMessage } from "../common/errors.js";
import { createController, createSeededRng } from "../controller/index.js";
import type { NodeInfo as ControllerNode, VpcResourceController } from "../controller/index.js";
import type { Backend, NodeInfo } from "./backend/index.js";
import { createBackend } from "./backend/index.js";
import { durableIpDatastore } from "./backend/durable-port.js";
import { FileCheckpoint } from "./checkpoint/index.js";
import type { IpamdConfig } from "./config/index.js";
import { Datastore, DurableDatastore } from "./datastore/index.js";
import type { HostLinks } from "./hostlinks/index.js";
import { createHostLinks } from "./hostlinks/index.js";
import type { RunningHttp } from "./http/index.js";
import { createMetrics, introspectionHandler, metricsHandler, startHttp } from "./http/index.js";
import { instanceLimits, maxPods } from "./limits.js";
import type { InstanceLimits } from "./limits.js";
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
  cluster: ClusterStore;
  controller: VpcResourceController;
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
  const limits = instanceLimits(config.node.instanceType);
  ensureDir(config.stateDir, "--state-dir");
  for (const [address, flag] of [[config.listen, "--listen"], [config.control, "--control"]] as const) {
    const listen = parseListen(address);
    if (listen.kind === "unix") ensureDir(dirname(listen.path), flag);
  }
  const { cluster, controller } = startCluster(config, log, clock, cleanups);
  const hostLinks = startHostLinks(config, log, cleanups);
  const joined = await controller.addNode({
    name: config.node.name, instanceType: config.node.instanceType, primaryEniSecondaryIps: limits.ipv4PerEni - 1, capacity: { pods: String(maxPods(limits)) },
  });
  const datastore = new Datastore({ clock, cooldownMs: config.ipCooldownMs });
  const trunk = await attachNodeEnis(joined, datastore, hostLinks, config.node.trunk);
  // Only now: the trunk's link from a previous run was adopted by ensure (same name and MAC), so
  // its ifindex (ParentIfIndex) and the branch pods' links on it survive a restart, as on a real
  // node where the trunk NIC outlives aws-node. Everything else of our prefix is stale.
  const stale = await hostLinks.cleanStale();
  if (stale.length > 0) log.warn({ links: stale }, "removed host links left by an earlier run");
  log.info({ node: joined.name, instanceType: joined.instanceType, primaryEni: joined.primaryEniId, trunk }, "node joined");
  const durable = await restoreCheckpoint(config, datastore, log, cleanups);
  const pool = startWarmPool({ config, clock, limits, datastore, hostLinks, log, cleanups, podEniEnabled: trunk !== undefined, attacher: controller.eniAttacher(joined.name, { ipsPerEni: limits.ipv4PerEni }) });

  const inspector = createInspector({
    nodeName: joined.name, instanceType: joined.instanceType, limits, datastore, hostLinks, subnetCidr: joined.subnetCidr,
    branchEnis: () => controller.listEnis({ nodeName: joined.name, kind: "branch" }),
    capacity: () => ({ ...(cluster.getNode(joined.name)?.capacity ?? {}) }),
    trunk: () => trunk,
  });
  const metrics = createMetrics({
    datastoreStats: () => datastore.stats(),
    ec2Calls: () => controller.ec2CallLog(),
    provisioning: () => controller.provisioningRecords().filter((r) => r.nodeName === joined.name),
  });
  const node: NodeInfo = {
    nodeName: joined.name,
    trunkEniId: () => trunk?.eniId,
    trunkIfIndex: () => trunk?.ifIndex ?? 0,
    vpcV4Cidrs: () => config.node.vpcCidrs,
  };
  const backend = createBackend({
    datastore: durableIpDatastore(durable, () => pool.nudge()), cluster, node, clock, log: log.child({ component: "ipamd" }), metrics,
    branchWaitMs: config.waitForBranchEniMs,
    branchProgress: (pod) => branchProgress({
      records: controller.provisioningRecords(), now: clock.now(), delay: controller.getProvisioningDelay(),
      events: cluster.listEvents({ namespace: pod.namespace, name: pod.name }),
    }, pod),
  });
  backend.setDown(config.faults.ipamdDown);

  const grpc = await startGrpcServer({
    listen: config.listen, backend, log: log.child({ component: "grpc" }), version: config.clientVersion,
    control: { cluster, nodeName: joined.name, backend, controller, inspect: inspector }, controlListen: config.control,
  });
  cleanups.push({ what: "gRPC server", run: () => grpc.close() });
  const http = await startHttpEndpoints(config, log, inspector, cluster, metrics.render, metrics.registry.contentType, settingsOf(config));
  for (const h of http.all) cleanups.push({ what: "HTTP listener", run: () => h.close() });

  announce(log, { grpc: grpc.address, control: grpc.controlAddress, introspection: http.introspection, metrics: http.metrics, node: joined.name, stateDir: config.stateDir }, "ready");
  return daemonHandle(grpc, http, cluster, controller, backend, cleanups, log);
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

/** The API server and the fake VPC resource controller (with its EC2), policies applied. */
function startCluster(config: IpamdConfig, log: Logger, clock: Clock, cleanups: Cleanup[]): { cluster: ClusterStore; controller: VpcResourceController } {
  const cluster = createClusterStore({ clock, onWatchError: (e) => log.error({ err: errorMessage(e) }, "cluster watcher failed") });
  const controller = createController(
    { clock, store: cluster, rng: createSeededRng(config.seed), log: (level, msg, fields) => log[level]({ component: "vpc-resource-controller", ...fields }, msg) },
    {
      provisioningDelay: config.provisioningDelay,
      cooldownMs: config.branchCooldownMs,
      faults: config.faults,
      ec2: { ...config.ec2, primarySubnetCidr: config.node.subnetCidr, branchSubnetCidr: config.node.branchSubnetCidr },
    },
  );
  controller.start();
  cleanups.push({ what: "controller", run: () => controller.stop() });
  for (const p of config.policies) cluster.applyPolicy(p);
  return { cluster, controller };
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
  const durable = new DurableDatastore(datastore, checkpoint);
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
async function attachNodeEnis(n: ControllerNode, ds: Datastore, links: HostLinks, wantTrunk: boolean): Promise<{ eniId: string; ifIndex: number } | undefined> {
  const [primaryIp = n.primaryIp, ...secondaryIps] = n.primaryIps;
  ds.addEni({ eniId: n.primaryEniId, mac: n.primaryMac, deviceNumber: 0, primaryIp, subnetCidr: n.subnetCidr, secondaryIps });
  if (!wantTrunk || n.trunkEniId === "") return undefined;
  ds.addEni({ eniId: n.trunkEniId, mac: n.trunkMac, deviceNumber: n.trunkDeviceNumber, primaryIp: "", subnetCidr: n.subnetCidr, secondaryIps: [], isTrunk: true });
  const link = await links.ensure({ eniId: n.trunkEniId, mac: n.trunkMac, deviceNumber: n.trunkDeviceNumber, isTrunk: true });
  return { eniId: n.trunkEniId, ifIndex: link.ifIndex };
}

interface HttpEndpoints { introspection: string; metrics: string; all: RunningHttp[] }

async function startHttpEndpoints(
  config: IpamdConfig, log: Logger, inspector: Inspector, cluster: ClusterStore,
  render: () => Promise<string>, contentType: string, settings: Record<string, string>,
): Promise<HttpEndpoints> {
  const onError = (e: unknown): void => log.error({ err: errorMessage(e) }, "HTTP handler failed");
  const all: RunningHttp[] = [];
  let introspection = "off";
  let metrics = "off";
  if (config.introspection !== "off") {
    const h = await startHttp(config.introspection, introspectionHandler({
      enis: () => ({ enis: inspector.enis() }),
      pods: () => ({ pods: cluster.listPods() }),
      events: (f) => ({ events: cluster.listEvents(f) }),
      leases: () => ({ leases: inspector.leases() }),
      node: () => inspector.node(),
      envSettings: () => settings,
    }), onError);
    all.push(h);
    introspection = h.address;
  }
  if (config.metrics !== "off") {
    const h = await startHttp(config.metrics, metricsHandler(render, contentType), onError);
    all.push(h);
    metrics = h.address;
  }
  return { introspection, metrics, all };
}

/** /v1/ipamd-env-settings: the real variable names where they exist. */
function settingsOf(c: IpamdConfig): Record<string, string> {
  const s: Record<string, string> = {
    WARM_ENI_TARGET: String(c.warm.WARM_ENI_TARGET),
    IP_COOLDOWN_PERIOD: String(c.ipCooldownMs / 1000),
    ENABLE_POD_ENI: String(c.node.trunk),
    AWS_VPC_K8S_CNI_LOGLEVEL: c.logLevel.toUpperCase(),
    INSTANCE_TYPE: c.node.instanceType,
    WAIT_FOR_BRANCH_ENI_MS: String(c.waitForBranchEniMs),
  };
  for (const k of ["WARM_IP_TARGET", "MINIMUM_IP_TARGET", "WARM_PREFIX_TARGET"] as const) {
    const v = c.warm[k];
    if (v !== undefined) s[k] = String(v);
  }
  return s;
}

function daemonHandle(
  grpc: RunningGrpcServer, http: HttpEndpoints, cluster: ClusterStore, controller: VpcResourceController,
  backend: Backend, cleanups: Cleanup[], log: Logger,
): RunningDaemon {
  let stopping: Promise<void> | undefined;
  return {
    grpcAddress: grpc.address, introspectionAddress: http.introspection, metricsAddress: http.metrics, cluster, controller, backend,
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
