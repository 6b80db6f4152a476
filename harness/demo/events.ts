// The events a run has shown, once each: the watch delivers every change (aggregated repeats come
// back with a higher count), and a final List catches those still on their way. The verdict is
// drawn from exactly these, so the RESULT never contradicts the lines above it.

import type { ClusterEvent } from "../../cluster/k8s/index.js";

const keyOf = (e: ClusterEvent): string =>
  [e.involvedObject.kind, e.involvedObject.namespace, e.involvedObject.name, e.involvedObject.uid, e.type, e.reason, e.source, e.message].join("\u0000");

export class EventLog {
  readonly #byKey = new Map<string, ClusterEvent>();

  /** Records the event; true when it is news (first seen, or seen again with a new count). */
  add(e: ClusterEvent): boolean {
    const key = keyOf(e);
    const before = this.#byKey.get(key);
    if (before !== undefined && before.count >= e.count && before.lastTimestamp >= e.lastTimestamp) return false;
    this.#byKey.set(key, e);
    return true;
  }

  all(): ClusterEvent[] {
    return [...this.#byKey.values()].sort((a, b) => a.firstTimestamp - b.firstTimestamp);
  }
}
