// A work queue with N workers, shaped like client-go's rate-limiting queue as the controller uses
// it: one job per key at a time, AddAfter on a timer (the injected clock), per-item exponential
// back-off for errors (5 ms doubling up to 1000 s), and a retry budget per item.

import type { Clock, TimerHandle } from "../common/clock.js";

export type JobResult = { kind: "done" } | { kind: "retry" } | { kind: "after"; ms: number };

export interface WorkQueue<J> {
  /** Queues the job unless its key is already queued, running or waiting on a timer. */
  add(job: J): boolean;
  has(key: string): boolean;
  /** Number of error retries so far for the key. */
  retries(key: string): number;
  stats(): { queued: number; running: number; timers: number };
  stop(): void;
}

export interface WorkQueueOptions<J> {
  clock: Clock;
  workers: number;
  key: (job: J) => string;
  handle: (job: J) => Promise<JobResult>;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxRetries: number;
  /** Called when a job exhausts its retries ("exceeded maximum retries" in the real worker). */
  onGiveUp?: (job: J) => void;
  onError?: (job: J, e: unknown) => void;
}

export function createWorkQueue<J>(o: WorkQueueOptions<J>): WorkQueue<J> {
  const queue: J[] = [];
  const running = new Set<string>();
  // Keys queued or running: a key is in here from add() until its job settles.
  const busy = new Set<string>();
  const timers = new Map<string, TimerHandle>();
  const retries = new Map<string, number>();
  const waiters: Array<(job: J | undefined) => void> = [];
  let stopped = false;

  const push = (job: J): void => {
    busy.add(o.key(job));
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(job);
    else queue.push(job);
  };
  const take = (): Promise<J | undefined> =>
    stopped ? Promise.resolve(undefined) : queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r));
  const later = (job: J, ms: number): void => {
    const k = o.key(job);
    timers.set(k, o.clock.setTimer(ms, () => {
      timers.delete(k);
      if (!stopped) push(job);
    }));
  };

  const settle = (job: J, result: JobResult): void => {
    const k = o.key(job);
    busy.delete(k);
    if (result.kind === "done") {
      retries.delete(k);
    } else if (result.kind === "after") {
      later(job, result.ms);
    } else {
      const n = retries.get(k) ?? 0;
      if (n >= o.maxRetries) {
        retries.delete(k);
        o.onGiveUp?.(job);
        return;
      }
      retries.set(k, n + 1);
      later(job, Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** n));
    }
  };

  async function worker(): Promise<void> {
    for (;;) {
      const job = await take();
      if (job === undefined) return;
      const k = o.key(job);
      running.add(k);
      let result: JobResult;
      try {
        result = await o.handle(job);
      } catch (e) {
        o.onError?.(job, e);
        result = { kind: "retry" };
      }
      running.delete(k);
      if (stopped) busy.delete(k);
      else settle(job, result);
    }
  }
  for (let i = 0; i < o.workers; i++) void worker();

  const has = (k: string): boolean => busy.has(k) || timers.has(k);
  return {
    add(job) {
      if (stopped || has(o.key(job))) return false;
      push(job);
      return true;
    },
    has,
    retries: (k) => retries.get(k) ?? 0,
    stats: () => ({ queued: queue.length, running: running.size, timers: timers.size }),
    stop() {
      stopped = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
      queue.length = 0;
      busy.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
  };
}
