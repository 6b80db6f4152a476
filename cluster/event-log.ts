// The event part of the API server: aggregated events (events.ts), listing and watch.

import type { Clock } from "../common/clock.js";
import { aggregate, aggregationKey, newEvent } from "./events.js";
import type { ClusterEvent, ClusterStore } from "./types.js";
import { createFanout } from "./watch.js";

export type EventLog = Pick<ClusterStore, "recordEvent" | "listEvents" | "watchEvents">;

export function createEventLog(clock: Clock, onWatchError?: (e: unknown) => void, onChange?: () => void): EventLog {
  const events: ClusterEvent[] = [];
  const latestByKey = new Map<string, number>();
  const watch = createFanout<[ClusterEvent]>(onWatchError);
  return {
    recordEvent(input) {
      const fresh = newEvent(input, clock.now());
      const k = aggregationKey(fresh);
      const idx = latestByKey.get(k);
      const prev = idx === undefined ? undefined : events[idx];
      const merged = prev === undefined ? undefined : aggregate(prev, fresh);
      let stored: ClusterEvent;
      if (merged !== undefined && idx !== undefined) {
        stored = Object.freeze(merged);
        events[idx] = stored;
      } else {
        stored = Object.freeze(fresh);
        latestByKey.set(k, events.push(stored) - 1);
      }
      onChange?.();
      watch.emit(stored);
      return stored;
    },
    listEvents(filter) {
      const ns = filter?.namespace ?? "";
      const name = filter?.name ?? "";
      return events.filter((e) => (ns === "" || e.involvedObject.namespace === ns) && (name === "" || e.involvedObject.name === name));
    },
    watchEvents: (fn) => watch.subscribe(fn),
  };
}
