// Synchronous, ordered delivery of changes to watchers. A write made from inside a watch callback
// (an informer handler that patches the pod it was told about) is queued and delivered after the
// current change has reached every watcher, so each watcher sees versions in increasing order. A
// watcher that throws is reported and keeps its subscription; the others are not affected.

import type { K8sObject } from "../k8s/types.js";
import type { Change, Table } from "./table.js";
import type { StoreWatchEvent } from "./types.js";
import type { Watcher } from "./watchers.js";
import { eventFor } from "./watchers.js";

type Item = { t: Table; c: Change } | { bookmark: Watcher; rv: number };

export class Hub {
  #queue: Item[] = [];
  #draining = false;
  readonly #onError: (e: unknown) => void;

  constructor(onError: (e: unknown) => void) {
    this.#onError = onError;
  }

  publish(t: Table, c: Change): void {
    if (t.watchers.size === 0) return;
    this.#queue.push({ t, c });
    this.#drain();
  }

  /** A BOOKMARK at rv, after every change queued so far. */
  bookmark(w: Watcher, rv: number): void {
    this.#queue.push({ bookmark: w, rv });
    this.#drain();
  }

  /** Adds a watcher and hands it its initial events before any change made meanwhile. */
  attach(w: Watcher, initial: readonly StoreWatchEvent[]): void {
    w.table.watchers.add(w);
    const outer = !this.#draining;
    this.#draining = true;
    try {
      for (const e of initial) {
        if (w.stopped) break;
        this.#send(w, e);
      }
    } finally {
      if (outer) {
        this.#draining = false;
        this.#drain();
      }
    }
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let i = 0; i < this.#queue.length; i++) {
        const item = this.#queue[i];
        if (item === undefined) continue;
        if ("bookmark" in item) {
          this.#sendBookmark(item.bookmark, item.rv);
          continue;
        }
        for (const w of item.t.watchers) {
          if (w.stopped) continue;
          const e = eventFor(w, item.c);
          if (e !== undefined) this.#send(w, e);
        }
      }
    } finally {
      this.#queue = [];
      this.#draining = false;
    }
  }

  #sendBookmark(w: Watcher, rv: number): void {
    if (w.stopped || !w.bookmarks) return;
    const { s } = w.table;
    const object: K8sObject = { apiVersion: s.apiVersion, kind: s.info.kind, metadata: { resourceVersion: String(rv) } };
    this.#send(w, { type: "BOOKMARK", object });
  }

  #send(w: Watcher, e: StoreWatchEvent): void {
    try {
      w.fn(e);
    } catch (err) {
      try {
        this.#onError(err);
      } catch {
        // the error reporter itself failed: nothing more to do for this watcher
      }
    }
  }
}
