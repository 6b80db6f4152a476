// Public types of the fake VPC resource controller and fake EC2: configuration, faults, the
// provisioning delay, and the records the harness reads to draw provisioning windows and count calls.

import type { ClusterClient } from "../cluster/client/types.js";
import type { K8sObject } from "../cluster/k8s/types.js";
import type { Clock } from "../common/clock.js";

/** A source of uniform numbers in [0, 1); seedable so scenarios replay exactly. */
export interface Rng {
  next(): number;
}

/**
 * The time a branch ENI takes beyond the three EC2 calls (their latency and rate limiting are
 * modelled separately). It stands for what the real path spends outside the API calls: the
 * controller's informer + work-queue latency, EC2's asynchronous ENI set-up, and the PATCH round
 * trip. Sampled once per branch ENI, after AssociateTrunkInterface and before the annotation PATCH.
 */
export type ProvisioningDelay =
  | { kind: "fixed"; fixedMs: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  /** Truncated at 0. */
  | { kind: "normal"; meanMs: number; stddevMs: number }
  /** meanMs/stddevMs are those of the delay itself (not of its logarithm). */
  | { kind: "lognormal"; meanMs: number; stddevMs: number };

/** EC2-side faults (the fake EC2 answers with the real error codes). */
export interface Ec2Faults {
  /** Fraction of calls answered `RequestLimitExceeded` (server-side throttling). */
  throttleRate: number;
  /** Fraction of calls answered `InternalError` (a failed call). */
  failureRate: number;
  /** When true CreateNetworkInterface answers `InsufficientFreeAddressesInSubnet`. */
  subnetExhausted: boolean;
}

/** Controller-side faults; mirror harness.v1.Faults (minus ipamd_down, which is ipamd's). */
export interface ControllerFaults {
  ec2ThrottleRate: number;
  /** Fraction of EC2 calls failing with `InternalError`. */
  ec2FailureRate: number;
  /** Fraction of branch allocations failing outright (event BranchAllocationFailed). */
  branchAllocationFailureRate: number;
  /** Fraction of annotation PATCHes failing (event BranchENIAnnotationFailed). */
  annotationFailureRate: number;
  /** > 0: pretend every node has this many branch ENIs; -1: no override. */
  branchCapacityOverride: number;
  /** CreateNetworkInterface answers InsufficientFreeAddressesInSubnet. */
  subnetExhausted: boolean;
}

/**
 * How the controller's EC2 calls map onto rate-limited clients.
 * - "single" (docs/REFERENCE.md §1): one client, 12 QPS burst 18, three calls per branch ENI
 *   (CreateNetworkInterface, CreateNetworkInterfacePermission, AssociateTrunkInterface).
 * - "split" (the controller's current sources, ec2/api/wrapper.go + helper.go): a user client and an
 *   instance client, each 12 QPS burst 18; a branch ENI takes CreateNetworkInterface (user) and
 *   AssociateTrunkInterface (instance); CreateNetworkInterfacePermission is made for trunks only.
 */
export type Ec2ClientModel = "single" | "split";

export interface Ec2Config {
  /** Client-side token bucket, as the real controller's EC2 client: 12 QPS, burst 18. */
  qps: number;
  burst: number;
  clientModel: Ec2ClientModel;
  /** Latency of each call once it has its token. */
  callLatencyMs: number;
  /** SDK standard retryer: max attempts for throttled/5xx calls (the controller uses 3). */
  maxAttempts: number;
  /** Subnet of ordinary (warm-pool) ENIs and of trunk ENIs. */
  primarySubnetCidr: string;
  /** Subnet branch ENIs get their IPs from. */
  branchSubnetCidr: string;
}

export interface ControllerConfig {
  /** Pod ENI workers (real: PodENIDefaultWorker = 30). */
  workers: number;
  /** Branch ENI cooldown before DeleteNetworkInterface (real: default 60 s, minimum 30 s). */
  cooldownMs: number;
  /** How often a node's delete queue is processed (real: requeue every 30 s). */
  deleteQueueIntervalMs: number;
  /** Work-queue retries on error before giving up (real: WorkQueueDefaultMaxRetries = 5). */
  maxRetries: number;
  /** First per-item back-off of the work queue (client-go: 5 ms, doubling, capped at maxBackoffMs). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  provisioningDelay: ProvisioningDelay;
  faults: ControllerFaults;
  ec2: Ec2Config;
  /**
   * Every resyncMs the controller checks its branch ENIs against the pods (a pod found gone sends
   * its ENIs to the cooldown queue) and requeues pods that still need one; 0: only on events
   * (memory mode, simulated time).
   */
  resyncMs: number;
}

/** A ControllerConfig where every field may be omitted (defaults fill the rest). */
export type ControllerOptions = Partial<Omit<ControllerConfig, "faults" | "ec2">> & {
  faults?: Partial<ControllerFaults>;
  ec2?: Partial<Ec2Config>;
};

export type Ec2Action =
  | "CreateNetworkInterface"
  | "CreateNetworkInterfacePermission"
  | "AssociateTrunkInterface"
  | "AttachNetworkInterface"
  | "DetachNetworkInterface"
  | "DeleteNetworkInterface"
  // The remote client's look-ups and its delete-on-termination (the in-process fake makes none).
  | "DescribeInstances"
  | "DescribeNetworkInterfaces"
  | "DescribeSubnets"
  | "DescribeTrunkInterfaceAssociations"
  | "ModifyNetworkInterfaceAttribute"
  | "AssignPrivateIpAddresses";

/** One HTTP attempt of an EC2 call (retries appear as separate records with attempt > 1). */
export interface Ec2CallRecord {
  /** Which client made it: "vpc-resource-controller", or "aws-node/<node>" for ipamd's calls. */
  client: string;
  action: Ec2Action;
  attempt: number;
  /** When the call was asked for, when it got its rate-limit token, when it answered. */
  requestedAt: number;
  startedAt: number;
  endedAt: number;
  /** '' on success, else the EC2 error code (RequestLimitExceeded, InternalError, ...). */
  errorCode: string;
  eniId: string;
}

export type EniKind = "primary" | "trunk" | "branch" | "secondary";
export type EniState = "available" | "attaching" | "attached" | "associated" | "cooldown" | "deleted";

export interface NetworkInterface {
  eniId: string;
  mac: string;
  kind: EniKind;
  subnetCidr: string;
  privateIps: readonly string[];
  securityGroupIds: readonly string[];
  /** Node the ENI is attached to (trunk/ordinary) or associated through (branch); '' if none. */
  nodeName: string;
  deviceNumber: number;
  vlanId: number;
  associationId: string;
  state: EniState;
  podNamespace: string;
  podName: string;
  podUid: string;
}

/** What H3's ipamd EniAttacher needs from an attached ordinary ENI. */
export interface AttachedEni {
  eniId: string;
  mac: string;
  deviceNumber: number;
  subnetCidr: string;
  /** Primary IP first, then the secondary IPs. */
  ips: string[];
}

/** The annotation element the controller writes (key order as the real ENIDetails JSON). */
export interface BranchEniAnnotation {
  eniId: string;
  ifAddress: string;
  privateIp: string;
  ipv6Addr: string;
  vlanId: number;
  subnetCidr: string;
  subnetV6Cidr: string;
  associationID: string;
}

export type ProvisioningOutcome = "allocated" | "failed" | "annotation-failed" | "abandoned" | "in-progress";

/** One provisioning attempt of one pod: the window the timeline draws. */
export interface ProvisioningRecord {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  /** Run of the pod's job (1 = first); capacity waits count as runs but leave no record. */
  attempt: number;
  /** When the pod's job was first queued (it keeps this time across retries and capacity waits). */
  queuedAt: number;
  /** When this run started (a worker picked the job and the capacity check passed). */
  startedAt: number;
  /** After the three EC2 calls; undefined until then. */
  ec2DoneAt: number | undefined;
  endedAt: number | undefined;
  delayMs: number;
  outcome: ProvisioningOutcome;
  eniId: string;
  vlanId: number;
  error: string;
}

/** A node as the controller manages it (its trunk; ipamd learns its own ENIs from EC2). */
export interface NodeInfo {
  name: string;
  instanceType: string;
  /** 0 when the instance type has no trunking (t3.medium). */
  branchLimit: number;
  trunkEniId: string;
  trunkMac: string;
  /** The trunk's subnet. */
  subnetCidr: string;
  /** Subnet the node's branch ENIs get their addresses from. */
  branchSubnetCidr: string;
  /** Device number of the trunk ENI (-1 when there is none). */
  trunkDeviceNumber: number;
}

/** What the controller asks CreateNetworkInterface for. */
export interface CreateEniSpec {
  kind: EniKind;
  subnet: "primary" | "branch";
  secondaryIpCount?: number;
  securityGroupIds?: string[];
  description?: string;
  /** Tags on the new ENI (the remote client sends them; the in-process fake ignores them). */
  tags?: Record<string, string>;
}

/**
 * The controller's EC2 port: the calls it makes (rate limited, may fail with Ec2Error) and its own
 * bookkeeping of what it made. Implemented by the in-process fake (createFakeEc2: simulated time,
 * the scenarios and the demo) and by the SDK client (createRemoteEc2: mock-ec2 or any EC2 endpoint).
 */
export interface Ec2Api {
  /** The node's instance and its primary ENI (device 0): made at once by the fake, looked up by the remote client. */
  launchInstance(nodeName: string, secondaryIpCount?: number, signal?: AbortSignal): NetworkInterface | Promise<NetworkInterface>;
  createNetworkInterface(req: CreateEniSpec, signal?: AbortSignal): Promise<NetworkInterface>;
  createNetworkInterfacePermission(eniId: string, signal?: AbortSignal): Promise<void>;
  associateTrunkInterface(req: { trunkEniId: string; branchEniId: string; vlanId: number }, signal?: AbortSignal): Promise<string>;
  /** Attaches to the node at deviceIndex (lowest free index when omitted); returns the device number. */
  attachNetworkInterface(req: { eniId: string; nodeName: string; deviceIndex?: number }, signal?: AbortSignal): Promise<number>;
  detachNetworkInterface(eniId: string, signal?: AbortSignal): Promise<void>;
  deleteNetworkInterface(eniId: string, signal?: AbortSignal): Promise<void>;
  /** Bookkeeping used by the controller (no EC2 call, no rate limit). */
  describe(eniId: string): NetworkInterface | undefined;
  list(filter?: { nodeName?: string; kind?: EniKind }): NetworkInterface[];
  tagPod(eniId: string, pod: { namespace: string; name: string; uid: string }, state: EniState): void;
  /** Every attempt of every client, in request order. */
  callLog(): readonly Ec2CallRecord[];
  /** Server-side faults, shared by all clients. */
  setFaults(faults: Partial<Ec2Faults>): Ec2Faults;
  getFaults(): Ec2Faults;
  /**
   * Another client of the same EC2 (same ENIs, faults and log) with its own client-side limit,
   * or none when `limit` is omitted. ipamd on each node uses its own client, not the controller's.
   */
  client(name: string, limit?: { qps: number; burst: number }): Ec2Api;
}

/** The in-process fake: the port, with the instance made synchronously and no I/O at all. */
export interface FakeEc2 extends Ec2Api {
  launchInstance(nodeName: string, secondaryIpCount?: number): NetworkInterface;
  client(name: string, limit?: { qps: number; burst: number }): FakeEc2;
}

/** Adapter target for ipamd's warm pool (H3's EniAttacher). */
export interface EniAttacher {
  attachEni(signal?: AbortSignal): Promise<AttachedEni>;
  detachEni(eniId: string, signal?: AbortSignal): Promise<void>;
}

export interface VpcResourceController {
  /**
   * Starts the informers (pods, nodes, SGPs, CNINodes) and reconciles from them; resolves once
   * their caches hold the initial lists. Nodes join through the handshake (controller/nodes.ts).
   */
  start(): Promise<void>;
  /** Stops the informers, timers and in-flight work; the cluster is left as is. */
  stop(): void;
  /**
   * The SGP webhook as a mutating admission hook of the memory store (pod CREATE): policies from
   * this controller's cache. In cluster mode the same mutation is served at /mutate-v1-pod.
   */
  admissionHook(): (op: "CREATE" | "UPDATE", object: K8sObject) => K8sObject;
  /** Resolves when every event recorded so far has been written. */
  flushEvents(): Promise<void>;
  getNode(name: string): NodeInfo | undefined;
  /**
   * An EniAttacher for ipamd's warm pool on that node (CreateNetworkInterface + AttachNetworkInterface).
   * ipsPerEni = IPv4 addresses per ENI with the ENI's primary included, as EC2 publishes the limit
   * (instanceLimits(t).ipv4PerEni, e.g. 10 on m5.large): each ENI gets 1 primary + ipsPerEni-1 secondaries.
   */
  eniAttacher(nodeName: string, opts: { ipsPerEni: number }): EniAttacher;

  setProvisioningDelay(delay: ProvisioningDelay): ProvisioningDelay;
  getProvisioningDelay(): ProvisioningDelay;
  setFaults(faults: Partial<ControllerFaults>): ControllerFaults;
  getFaults(): ControllerFaults;

  /** Every ENI EC2 knows about (primary, trunk, branch, ordinary). */
  listEnis(filter?: { nodeName?: string; kind?: EniKind }): NetworkInterface[];
  provisioningRecords(): readonly ProvisioningRecord[];
  ec2CallLog(): readonly Ec2CallRecord[];
  /** Jobs queued, running, or waiting on a timer (back-off, capacity requeue, delete queue). */
  pendingWork(): { queued: number; running: number; timers: number };
  readonly ec2: Ec2Api;
  readonly config: Readonly<ControllerConfig>;
}

export interface ControllerDeps {
  clock: Clock;
  /** The cluster seam (memory or kube backend). */
  cluster: ClusterClient;
  rng: Rng;
  /** The EC2 to use (e.g. createRemoteEc2 against mock-ec2); the in-process fake when absent. */
  ec2?: Ec2Api;
  /** Optional structured log sink (pino-like); nothing is logged when absent. */
  log?: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}
