// The API server's registry: one generic, synchronous object store over Kubernetes JSON, with one
// resourceVersion counter (etcd's revision), per-resource strategies, selectors, patches and one
// watch history that feeds every watcher (kubernetes/apiserver pkg/registry/generic/registry/store.go).
//
// Two callers, one store:
// - the memory backend of the cluster seam (cluster/client), in-process: simulated time, the demo,
//   mock-ipamd --cluster memory; every call and every watch delivery is synchronous, so a FakeClock
//   run stays deterministic and fast;
// - the embedded API server (apiserver/), which serves it over HTTP to kubectl and client-node.
//
// Every failure is a HarnessError whose kind maps to the API server's Status: not-found 404,
// already-exists 409 AlreadyExists, conflict 409 Conflict, invalid 422 (with causes),
// invalid-argument 400 BadRequest, expired 410 Expired, method-not-allowed 405.

import type { K8sObject, K8sWatchEventType } from "../k8s/types.js";
import type { Schema } from "./schema.js";

/** How a resource is served: discovery's APIResource plus what the store needs to know. */
export interface ResourceInfo {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The URL segment and the store key, e.g. "pods", "securitygrouppolicies". */
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
  /** Discovery verbs, e.g. ["create","delete","get","list","patch","update","watch"]. */
  verbs: readonly string[];
  /** e.g. ["status"] (pods, nodes), ["binding"] (pods). */
  subresources: readonly string[];
  categories?: readonly string[];
  /** A custom resource (served from a CRD): decoded as unstructured JSON, so apiVersion and kind are required. */
  custom?: boolean;
}

/** A resource by group and plural (the version is the one served). */
export interface ResourceRef {
  group: string;
  plural: string;
}

export interface SelectorOptions {
  /** "" or absent: every namespace (or a cluster-scoped resource). */
  namespace?: string;
  /** Label selector syntax: `a=b,c!=d,e in (f,g),!h`. A parse error is invalid-argument. */
  labelSelector?: string;
  /** Field selector syntax: `metadata.name=x,spec.nodeName!=y`; unsupported fields are invalid-argument. */
  fieldSelector?: string;
}

export interface ListOptions extends SelectorOptions {
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: K8sObject[];
  /** The store's resourceVersion at the time of the list: watch from it to miss nothing. */
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions extends SelectorOptions {
  /**
   * Replay every change after this version, then follow. "" or "0": start with ADDED events for the
   * current objects (as the real server does for resourceVersion=0 / unset). A version older than
   * the retained history throws HarnessError("expired") (410).
   */
  resourceVersion?: string;
  /** Send BOOKMARK events (object: an empty object of the kind carrying the current resourceVersion). */
  allowWatchBookmarks?: boolean;
}

export interface StoreWatchEvent {
  type: K8sWatchEventType;
  /** The object after the change (before it, for DELETED: the last state with a new resourceVersion). */
  object: K8sObject;
}

export interface StoreWatch {
  stop(): void;
  /**
   * Sends a BOOKMARK now (when the watch asked for them) carrying the store's current version: every
   * change up to it has been delivered. The API server calls it on a timer and before closing a watch.
   */
  bookmark(): void;
}

export interface WriteOptions {
  /** Validate and admit, but persist nothing (kubectl --dry-run=server). */
  dryRun?: boolean;
  /** Unknown or duplicate fields: Ignore, Warn (returned as warnings), Strict (invalid). */
  fieldValidation?: "Ignore" | "Warn" | "Strict";
  /** Write the status subresource: only .status changes are kept (and only .status for "status"). */
  subresource?: "status";
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export type PatchType = "merge" | "strategic" | "json";

export interface DeleteOptions {
  preconditions?: Preconditions;
  /** Pods bound to a node are deleted gracefully (deletionTimestamp set) unless this is 0. */
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

/**
 * A mutating admission step run inside create (and, when it asks, update) before validation:
 * the SGP webhook in memory mode. It returns the object to store (or throws to deny).
 */
export type AdmissionHook = (op: "CREATE" | "UPDATE", object: K8sObject, old: K8sObject | undefined, ctx: { dryRun: boolean }) => K8sObject;

export interface AdmissionHookOptions {
  /** Default ["CREATE"]. */
  operations?: readonly ("CREATE" | "UPDATE")[];
}

export interface WriteResult {
  object: K8sObject;
  /** Field-validation warnings (fieldValidation=Warn). */
  warnings: readonly string[];
}

export interface ObjectStore {
  /** Every served resource (discovery). */
  resources(): readonly ResourceInfo[];
  /** By plural, singular, short name or kind (case-insensitive), optionally within a group. */
  lookup(name: string, group?: string): ResourceInfo | undefined;
  currentResourceVersion(): string;

  get(r: ResourceRef, namespace: string, name: string): K8sObject;
  list(r: ResourceRef, opts?: ListOptions): ListResult;
  /** Synchronous delivery, in resourceVersion order, to the callback; throws "expired" for a too-old version. */
  watch(r: ResourceRef, opts: WatchOptions, fn: (e: StoreWatchEvent) => void): StoreWatch;

  create(r: ResourceRef, namespace: string, object: K8sObject, opts?: WriteOptions): WriteResult;
  /** PUT: the object's metadata.resourceVersion, when set, is a precondition (409 Conflict when stale). */
  update(r: ResourceRef, namespace: string, name: string, object: K8sObject, opts?: WriteOptions): WriteResult;
  patch(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { preconditions?: Preconditions }): WriteResult;
  /** Returns the deleted object, or the terminating one when the deletion is graceful. */
  delete(r: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): K8sObject;
  /** Deletes every object the selectors match (each as delete() would); returns them. */
  deleteCollection(r: ResourceRef, opts: SelectorOptions & DeleteOptions): K8sObject[];
  /**
   * pods/binding: sets spec.nodeName of an unbound pod (409 Conflict when it is bound or being
   * deleted), copies the binding's annotations, sets the PodScheduled condition. The binding is a
   * core/v1 Binding: { metadata: { name: pod, namespace?, uid? }, target: { kind: "Node", name } }.
   */
  bind(namespace: string, binding: K8sObject, opts?: { dryRun?: boolean }): K8sObject;

  /** Registers a mutating admission hook; returns its removal. */
  addAdmissionHook(r: ResourceRef, hook: AdmissionHook, opts?: AdmissionHookOptions): () => void;
  /** Deletes the objects whose TTL has passed (also done lazily on every call). */
  sweep(): void;
  /**
   * The object as admission webhooks see it on CREATE: typed, in its namespace, with decoding
   * defaults and the built-in admission plugins applied (a pod's service account, tolerations);
   * nothing validated or stored. The API server calls it before its webhooks.
   */
  defaulted(r: ResourceRef, namespace: string, object: unknown): K8sObject;
  /** The structural schema a resource is validated and published with, if known. */
  schemaOf(r: ResourceRef): Schema | undefined;
}
