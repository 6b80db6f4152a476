// The registry: one generic store over every served resource (apiserver
// pkg/registry/generic/registry/store.go), with one resourceVersion counter, per-resource
// strategies, synchronous watches and the bounds below. Reads and writes are synchronous; objects
// handed out are deep-frozen and shared (clone before changing one).
//
// Bounds (each configurable through StoreLimits):
// - watch history: the last `historyPerResource` changes of each resource (a watch from an older
//   version is 410 Expired, and the client relists, as with the API server's watch cache);
// - objects: at most `maxObjectsPerResource` of one resource (a create beyond is refused);
// - events: deleted `eventTtlMs` after their last write (the API server's --event-ttl, 1 h);
// - watchers: at most `maxWatchers` open at once (429 beyond).

import { randomUUID } from "node:crypto";
import type { Clock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";
import type { K8sObject } from "../k8s/types.js";
import { notFound } from "./errors.js";
import { own } from "./freeze.js";
import { Hub } from "./hub.js";
import { typed } from "./checks.js";
import type { Schema } from "./schema.js";
import { bootstrap } from "./bootstrap.js";
import { Reads } from "./reads.js";
import type { Strategy } from "./strategy.js";
import { Table, keyOf } from "./table.js";
import { Writes } from "./writes.js";
import type {
  AdmissionHook, AdmissionHookOptions, DeleteOptions, ListOptions, ListResult, ObjectStore, PatchType, Preconditions, ResourceInfo,
  ResourceRef, SelectorOptions, StoreWatch, StoreWatchEvent, WatchOptions, WriteOptions, WriteResult,
} from "./types.js";
import { allStrategies } from "./resources/index.js";

export interface StoreLimits {
  historyPerResource: number;
  maxObjectsPerResource: number;
  maxWatchers: number;
  eventTtlMs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  historyPerResource: 1024,
  maxObjectsPerResource: 100_000,
  maxWatchers: 10_000,
  eventTtlMs: 60 * 60 * 1000,
};

export interface ObjectStoreDeps {
  clock: Clock;
  /** uid generator (default: random UUIDs; a counter makes a simulated run replayable). */
  newUid?: () => string;
  /**
   * Keep a uid the client sets on create (memory mode: mock-ipamd's control API and the CRI tests
   * name the pod's uid; a real API server always makes its own). Still unique among live objects.
   */
  keepClientUid?: boolean;
  /** Randomness for generateName suffixes (default Math.random). */
  random?: () => number;
  /** A watcher threw: reported here, and the store and the other watchers carry on. */
  onWatchError?: (e: unknown) => void;
  limits?: Partial<StoreLimits>;
}

/** The state the read and write halves share. */
export interface StoreCore {
  readonly clock: Clock;
  readonly limits: StoreLimits;
  readonly hub: Hub;
  readonly newUid: () => string;
  readonly random: () => number;
  readonly keepClientUid: boolean;
  table(r: ResourceRef): Table;
  tableByPlural(group: string, plural: string): Table | undefined;
  tables(): Iterable<Table>;
  rv(): number;
  /** Stamps the next version on the draft, stores it (or removes it for DELETED), records and publishes the change. */
  commit(t: Table, type: "ADDED" | "MODIFIED" | "DELETED", draftObject: K8sObject, prev: K8sObject | undefined): K8sObject;
  hooks(t: Table): readonly { hook: AdmissionHook; ops: readonly string[] }[];
}

export function createObjectStore(deps: ObjectStoreDeps): ObjectStore {
  return new MemoryObjectStore(deps);
}

class MemoryObjectStore implements ObjectStore, StoreCore {
  readonly clock: Clock;
  readonly limits: StoreLimits;
  readonly hub: Hub;
  readonly newUid: () => string;
  readonly random: () => number;
  readonly keepClientUid: boolean;
  readonly #tables = new Map<string, Table>();
  readonly #hooks = new Map<Table, { hook: AdmissionHook; ops: readonly string[] }[]>();
  #rv = 0;
  readonly #reads: Reads;
  readonly #writes: Writes;

  constructor(deps: ObjectStoreDeps) {
    this.clock = deps.clock;
    this.limits = { ...DEFAULT_STORE_LIMITS, ...deps.limits };
    this.hub = new Hub(deps.onWatchError ?? (() => {}));
    this.newUid = deps.newUid ?? randomUUID;
    this.random = deps.random ?? Math.random;
    this.keepClientUid = deps.keepClientUid === true;
    for (const s of allStrategies(this.limits.eventTtlMs)) this.register(s);
    this.#reads = new Reads(this);
    this.#writes = new Writes(this);
    bootstrap(this, this.#writes);
  }

  register(s: Strategy): void {
    this.#tables.set(`${s.info.group}/${s.info.plural}`, new Table(s, this.limits.historyPerResource));
  }

  table(r: ResourceRef): Table {
    const t = this.#tables.get(`${r.group}/${r.plural}`);
    if (t === undefined) throw new HarnessError("not-found", "the server could not find the requested resource");
    return t;
  }

  tableByPlural(group: string, plural: string): Table | undefined {
    return this.#tables.get(`${group}/${plural}`);
  }

  tables(): Iterable<Table> {
    return this.#tables.values();
  }

  rv(): number {
    return this.#rv;
  }

  commit(t: Table, type: "ADDED" | "MODIFIED" | "DELETED", draftObject: K8sObject, prev: K8sObject | undefined): K8sObject {
    const rv = ++this.#rv;
    const key = keyOf(draftObject.metadata.namespace ?? "", draftObject.metadata.name ?? "");
    const object = own({ ...draftObject, metadata: { ...draftObject.metadata, resourceVersion: String(rv) } });
    if (type === "DELETED") t.remove(key);
    else {
      t.set(key, object);
      const ttl = t.s.ttlMs;
      if (ttl !== undefined) {
        t.expiry.delete(key);
        t.expiry.set(key, this.clock.now() + ttl);
      }
    }
    const c = { rv, type, object, prev };
    t.record(c);
    this.hub.publish(t, c);
    return object;
  }

  hooks(t: Table): readonly { hook: AdmissionHook; ops: readonly string[] }[] {
    return this.#hooks.get(t) ?? [];
  }

  resources(): readonly ResourceInfo[] {
    return [...this.#tables.values()].map((t) => t.s.info);
  }

  lookup(name: string, group?: string): ResourceInfo | undefined {
    const n = name.toLowerCase();
    for (const t of this.#tables.values()) {
      const i = t.s.info;
      if (group !== undefined && i.group !== group) continue;
      if (i.plural === n || i.singular === n || i.kind.toLowerCase() === n || i.shortNames.includes(n)) return i;
    }
    return undefined;
  }

  currentResourceVersion(): string {
    return String(this.#rv);
  }

  sweep(): void {
    const now = this.clock.now();
    for (const t of this.#tables.values()) {
      if (t.s.ttlMs === undefined) continue;
      for (const [key, at] of t.expiry) {
        if (at > now) break;
        const o = t.objects.get(key);
        if (o === undefined) t.expiry.delete(key);
        else this.commit(t, "DELETED", { ...o, metadata: { ...o.metadata } }, o);
      }
    }
  }

  get(r: ResourceRef, namespace: string, name: string): K8sObject {
    this.sweep();
    const t = this.table(r);
    const o = t.objects.get(keyOf(t.s.info.namespaced ? namespace : "", name));
    if (o === undefined) throw notFound(r.group, r.plural, name);
    return o;
  }

  list(r: ResourceRef, opts: ListOptions = {}): ListResult {
    this.sweep();
    return this.#reads.list(this.table(r), opts);
  }

  watch(r: ResourceRef, opts: WatchOptions, fn: (e: StoreWatchEvent) => void): StoreWatch {
    this.sweep();
    return this.#reads.watch(this.table(r), opts, fn);
  }

  create(r: ResourceRef, namespace: string, object: K8sObject, opts: WriteOptions = {}): WriteResult {
    this.sweep();
    return this.#writes.create(this.table(r), namespace, object, opts);
  }

  update(r: ResourceRef, namespace: string, name: string, object: K8sObject, opts: WriteOptions = {}): WriteResult {
    this.sweep();
    return this.#writes.update(this.table(r), namespace, name, object, opts);
  }

  patch(r: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { preconditions?: Preconditions } = {}): WriteResult {
    this.sweep();
    return this.#writes.patch(this.table(r), namespace, name, type, patch, opts);
  }

  delete(r: ResourceRef, namespace: string, name: string, opts: DeleteOptions = {}): K8sObject {
    this.sweep();
    return this.#writes.delete(this.table(r), namespace, name, opts);
  }

  deleteCollection(r: ResourceRef, opts: SelectorOptions & DeleteOptions): K8sObject[] {
    this.sweep();
    const t = this.table(r);
    const out: K8sObject[] = [];
    for (const o of this.#reads.list(t, opts).items) {
      try {
        out.push(this.#writes.delete(t, o.metadata.namespace ?? "", o.metadata.name ?? "", opts));
      } catch (e) {
        if (!(e instanceof HarnessError && e.kind === "not-found")) throw e;
      }
    }
    return out;
  }

  bind(namespace: string, binding: K8sObject, opts: { dryRun?: boolean } = {}): K8sObject {
    this.sweep();
    return this.#writes.bind(this.table({ group: "", plural: "pods" }), namespace, binding, opts);
  }

  defaulted(r: ResourceRef, namespace: string, object: unknown): K8sObject {
    const t = this.table(r);
    const o = typed(t.s, object);
    if (t.s.info.namespaced && (o.metadata.namespace ?? "") === "") o.metadata.namespace = namespace;
    t.s.defaults(o, "CREATE");
    return o;
  }

  schemaOf(r: ResourceRef): Schema | undefined {
    return this.table(r).s.schema;
  }

  addAdmissionHook(r: ResourceRef, hook: AdmissionHook, opts: AdmissionHookOptions = {}): () => void {
    const t = this.table(r);
    const entry = { hook, ops: opts.operations ?? ["CREATE"] };
    this.#hooks.set(t, [...this.hooks(t), entry]);
    return () => void this.#hooks.set(t, this.hooks(t).filter((h) => h !== entry));
  }
}
