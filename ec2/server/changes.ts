// A version that moves with every committed change, and a bounded set of waiters for the next one:
// what lets GET /_harness/fabric long-poll instead of every node polling on a timer. The epoch
// changes with each process start, so a version from before a restart never matches.

import { randomBytes } from "node:crypto";

/** Waiters at once; past it a waiter is answered at once (the client simply asks again). */
export const MAX_WAITERS = 1024;

export class ChangeFeed {
  readonly #epoch = randomBytes(4).toString("hex");
  #counter = 0;
  readonly #waiters = new Set<() => void>();
  #closed = false;

  get version(): string {
    return `${this.#epoch}.${this.#counter}`;
  }

  /** A change was committed: every waiter wakes. */
  bump(): void {
    this.#counter++;
    this.#wakeAll();
  }

  /**
   * Resolves when the version differs from `since`, after `waitMs`, when the signal aborts, or when
   * the feed closes (a shutdown must not wait for long polls), whichever comes first.
   */
  wait(since: string, waitMs: number, signal?: AbortSignal): Promise<void> {
    if (since !== this.version || waitMs <= 0 || this.#closed || signal?.aborted === true || this.#waiters.size >= MAX_WAITERS) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const w of [...this.#waiters]) w();
  }
}
