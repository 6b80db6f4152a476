// Time as a dependency: real wall-clock timers in production, a fake clock in tests and
// in the simulated-time scenario mode, so every timing decision is exact and instant to test.

/**
 * The longest delay a timer can wait: Node's setTimeout takes a signed 32-bit ms count (about
 * 24.8 days) and fires a longer one after 1 ms, so a "115 days" delay would fire at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (real) or since the fake clock's start. */
  now(): number;
  /** Runs fn after ms; the handle cancels it. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Resolves after ms; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms, signal) {
    return sleepOn(systemClock, ms, signal);
  },
};

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A deterministic clock. Timers fire in (time, creation) order when the clock is advanced;
 * promise continuations run between timers, so async code driven by it behaves as with real time.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: FakeTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers still due. */
  pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Time of the next due timer, or undefined. */
  nextAt(): number | undefined {
    const next = this.#next();
    return next?.at;
  }

  /** Advances by ms, firing every timer due on the way (and those they schedule) in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await flushMicrotasks();
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.at > target) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await flushMicrotasks();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Fires timers until none is left or `limitMs` of fake time has passed. */
  async runUntilIdle(limitMs = Number.POSITIVE_INFINITY): Promise<void> {
    const end = this.#now + limitMs;
    for (;;) {
      await flushMicrotasks();
      const next = this.#next();
      if (next === undefined || next.at > end) return;
      await this.advanceTo(next.at);
    }
  }

  #next(): FakeTimer | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets pending promise chains settle (several turns, for chains of awaits). */
export async function flushMicrotasks(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
