// One resource's storage: its objects by key, a sorted key index for lists, its watch history (a
// ring of the last N changes, like the API server's per-resource watch cache) and, for resources
// with a TTL, the expiry order of their objects.

import type { K8sObject } from "../k8s/types.js";
import type { Strategy } from "./strategy.js";
import type { Watcher } from "./watchers.js";

export interface Change {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change; for DELETED its last state stamped with the deletion's version. */
  object: K8sObject;
  /** The object before the change (MODIFIED, DELETED). */
  prev: K8sObject | undefined;
}

export const keyOf = (namespace: string, name: string): string => (namespace === "" ? name : `${namespace}/${name}`);

export class Table {
  readonly s: Strategy;
  readonly objects = new Map<string, K8sObject>();
  /** Keys in list order, rebuilt lazily after a create or delete. */
  #sorted: string[] | undefined;
  readonly #ring: (Change | undefined)[];
  #start = 0;
  #size = 0;
  /** The highest version of a change pushed out of the ring (0: none yet). */
  #evictedUpTo = 0;
  /** Expiry by key, in write order (TTL resources only): re-inserted on each write. */
  readonly expiry = new Map<string, number>();
  readonly watchers = new Set<Watcher>();

  constructor(s: Strategy, historyCap: number) {
    this.s = s;
    this.#ring = new Array<Change | undefined>(Math.max(1, historyCap));
  }

  sortedKeys(): readonly string[] {
    this.#sorted ??= [...this.objects.keys()].sort();
    return this.#sorted;
  }

  /** Live objects by uid (memory mode may keep a client's uid: no two live objects share one). */
  readonly uids = new Map<string, string>();

  set(key: string, o: K8sObject): void {
    if (!this.objects.has(key)) this.#sorted = undefined;
    this.objects.set(key, o);
    if (o.metadata.uid !== undefined) this.uids.set(o.metadata.uid, key);
  }

  remove(key: string): void {
    const o = this.objects.get(key);
    if (o !== undefined && this.objects.delete(key)) {
      this.#sorted = undefined;
      if (o.metadata.uid !== undefined) this.uids.delete(o.metadata.uid);
    }
    this.expiry.delete(key);
  }

  record(c: Change): void {
    const cap = this.#ring.length;
    if (this.#size === cap) {
      this.#evictedUpTo = this.#ring[this.#start]?.rv ?? this.#evictedUpTo;
      this.#ring[this.#start] = c;
      this.#start = (this.#start + 1) % cap;
    } else {
      this.#ring[(this.#start + this.#size) % cap] = c;
      this.#size++;
    }
  }

  /** The version below which changes are gone (0 when the ring has never overflowed). */
  evictedUpTo(): number {
    return this.#evictedUpTo;
  }

  historySize(): number {
    return this.#size;
  }

  /** Changes with a version above rv, oldest first. */
  since(rv: number): Change[] {
    const out: Change[] = [];
    const cap = this.#ring.length;
    for (let i = 0; i < this.#size; i++) {
      const c = this.#ring[(this.#start + i) % cap];
      if (c !== undefined && c.rv > rv) out.push(c);
    }
    return out;
  }
}
