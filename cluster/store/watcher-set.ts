// One resource's open watchers, indexed by an equality field selector, so a change is matched only
// against the watchers that can see it. Each node's ipamd and kubelet watch pods with
// `spec.nodeName=<node>`: without the index every pod write was matched against all of them (~2
// per node), with it against the two of its node (and of its node before the change, for a pod
// that leaves a selector), plus the watchers with no such selector. The API server's watch cache
// does the same with its "indexed triggers" (apiserver pkg/storage/cacher/cacher.go,
// TriggerPublisherFunc on pods' spec.nodeName).
//
// Delivery order is attach order, as with one plain list: candidates from the buckets are merged
// by their attach sequence number.

import type { FieldTable } from "./fields.js";
import type { Change } from "./table.js";
import type { Watcher } from "./watchers.js";

let nextSeq = 0;

/** Where a watcher sits: an equality requirement (field, value), or the unindexed list. */
interface Placement {
  field: string;
  value: string;
}

export class WatcherSet {
  readonly #fields: FieldTable;
  /** Watchers without an equality field requirement, in attach order. */
  readonly #plain = new Set<Watcher>();
  /** field → value → watchers (attach order). */
  readonly #index = new Map<string, Map<string, Set<Watcher>>>();
  readonly #placed = new Map<Watcher, Placement | undefined>();

  constructor(fields: FieldTable) {
    this.#fields = fields;
  }

  get size(): number {
    return this.#placed.size;
  }

  add(w: Watcher): void {
    if (this.#placed.has(w)) return;
    w.seq = nextSeq++;
    // The first `field=value` requirement: an object can match only if that field has that value.
    const eq = w.fields.find((r) => r.op === "=" && this.#fields[r.field] !== undefined);
    if (eq === undefined) {
      this.#plain.add(w);
      this.#placed.set(w, undefined);
      return;
    }
    let byValue = this.#index.get(eq.field);
    if (byValue === undefined) this.#index.set(eq.field, (byValue = new Map()));
    let bucket = byValue.get(eq.value);
    if (bucket === undefined) byValue.set(eq.value, (bucket = new Set()));
    bucket.add(w);
    this.#placed.set(w, { field: eq.field, value: eq.value });
  }

  delete(w: Watcher): void {
    if (!this.#placed.has(w)) return;
    const p = this.#placed.get(w);
    this.#placed.delete(w);
    if (p === undefined) {
      this.#plain.delete(w);
      return;
    }
    const byValue = this.#index.get(p.field);
    const bucket = byValue?.get(p.value);
    if (bucket === undefined || byValue === undefined) return;
    bucket.delete(w);
    if (bucket.size === 0) byValue.delete(p.value);
    if (byValue.size === 0) this.#index.delete(p.field);
  }

  /**
   * The watchers that may see a change (its object now, or before it), in attach order. A
   * superset: each is still matched in full (eventFor).
   */
  candidates(c: Change): Watcher[] {
    if (this.#index.size === 0) return [...this.#plain];
    const out: Watcher[] = [...this.#plain];
    let merged = false;
    for (const [field, byValue] of this.#index) {
      const get = this.#fields[field];
      if (get === undefined) continue;
      const now = c.type === "DELETED" ? undefined : get(c.object);
      const before = c.prev === undefined ? undefined : get(c.prev);
      if (now !== undefined) merged = push(out, byValue.get(now)) || merged;
      if (before !== undefined && before !== now) merged = push(out, byValue.get(before)) || merged;
    }
    if (merged && out.length > 1) out.sort(bySeq);
    return out;
  }
}

const bySeq = (a: Watcher, b: Watcher): number => a.seq - b.seq;

function push(out: Watcher[], bucket: Set<Watcher> | undefined): boolean {
  if (bucket === undefined || bucket.size === 0) return false;
  for (const w of bucket) out.push(w);
  return true;
}
