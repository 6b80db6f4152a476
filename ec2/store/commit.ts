// Group commit of the fake EC2's state: a change is acknowledged only once a write that started
// after it is durable; changes that arrive while a write is in flight share the next one (one fsync
// for a burst). A read waits for the changes before it, so nobody is shown state that a crash could
// take back. A failed write fails every change not yet durable and has the owner restore the last
// durable state, so memory never runs ahead of the file.

export interface StateSink {
  write(text: string): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

export interface CommitStats {
  readonly writes: number;
  readonly committed: number;
  readonly failed: number;
}

export class GroupCommit {
  readonly #sink: StateSink;
  readonly #snapshot: () => string;
  readonly #restore: (lastDurable: string) => void;
  #lastDurable: string;
  #queue: Waiter[] = [];
  #dirty = false;
  #inFlight: Promise<void> | undefined;
  #writes = 0;
  #committed = 0;
  #failed = 0;

  /**
   * snapshot() is taken when a write starts; restore(text) puts memory back to the last durable
   * text after a failed write. `durable` is the text the store holds now.
   */
  constructor(sink: StateSink, snapshot: () => string, restore: (lastDurable: string) => void, durable: string) {
    this.#sink = sink;
    this.#snapshot = snapshot;
    this.#restore = restore;
    this.#lastDurable = durable;
  }

  /** For a change already applied in memory: resolves once it is durable. */
  commit(): Promise<void> {
    this.#dirty = true;
    return this.#wait();
  }

  /** For a read: resolves once every change applied before it is durable (at once when all are). */
  barrier(): Promise<void> {
    if (!this.#dirty && this.#inFlight === undefined) return Promise.resolve();
    if (!this.#dirty) return (this.#inFlight as Promise<void>).then(() => undefined, () => undefined).then(() => this.barrier());
    return this.#wait();
  }

  /** Resolves when nothing is pending (errors go to the committers). */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  get stats(): CommitStats {
    return { writes: this.#writes, committed: this.#committed, failed: this.#failed };
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ resolve, reject });
      if (this.#inFlight === undefined) this.#inFlight = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const dirty = this.#dirty;
      this.#dirty = false;
      await this.#write(batch, dirty);
    }
    this.#inFlight = undefined;
  }

  async #write(batch: Waiter[], dirty: boolean): Promise<void> {
    if (!dirty) {
      for (const w of batch) w.resolve();
      return;
    }
    const text = this.#snapshot();
    this.#writes++;
    try {
      await this.#sink.write(text);
    } catch (error: unknown) {
      // Memory is ahead of the file by this batch and whatever queued since: fail them all and go
      // back to what the file holds.
      const lost = [...batch, ...this.#queue];
      this.#queue = [];
      this.#dirty = false;
      this.#restore(this.#lastDurable);
      this.#failed += lost.length;
      for (const w of lost) w.reject(error);
      return;
    }
    this.#lastDurable = text;
    this.#committed += batch.length;
    for (const w of batch) w.resolve();
  }
}
