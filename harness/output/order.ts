// Lines in time order: records reach the printer a little out of order (an event is timestamped
// when the daemon records it but arrives over the watch later than a line the harness printed
// meanwhile), so each is held for a moment and released sorted. A record that arrives later still
// is printed at the last printed time, never before it: the offsets in the output never go back.

export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** How long a line waits for earlier ones that are still on their way. */
export const HOLD_MS = 300;

export class TimeOrder<T> {
  readonly #emit: (item: T, at: number) => void;
  readonly #timers: Timers;
  readonly #holdMs: number;
  #pending: { at: number; seq: number; item: T }[] = [];
  #seq = 0;
  #last = -Infinity;
  #cancel: (() => void) | undefined;

  constructor(emit: (item: T, at: number) => void, timers: Timers = realTimers, holdMs = HOLD_MS) {
    this.#emit = emit;
    this.#timers = timers;
    this.#holdMs = holdMs;
  }

  push(at: number, item: T): void {
    this.#pending.push({ at, seq: this.#seq++, item });
    this.#release(this.#timers.now() - this.#holdMs);
    this.#arm();
  }

  /** Releases everything held (before a summary, at the end). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#release(Infinity);
  }

  #release(upTo: number): void {
    this.#pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    let n = 0;
    while (n < this.#pending.length && (this.#pending[n]?.at ?? Infinity) <= upTo) n++;
    const out = this.#pending.splice(0, n);
    for (const p of out) {
      this.#last = Math.max(this.#last, p.at);
      this.#emit(p.item, this.#last);
    }
  }

  #arm(): void {
    if (this.#cancel !== undefined || this.#pending.length === 0) return;
    const first = Math.min(...this.#pending.map((p) => p.at));
    const wait = Math.max(0, first + this.#holdMs - this.#timers.now());
    this.#cancel = this.#timers.set(() => {
      this.#cancel = undefined;
      this.#release(this.#timers.now() - this.#holdMs);
      this.#arm();
    }, wait);
  }
}
