// The ports of the AddNetwork/DelNetwork logic: what the backend needs from the datastore, the
// cluster store, the node and the metrics sink. Injected, so the daemon and the simulated-time
// scenario runner (FakeClock, in-process) drive the very same code.

import type { EventRecorder } from "../../cluster/client/recorder.js";
import type { FailureClass } from "../../cluster/k8s/event.js";
import type { PodObject } from "../../cluster/k8s/pod.js";
import type { Clock } from "../../common/clock.js";
import type { AddNetworkReply, AddNetworkRequest, DelNetworkReply, DelNetworkRequest } from "../../proto/rpc.js";

/** The datastore's primary key (docs/REFERENCE.md §4): (networkName, containerID, ifName). */
export interface LeaseKey {
  networkName: string;
  containerID: string;
  ifName: string;
}

export interface LeaseMeta {
  podNamespace: string;
  podName: string;
}

export interface IpAssignment {
  ipv4: string;
  /** Device number of the ENI the IP belongs to (0 = primary ENI). */
  deviceNumber: number;
  eniId: string;
}

/**
 * Secondary-IP leases. assign is idempotent per key and resolves only once the lease is durable
 * (checkpoint written); on exhaustion it throws with the real text
 * `AssignPodIPv4Address: no available IP/Prefix addresses`. release resolves undefined for an
 * unknown key (the real `datastore: unknown pod`). signal: the RPC's deadline/cancel; once it
 * fires the call rejects with its reason (the lease itself follows the datastore's rules).
 */
export interface IpDatastore {
  assign(key: LeaseKey, meta: LeaseMeta, signal?: AbortSignal): Promise<IpAssignment>;
  release(key: LeaseKey, signal?: AbortSignal): Promise<IpAssignment | undefined>;
}

/** This node as ipamd sees it; functions because the trunk appears after start-up. */
export interface NodeInfo {
  readonly nodeName: string;
  /** The trunk ENI's id, or undefined while the controller has not attached one. */
  trunkEniId(): string | undefined;
  /** ifindex of the trunk ENI's host link (ParentIfIndex); 0 when host links are off. */
  trunkIfIndex(): number;
  /** VPCv4CIDRs of the reply (the VPC's CIDRs, used by the plugin for SNAT rules). */
  vpcV4Cidrs(): readonly string[];
}

/** Why an ADD failed, and whether that failure is expected to clear by itself. */
export type AddFailureReason =
  | "branch-eni-not-ready"
  | "branch-eni-annotation-invalid"
  | "no-trunk-eni"
  | "no-available-ip"
  | "ipamd-down"
  | "internal";

/**
 * Why a Success=false reply was sent, for the harness-add-failure-* trailers (the real reply has no
 * reason field, so the explanation travels beside it, never inside it).
 */
export interface AddFailure {
  reason: AddFailureReason;
  /** Free text: which pod, and where its branch ENI provisioning stands (docs/ARCHITECTURE.md, error strings). */
  details: string;
}

/** The wire reply plus, on Success=false, the failure's explanation (not a proto field). */
export type AddNetworkResult = AddNetworkReply & { failure?: AddFailure };

export interface BackendMetrics {
  addRequest(): void;
  delRequest(reason: string): void;
  addFailure(reason: AddFailureReason, classification: FailureClass): void;
  /** awscni_pod_eni_error_count{fn}: failures on the branch path, by function. */
  podEniError(fn: string): void;
  /** How long AddNetwork waited for the branch ENI (wait-for-branch mode). */
  branchWait(ms: number, outcome: "ready" | "timeout"): void;
}

/** pino-shaped: (fields, message). */
export interface BackendLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * ipamd's view of the pods on its node (docs/REFERENCE.md §8): the informer on pods with
 * spec.nodeName=<node>; AddNetwork reads the pod from it.
 */
export interface NodePods {
  /** From the cache. */
  get(namespace: string, name: string): PodObject | undefined;
  /** Cache miss: a direct GET (cluster mode; the informer may lag the kubelet by a few ms). */
  fetch?(namespace: string, name: string, signal?: AbortSignal): Promise<PodObject | undefined>;
  /** Changes of the node's pods, as the informer applies them (wait-for-branch mode). */
  on(fn: (type: "ADDED" | "MODIFIED" | "DELETED", pod: PodObject) => void): () => void;
  /**
   * Memory mode only (plain cnitool use, docs/ARCHITECTURE.md): a pod first seen at its ADD is
   * created and bound to this node, an unbound one bound. Absent in cluster mode, where nothing
   * learns a pod from CNI_ARGS.
   */
  adopt?(namespace: string, name: string): Promise<{ pod: PodObject; origin: string }>;
}

export interface BackendDeps {
  datastore: IpDatastore;
  pods: NodePods;
  /** Where AddNetworkFailed events go (source aws-node); none when absent. */
  events?: EventRecorder;
  node: NodeInfo;
  clock: Clock;
  log: BackendLog;
  metrics?: BackendMetrics;
  /** Bounded wait for the branch ENI annotation, ms; 0 = fail at once like the real ipamd. */
  branchWaitMs?: number;
  /**
   * Where the pod's branch ENI provisioning stands (e.g. "EC2 calls done, annotation expected in
   * 1.2 s"), for the failure's details; the daemon asks the fake controller. Optional.
   */
  branchProgress?: (pod: { namespace: string; name: string; uid: string }) => Promise<string | undefined> | string | undefined;
  /** Record a Normal event AddNetworkFailed (source aws-node, classified) for each failed ADD. Default true. */
  recordFailureEvents?: boolean;
}

export interface Backend {
  addNetwork(req: AddNetworkRequest, signal?: AbortSignal): Promise<AddNetworkResult>;
  delNetwork(req: DelNetworkRequest, signal?: AbortSignal): Promise<DelNetworkReply>;
  setBranchWait(ms: number): void;
  branchWaitMs(): number;
  /** Fault `ipamd_down`: AddNetwork/DelNetwork throw HarnessError("unavailable"). */
  setDown(down: boolean): void;
  isDown(): boolean;
}
