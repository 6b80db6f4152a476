// The cluster seam: the one way the controller, ipamd, the kubelet loop and the scheduler reach
// pods, nodes, SecurityGroupPolicies, CNINodes and events. Two backends implement it:
// - memory: the in-process ObjectStore (cluster/store), every call settled synchronously under
//   the promise, so simulated time stays deterministic and fast;
// - kube: @kubernetes/client-node against any API server (the embedded one, kind, a real cluster),
//   through --kubeconfig or the in-cluster service account.
//
// Reads of the objects are typed views parsed from the wire JSON at this edge (codecs in
// cluster/k8s): nothing deeper sees unparsed API objects. Writes are merge patches on the wire
// JSON (RFC 7386), with a UID precondition where the real components use one, or creates.
// Informers (cluster/client/informer.ts) give the controller-runtime shape on top: list, then
// watch from the list's resourceVersion, resume on disconnect, relist on 410 Gone.

import type { CniNodeObject } from "../k8s/cninode.js";
import type { EventObject } from "../k8s/event.js";
import type { NodeObject } from "../k8s/node.js";
import type { PodObject } from "../k8s/pod.js";
import type { SecurityGroupPolicyObject } from "../k8s/sgp.js";
import type { K8sCniNode, K8sEvent, K8sNode, K8sObject, K8sPod, K8sSecurityGroupPolicy } from "../k8s/types.js";

export interface ObjectRef {
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** What every typed view carries. */
export interface ObjectIdentity extends ObjectRef {
  uid: string;
  /** Opaque: compare only for equality. */
  resourceVersion: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Deadline of this call; each backend has a default (docs: every call has a deadline). */
  timeoutMs?: number;
}

export interface ClientListOptions {
  /** "" or absent: every namespace (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type ClientWatchEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  | { type: "BOOKMARK"; resourceVersion: string };

export type WatchEnd =
  /** stop() was called. */
  | { reason: "stopped" }
  /** The server closed the stream (timeout, restart): resume from the last version seen. */
  | { reason: "closed" }
  /** 410 Gone / Expired: the version is too old, relist. */
  | { reason: "expired" }
  | { reason: "error"; error: unknown };

export interface WatchHandle {
  stop(): void;
  readonly ended: Promise<WatchEnd>;
}

export interface PatchOptions extends CallOptions {
  /**
   * Precondition on metadata.uid (the controller's UID-guarded annotation PATCH): sent in the
   * patch's metadata, as the real components do; a mismatch is HarnessError("conflict").
   */
  uid?: string;
  /** Precondition on metadata.resourceVersion (optimistic concurrency; 409 Conflict when stale), also in the patch. */
  resourceVersion?: string;
  subresource?: "status";
}

export interface DeleteOptions extends CallOptions {
  /** Precondition (DeleteOptions.preconditions.uid); a mismatch is HarnessError("conflict"). */
  uid?: string;
  /** 0: delete at once; absent: the server's default (graceful for pods bound to a node). */
  gracePeriodSeconds?: number;
}

/**
 * One resource. T is the typed view; W is the wire JSON a create takes. Errors are HarnessError:
 * not-found, already-exists, conflict (stale version or failed UID precondition), invalid,
 * expired, unavailable (server unreachable), deadline.
 */
export interface ResourceClient<T extends ObjectIdentity, W extends K8sObject = K8sObject> {
  /** undefined when the object does not exist. */
  get(ref: ObjectRef, opts?: CallOptions): Promise<T | undefined>;
  list(opts?: ClientListOptions & CallOptions): Promise<{ items: T[]; resourceVersion: string }>;
  watch(opts: ClientListOptions & { resourceVersion: string; allowBookmarks?: boolean }, fn: (e: ClientWatchEvent<T>) => void): WatchHandle;
  create(object: W, opts?: CallOptions): Promise<T>;
  /** JSON merge patch on the wire form, e.g. { metadata: { annotations: { k: v } } }. */
  patch(ref: ObjectRef, patch: Record<string, unknown>, opts?: PatchOptions): Promise<T>;
  delete(ref: ObjectRef, opts?: DeleteOptions): Promise<void>;
}

/** Pods add the binding subresource: what a scheduler does (spec.nodeName + PodScheduled). */
export interface PodClient extends ResourceClient<PodObject, K8sPod> {
  bind(ref: ObjectRef, nodeName: string, opts?: CallOptions): Promise<void>;
}

/** The five resources, one backend. */
export interface ClusterClient {
  readonly backend: "memory" | "kube";
  readonly pods: PodClient;
  readonly nodes: ResourceClient<NodeObject, K8sNode>;
  readonly sgps: ResourceClient<SecurityGroupPolicyObject, K8sSecurityGroupPolicy>;
  readonly cniNodes: ResourceClient<CniNodeObject, K8sCniNode>;
  readonly events: ResourceClient<EventObject, K8sEvent>;
}

/** A list+watch cache of one resource (client-go's SharedInformer, in small). */
export interface Informer<T extends ObjectIdentity> {
  /** Lists, then watches; resolves once the cache holds the initial list and the watch is open. */
  start(): Promise<void>;
  stop(): void;
  hasSynced(): boolean;
  get(ref: ObjectRef): T | undefined;
  list(): T[];
  /**
   * Called after the cache applied a change, in order. After a relist, the differences arrive as
   * synthetic ADDED/MODIFIED/DELETED events, so a handler never depends on seeing every event.
   */
  on(fn: (type: "ADDED" | "MODIFIED" | "DELETED", object: T, old: T | undefined) => void): () => void;
}
