// Watchers: each holds its parsed selectors, so a change is matched without parsing; an object that
// starts or stops matching a watcher's selectors arrives as ADDED or DELETED, as the API server's
// cacheWatcher converts them (apiserver pkg/storage/cacher/cache_watcher.go).

import type { K8sObject } from "../k8s/types.js";
import type { FieldRequirement } from "./fields.js";
import { matchesFields } from "./fields.js";
import { own } from "./freeze.js";
import type { LabelRequirement } from "./labels.js";
import { matchesLabels } from "./labels.js";
import type { Change, Table } from "./table.js";
import type { StoreWatchEvent } from "./types.js";

export interface Watcher {
  table: Table;
  namespace: string;
  labels: readonly LabelRequirement[];
  fields: readonly FieldRequirement[];
  bookmarks: boolean;
  fn: (e: StoreWatchEvent) => void;
  /** Changes up to this version reached the watcher through its initial events. */
  startRv: number;
  stopped: boolean;
}

export function matches(w: Pick<Watcher, "table" | "namespace" | "labels" | "fields">, o: K8sObject): boolean {
  if (w.namespace !== "" && o.metadata.namespace !== w.namespace) return false;
  if (w.labels.length > 0 && !matchesLabels(w.labels, o.metadata.labels)) return false;
  return w.fields.length === 0 || matchesFields(w.fields, w.table.s.fields, o);
}

/** The object with another resourceVersion (a DELETED event carries the deletion's version). */
export function withVersion(o: K8sObject, rv: number): K8sObject {
  return own({ ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
}

/** What one watcher sees of one change, or nothing. */
export function eventFor(w: Watcher, c: Change): StoreWatchEvent | undefined {
  if (c.rv <= w.startRv) return undefined;
  const now = c.type !== "DELETED" && matches(w, c.object);
  const before = c.prev !== undefined && matches(w, c.prev);
  if (c.type === "DELETED") return before ? { type: "DELETED", object: c.object } : undefined;
  if (now && before) return { type: "MODIFIED", object: c.object };
  if (now) return { type: "ADDED", object: c.object };
  if (before && c.prev !== undefined) return { type: "DELETED", object: withVersion(c.prev, c.rv) };
  return undefined;
}
