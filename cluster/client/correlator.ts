// client-go's EventCorrelator, the part that aggregates (tools/record/events_cache.go
// eventLogger): an event with the same source, involved object, type, reason and message as one
// already written becomes a PATCH of that Event's count and lastTimestamp; anything else a new
// Event. The cache is an LRU of 4096 keys (maxLruCacheEntries), so memory stays bounded.
// Not reproduced: the similar-event aggregator ("combined from similar events") and the spam
// filter (25 events per object, then 1 per 5 min); see docs/ARCHITECTURE.md.

import type { NewEvent } from "../k8s/event.js";

export const MAX_LRU_CACHE_ENTRIES = 4096;

/** Where the occurrences of one key go; shared, so a rename after a name clash reaches queued writes. */
export interface EventSlot {
  name: string;
  readonly namespace: string;
  /** The attributes of the occurrences so far, merged (ours; see recorder.ts). */
  attributes: Readonly<Record<string, string>>;
}

export interface Observation {
  /** aggregationKey of the occurrence. */
  key: string;
  /** The Event object (new, or the one the earlier occurrences went to). */
  slot: EventSlot;
  count: number;
  firstTimestamp: number;
  /** true: PATCH count/lastTimestamp of the existing Event; false: create it. */
  aggregate: boolean;
}

export type StampedEvent = NewEvent & { source: string; timestamp: number };

/** getEventKey: source component and host, involved object, type, reason, message (NUL-separated, as no field holds a NUL). */
export function aggregationKey(e: StampedEvent): string {
  const o = e.involvedObject;
  return `${e.source}\0${e.host ?? ""}\0${o.kind}\0${o.namespace}\0${o.name}\0${o.uid}\0${e.type}\0${e.reason}\0${e.message}`;
}

export class EventCorrelator {
  readonly #cache = new Map<string, { slot: EventSlot; count: number; first: number }>();
  readonly #max: number;

  constructor(maxEntries = MAX_LRU_CACHE_ENTRIES) {
    this.#max = maxEntries;
  }

  /** Records the occurrence and says how to write it; `newName` names a first occurrence. */
  observe(e: StampedEvent, newName: () => string): Observation {
    const key = aggregationKey(e);
    const last = this.#cache.get(key);
    const namespace = e.involvedObject.namespace === "" ? "default" : e.involvedObject.namespace;
    const obs: Observation = last === undefined
      ? { key, slot: { name: newName(), namespace, attributes: {} }, count: 1, firstTimestamp: e.timestamp, aggregate: false }
      : { key, slot: last.slot, count: last.count + 1, firstTimestamp: last.first, aggregate: true };
    // Most recently used last; the oldest key goes when the cache is full.
    this.#cache.delete(key);
    this.#cache.set(key, { slot: obs.slot, count: obs.count, first: obs.firstTimestamp });
    if (this.#cache.size > this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
    return obs;
  }

  size(): number {
    return this.#cache.size;
  }
}
