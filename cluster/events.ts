// Event aggregation as the Kubernetes event recorder does it (same object, reason and message
// within the window: count++ and lastTimestamp), and the "(xN over T)" text kubectl prints.

import { formatDuration } from "../common/duration.js";
import type { ClusterEvent, NewEvent } from "./types.js";

/** client-go's EventCorrelator keeps similar events for 10 minutes (maxLruCacheEntries aside). */
export const EVENT_AGGREGATION_WINDOW_MS = 10 * 60_000;

export function aggregationKey(e: Pick<ClusterEvent, "involvedObject" | "reason" | "message" | "type" | "source">): string {
  const o = e.involvedObject;
  return JSON.stringify([o.kind, o.namespace, o.name, o.uid, e.type, e.source, e.reason, e.message]);
}

/** A fresh event from a NewEvent at time `now` (count 1, classification '' unless given). */
export function newEvent(input: NewEvent, now: number): ClusterEvent {
  const at = input.timestamp ?? now;
  return {
    type: input.type,
    reason: input.reason,
    message: input.message,
    involvedObject: { ...input.involvedObject },
    source: input.source,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    classification: input.classification ?? "",
    attributes: { ...(input.attributes ?? {}) },
  };
}

/** The aggregated event when `prev` is within the window, else undefined (start a new one). */
export function aggregate(prev: ClusterEvent, next: ClusterEvent, windowMs = EVENT_AGGREGATION_WINDOW_MS): ClusterEvent | undefined {
  if (next.lastTimestamp - prev.lastTimestamp > windowMs) return undefined;
  return {
    ...prev,
    lastTimestamp: Math.max(prev.lastTimestamp, next.lastTimestamp),
    count: prev.count + 1,
    // The newest occurrence's attributes (e.g. the latest sandbox id) are the useful ones.
    attributes: { ...prev.attributes, ...next.attributes },
    classification: next.classification,
  };
}

/**
 * kubectl describe's age column: "5s" for a single event, "3m (x4 over 10m)" when aggregated.
 * `now` is the printer's time; ages are relative to it.
 */
export function formatEventAge(e: Pick<ClusterEvent, "count" | "firstTimestamp" | "lastTimestamp">, now: number): string {
  const last = formatDuration(Math.max(0, now - e.lastTimestamp));
  if (e.count <= 1) return last;
  return `${last} (x${e.count} over ${formatDuration(Math.max(0, now - e.firstTimestamp))})`;
}

/** Just the "(xN over T)" suffix, T being the span between first and last occurrence; '' for count 1. */
export function formatEventCount(e: Pick<ClusterEvent, "count" | "firstTimestamp" | "lastTimestamp">): string {
  if (e.count <= 1) return "";
  return `(x${e.count} over ${formatDuration(Math.max(0, e.lastTimestamp - e.firstTimestamp))})`;
}
