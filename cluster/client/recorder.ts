// client-go's EventRecorder as a component uses it: record() never blocks or throws; the
// correlator (correlator.ts) decides create vs. PATCH at once, and the writes go to the API in
// order per Event, a bounded number at a time, from a bounded queue (client-go drops events when
// its 1000-deep queue is full). A failed write is retried up to 12 times, 10 s apart (the first
// pause random), as recordToSink does; a PATCH of an Event that is gone becomes a create.
// With the memory backend a write settles at once, so events land in the store as they are recorded.

import type { Clock } from "../../common/clock.js";
import { errorMessage, isHarnessError } from "../../common/errors.js";
import type { EventObject, NewEvent } from "../k8s/event.js";
import { ATTRIBUTES_ANNOTATION, CLASSIFICATION_ANNOTATION, buildEvent, eventAnnotations } from "../k8s/event.js";
import { formatTime } from "../k8s/fields.js";
import type { K8sEvent } from "../k8s/types.js";
import type { Observation, StampedEvent } from "./correlator.js";
import { EventCorrelator, MAX_LRU_CACHE_ENTRIES } from "./correlator.js";
import type { ClusterClient, ResourceClient } from "./types.js";

export interface RecorderOptions {
  events: ResourceClient<EventObject, K8sEvent>;
  clock: Clock;
  /** source.component of this recorder's events (e.g. "kubelet"). */
  source: string;
  /** source.host (kubelet: its node name). */
  host?: string;
  /** Queued writes kept at most (client-go maxQueuedEvents 1000); more are dropped and counted. */
  maxQueue?: number;
  /** Writes in flight at once; default 8. */
  concurrency?: number;
  maxCacheEntries?: number;
  /** Deadline of each API call; default 10 s. */
  callTimeoutMs?: number;
  /** Attempts per event (client-go maxTriesPerEvent 12) and the pause between them (10 s). */
  maxTries?: number;
  retryPauseMs?: number;
  rng?: () => number;
  log?: (level: "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

/** Where an occurrence goes: the Event object and its count (undefined: dropped, queue full). */
export interface Recorded {
  namespace: string;
  name: string;
  count: number;
}

export interface EventRecorder {
  /** Stamps, correlates and queues one occurrence; never throws. */
  record(e: NewEvent): Recorded | undefined;
  /** Resolves when every queued write has been made (or given up). */
  flush(): Promise<void>;
  stats(): { queued: number; inFlight: number; written: number; dropped: number; failed: number };
}

interface Job {
  key: string;
  event: StampedEvent;
  obs: Observation;
}

let nextLane = 0;

export function createEventRecorder(o: RecorderOptions): EventRecorder {
  const correlator = new EventCorrelator(o.maxCacheEntries ?? MAX_LRU_CACHE_ENTRIES);
  const maxQueue = o.maxQueue ?? 1000;
  const concurrency = o.concurrency ?? 8;
  const timeoutMs = o.callTimeoutMs ?? 10_000;
  const maxTries = o.maxTries ?? 12;
  const pauseMs = o.retryPauseMs ?? 10_000;
  const rng = o.rng ?? Math.random;
  const queue: Job[] = [];
  const busyKeys = new Set<string>();
  const idle: (() => void)[] = [];
  let inFlight = 0;
  let lastNanos = -1n;
  const counts = { written: 0, dropped: 0, failed: 0 };

  /**
   * `<involvedObject.name>.<hex unix nanos>` as client-go names Events. Our clocks give ms (a
   * simulated run's many events per ms): the microseconds come from the timestamp, the last three
   * digits are this recorder's lane, so two recorders (kubelet, controller) never pick the same
   * name for events of one pod in one instant; within a recorder the next name steps by 1 µs.
   */
  const lane = BigInt(nextLane++ % 1000);
  const newName = (e: StampedEvent): string => {
    let nanos = BigInt(Math.floor(e.timestamp * 1000)) * 1000n + lane;
    if (nanos <= lastNanos) nanos = lastNanos + 1000n;
    lastNanos = nanos;
    return `${e.involvedObject.name}.${nanos.toString(16)}`;
  };

  const write = async (job: Job): Promise<void> => {
    const { event } = job;
    for (let tries = 1; ; tries++) {
      try {
        await writeOnce(job);
        counts.written++;
        return;
      } catch (e) {
        if (tries >= maxTries) {
          counts.failed++;
          o.log?.("error", "unable to write event (retry limit exceeded)", { reason: event.reason, object: event.involvedObject.name, err: errorMessage(e) });
          return;
        }
        // Randomize the first pause so that clients do not retry in step after an API outage.
        await o.clock.sleep(tries === 1 ? pauseMs * rng() : pauseMs);
      }
    }
  };

  const writeOnce = async ({ event, obs }: Job): Promise<void> => {
    const ref = { namespace: obs.slot.namespace, name: obs.slot.name };
    if (obs.aggregate) {
      const ours = eventAnnotations(event.classification, event.attributes);
      const patch = {
        count: obs.count,
        lastTimestamp: formatTime(event.timestamp),
        message: event.message,
        // Ours (docs/ARCHITECTURE.md, classification): the newest occurrence's classification, and
        // its attributes over the earlier ones'; null removes an annotation (RFC 7386).
        metadata: { annotations: { [CLASSIFICATION_ANNOTATION]: ours[CLASSIFICATION_ANNOTATION] ?? null, [ATTRIBUTES_ANNOTATION]: ours[ATTRIBUTES_ANNOTATION] ?? null } },
      };
      try {
        await o.events.patch(ref, patch, { timeoutMs });
        return;
      } catch (e) {
        // The Event was removed meanwhile (TTL, someone deleted it): create it again.
        if (!(isHarnessError(e) && e.kind === "not-found")) throw e;
      }
    }
    for (;;) {
      try {
        await o.events.create(buildEvent(obs.slot.name, event, obs.count, obs.firstTimestamp), { timeoutMs });
        return;
      } catch (e) {
        if (!(isHarnessError(e) && e.kind === "already-exists")) throw e;
        // Two recorders named an Event alike in the same millisecond: take the next name.
        obs.slot.name = newName({ ...event, timestamp: event.timestamp });
      }
    }
  };

  const pump = (): void => {
    for (let i = 0; i < queue.length && inFlight < concurrency; ) {
      const job = queue[i] as Job;
      if (busyKeys.has(job.key)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      busyKeys.add(job.key);
      inFlight++;
      void write(job).finally(() => {
        inFlight--;
        busyKeys.delete(job.key);
        pump();
      });
    }
    if (queue.length === 0 && inFlight === 0) for (const fn of idle.splice(0)) fn();
  };

  return {
    record(input) {
      const host = input.host ?? o.host;
      const event: StampedEvent = {
        type: input.type,
        reason: input.reason,
        message: input.message,
        involvedObject: input.involvedObject,
        source: input.source ?? o.source,
        timestamp: input.timestamp ?? o.clock.now(),
        ...(host === undefined ? {} : { host }),
        ...(input.classification === undefined ? {} : { classification: input.classification }),
      };
      if (queue.length >= maxQueue) {
        counts.dropped++;
        o.log?.("warn", "event queue full: dropping event", { reason: event.reason, object: event.involvedObject.name });
        return undefined;
      }
      const obs = correlator.observe(event, () => newName(event));
      // Attributes accumulate over the occurrences of one Event (the latest value of each key wins).
      if (input.attributes !== undefined) obs.slot.attributes = obs.count === 1 ? input.attributes : { ...obs.slot.attributes, ...input.attributes };
      event.attributes = obs.slot.attributes;
      queue.push({ key: obs.key, event, obs });
      pump();
      return { namespace: obs.slot.namespace, name: obs.slot.name, count: obs.count };
    },
    flush() {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
    stats: () => ({ queued: queue.length, inFlight, ...counts }),
  };
}

/**
 * A recorder on the cluster's events. With the memory backend every write settles at once, so
 * nothing is held back (no concurrency bound): events land in the store in the order recorded.
 */
export function recorderFor(cluster: ClusterClient, o: Omit<RecorderOptions, "events">): EventRecorder {
  return createEventRecorder({ events: cluster.events, ...(cluster.backend === "memory" ? { concurrency: Number.POSITIVE_INFINITY } : {}), ...o });
}
