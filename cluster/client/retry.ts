// client-go's retry.RetryOnConflict: run fn again after a short back-off while it fails with a
// 409 Conflict (a stale resourceVersion), re-reading what it writes each time.

import type { Clock } from "../../common/clock.js";
import { isHarnessError } from "../../common/errors.js";

export interface Backoff {
  /** Attempts in all (client-go Steps). */
  steps: number;
  durationMs: number;
  factor: number;
  /** Up to this fraction of each pause is added at random. */
  jitter: number;
}

/** client-go retry.DefaultRetry: 5 attempts, 10 ms apart (jitter 10 %). */
export const DEFAULT_RETRY: Readonly<Backoff> = Object.freeze({ steps: 5, durationMs: 10, factor: 1, jitter: 0.1 });
/** client-go retry.DefaultBackoff: 4 attempts, 10 ms growing x5 (jitter 10 %). */
export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ steps: 4, durationMs: 10, factor: 5, jitter: 0.1 });

export function isConflict(e: unknown): boolean {
  return isHarnessError(e) && e.kind === "conflict";
}

/**
 * A conflict that re-reading cannot fix: the object's uid is not the one the write was for (it was
 * deleted and recreated). The API server's text: "Precondition failed: UID in precondition: ...".
 */
export function isUidPreconditionFailure(e: unknown): boolean {
  return isConflict(e) && (e as Error).message.includes("Precondition failed: UID in precondition");
}

/** The last error is rethrown when every attempt conflicted; any other error at once. */
export async function retryOnConflict<T>(
  clock: Clock,
  fn: () => Promise<T>,
  opts: { backoff?: Backoff; rng?: () => number; signal?: AbortSignal; retriable?: (e: unknown) => boolean } = {},
): Promise<T> {
  const b = opts.backoff ?? DEFAULT_BACKOFF;
  const retriable = opts.retriable ?? isConflict;
  const rng = opts.rng ?? Math.random;
  let pause = b.durationMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!retriable(e) || attempt >= b.steps) throw e;
    }
    await clock.sleep(pause + rng() * b.jitter * pause, opts.signal);
    pause *= b.factor;
  }
}
