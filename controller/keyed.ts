// One reconcile at a time per key, any number of keys at once: a change while a key's reconcile
// runs makes it run once more when done (client-go's workqueue "dirty" set), and a failure runs it
// again after a back-off on the clock (doubling up to a cap). Used for nodes: every joining node is
// worked on at once, as the controller's node manager does.

import type { Clock, TimerHandle } from "../common/clock.js";
import type { JobResult } from "./workqueue.js";

export interface KeyedRunner {
  kick(key: string): void;
  stats(): { running: number; timers: number };
  stop(): void;
}

export function createKeyedRunner(o: {
  clock: Clock;
  run: (key: string) => Promise<JobResult>;
  baseBackoffMs: number;
  maxBackoffMs: number;
  onError?: (key: string, e: unknown) => void;
}): KeyedRunner {
  /** key -> "run again when done" */
  const running = new Map<string, boolean>();
  const timers = new Map<string, TimerHandle>();
  const failures = new Map<string, number>();
  let stopped = false;

  const later = (key: string, ms: number): void => {
    timers.set(key, o.clock.setTimer(ms, () => {
      timers.delete(key);
      kick(key);
    }));
  };

  const loop = async (key: string): Promise<void> => {
    let result: JobResult = { kind: "done" };
    do {
      running.set(key, false);
      try {
        result = await o.run(key);
      } catch (e) {
        o.onError?.(key, e);
        result = { kind: "retry" };
      }
    } while (!stopped && running.get(key) === true && result.kind === "done");
    running.delete(key);
    if (stopped) return;
    if (result.kind === "done") failures.delete(key);
    else if (result.kind === "after") later(key, result.ms);
    else {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      later(key, Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** n));
    }
  };

  const kick = (key: string): void => {
    if (stopped) return;
    if (running.has(key)) {
      running.set(key, true);
      return;
    }
    timers.get(key)?.cancel();
    timers.delete(key);
    void loop(key);
  };

  return {
    kick,
    stats: () => ({ running: running.size, timers: timers.size }),
    stop() {
      stopped = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };
}
