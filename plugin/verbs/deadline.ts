// An AbortSignal that fires after `ms` on the injected clock, so every call across a process
// boundary has a deadline and tests with a FakeClock stay exact.
import type { Clock } from "../../common/clock.js";

export interface Deadline {
  signal: AbortSignal;
  /** Cancels the timer; call when the work is done. */
  done(): void;
}

export function deadline(clock: Clock, ms: number, what: string): Deadline {
  const ac = new AbortController();
  const t = clock.setTimer(ms, () => ac.abort(new Error(`${what}: deadline of ${ms} ms exceeded`)));
  return { signal: ac.signal, done: () => t.cancel() };
}

/** Runs fn with a fresh deadline and always cancels its timer. */
export async function withDeadline<T>(clock: Clock, ms: number, what: string, fn: (s: AbortSignal) => Promise<T>): Promise<T> {
  const d = deadline(clock, ms, what);
  try {
    return await fn(d.signal);
  } finally {
    d.done();
  }
}
