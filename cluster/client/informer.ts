// A list+watch cache of one resource, as client-go's reflector + informer keep one: list, then
// watch from the list's resourceVersion; a stream the server closed resumes from the last version
// seen; 410 Gone (expired) relists and turns the differences into synthetic events; errors back
// off on the injected clock (800 ms doubling to 30 s, as the reflector's back-off manager).
// Handlers run synchronously, in order, after the cache applied the change: with the memory
// backend a write reaches every handler before the write returns (deterministic simulated time).

import type { Clock, TimerHandle } from "../../common/clock.js";
import { errorMessage } from "../../common/errors.js";
import type { ClientListOptions, ClientWatchEvent, Informer, ObjectIdentity, ObjectRef, ResourceClient, WatchEnd, WatchHandle } from "./types.js";

export type InformerEventType = "ADDED" | "MODIFIED" | "DELETED";
export type InformerHandler<T> = (type: InformerEventType, object: T, old: T | undefined) => void;
export type InformerLog = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export interface InformerOptions {
  clock: Clock;
  /** Namespace and selectors of the list and the watch (e.g. fieldSelector spec.nodeName=N). */
  select?: ClientListOptions;
  /** Deadline of each list call; default 60 s. */
  listTimeoutMs?: number;
  /** Back-off after a failed list or watch: first pause and cap (default 800 ms, 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** For logs: e.g. "pods". */
  name?: string;
  log?: InformerLog;
}

const keyOf = (r: ObjectRef): string => `${r.namespace}/${r.name}`;

export function createInformer<T extends ObjectIdentity>(client: ResourceClient<T>, o: InformerOptions): Informer<T> {
  const cache = new Map<string, T>();
  const handlers = new Set<InformerHandler<T>>();
  const select = o.select ?? {};
  const backoff = o.backoff ?? { initialMs: 800, maxMs: 30_000 };
  const log: InformerLog = o.log ?? (() => undefined);
  const name = o.name ?? "objects";
  let lastRv = "";
  let synced = false;
  let stopped = false;
  let watch: WatchHandle | undefined;
  let timer: TimerHandle | undefined;
  let pause = backoff.initialMs;
  let firstSync: { resolve: () => void; reject: (e: Error) => void; promise: Promise<void> } | undefined;

  // A copy taken when handlers change, not per event: a handler may (un)register during delivery.
  let snapshot: InformerHandler<T>[] = [];
  const notify = (type: InformerEventType, obj: T, old: T | undefined): void => {
    for (const fn of snapshot) {
      try {
        fn(type, obj, old);
      } catch (e) {
        // One handler's bug must not stop the cache or the other handlers.
        log("error", "informer handler failed", { informer: name, type, object: keyOf(obj), err: errorMessage(e) });
      }
    }
  };

  const apply = (e: ClientWatchEvent<T>): void => {
    if (stopped) return;
    if (e.type === "BOOKMARK") {
      lastRv = e.resourceVersion;
      return;
    }
    const k = keyOf(e.object);
    const old = cache.get(k);
    if (e.object.resourceVersion !== "") lastRv = e.object.resourceVersion;
    if (e.type === "DELETED") {
      cache.delete(k);
      notify("DELETED", e.object, old);
      return;
    }
    cache.set(k, e.object);
    notify(old === undefined ? "ADDED" : "MODIFIED", e.object, old);
  };

  /** Replaces the cache with a fresh list; the differences become synthetic events. */
  const relist = async (): Promise<void> => {
    const { items, resourceVersion } = await client.list({ ...select, timeoutMs: o.listTimeoutMs ?? 60_000 });
    if (stopped) return;
    const fresh = new Map(items.map((i) => [keyOf(i), i]));
    for (const [k, old] of [...cache]) {
      if (fresh.has(k)) continue;
      cache.delete(k);
      notify("DELETED", old, old);
    }
    for (const [k, obj] of fresh) {
      const old = cache.get(k);
      if (old !== undefined && old.uid === obj.uid && old.resourceVersion === obj.resourceVersion) continue;
      if (old !== undefined && old.uid !== obj.uid) {
        // Deleted and recreated while we were not watching: two events, as the real sequence was.
        cache.delete(k);
        notify("DELETED", old, old);
      }
      cache.set(k, obj);
      const same = old !== undefined && old.uid === obj.uid;
      notify(same ? "MODIFIED" : "ADDED", obj, same ? old : undefined);
    }
    lastRv = resourceVersion;
    synced = true;
  };

  const startWatch = (): void => {
    if (stopped) return;
    const started = o.clock.now();
    const handle = client.watch({ ...select, resourceVersion: lastRv, allowBookmarks: true }, apply);
    watch = handle;
    void handle.ended.then((end) => onEnd(handle, end, o.clock.now() - started));
  };

  const onEnd = (handle: WatchHandle, end: WatchEnd, lastedMs: number): void => {
    if (watch !== handle) return;
    watch = undefined;
    if (stopped || end.reason === "stopped") return;
    if (end.reason === "closed") {
      // A server timeout or restart: resume from the last version, at once unless it keeps closing fast.
      if (lastedMs >= 1_000) {
        pause = backoff.initialMs;
        startWatch();
      } else later(() => startWatch(), "watch closed at once");
      return;
    }
    if (end.reason === "expired") {
      log("info", "watch expired (410 Gone): relisting", { informer: name, resourceVersion: lastRv });
      void cycle();
      return;
    }
    later(() => void cycle(), `watch failed: ${errorMessage(end.error)}`);
  };

  const later = (fn: () => void, why: string): void => {
    log("warn", `${why}; retrying in ${Math.round(pause)} ms`, { informer: name });
    timer = o.clock.setTimer(pause, () => {
      timer = undefined;
      if (!stopped) fn();
    });
    pause = Math.min(backoff.maxMs, pause * 2);
  };

  /** List then watch; on a failed list, back off and try again. */
  const cycle = async (): Promise<void> => {
    try {
      await relist();
    } catch (e) {
      if (!stopped) later(() => void cycle(), `list failed: ${errorMessage(e)}`);
      return;
    }
    pause = backoff.initialMs;
    startWatch();
    firstSync?.resolve();
  };

  return {
    start() {
      if (firstSync !== undefined) return firstSync.promise;
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A caller that does not await start() must not see an unhandled rejection at stop().
      promise.catch(() => undefined);
      firstSync = { resolve, reject, promise };
      void cycle();
      return promise;
    },
    stop() {
      if (!synced) firstSync?.reject(new Error(`informer ${name} stopped before its first list`));
      stopped = true;
      timer?.cancel();
      watch?.stop();
      watch = undefined;
    },
    hasSynced: () => synced,
    get: (ref) => cache.get(keyOf(ref)),
    list: () => [...cache.values()],
    on(fn) {
      handlers.add(fn);
      snapshot = [...handlers];
      return () => {
        handlers.delete(fn);
        snapshot = [...handlers];
      };
    },
  };
}
