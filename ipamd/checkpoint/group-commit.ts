// Group commit: every change waits for a checkpoint write that started after it; changes that
// arrive while a write is in flight share the next one (one fsync for a burst). A failed write
// undoes its changes (newest first) before the next write takes its snapshot, so the file never
// holds a lease the memory has rolled back (docs/REFERENCE.md §4: a failed write rolls back).
//
// When a write starts is the caller's choice (`defer`): at once (the default: the first change of
// a burst is written alone, the rest share the next write), or, in the daemon, once per turn of the
// event loop (setImmediate): every request that arrived in that turn has applied its change by
// then, so one write covers them all. While a write waits for the disk, the loop goes on: requests
// that arrive meanwhile apply their changes and share the next write, which starts as soon as this
// one is durable. A failed write's undo cannot break those changes: a released IP stays out of use
// until its release is durable, and operations on one key are serialized (datastore/durable.ts).

import type { Checkpoint, CheckpointData } from "./types.js";

interface Waiter {
  readonly undo: (() => void) | undefined;
  resolve(): void;
  reject(e: unknown): void;
}

export interface GroupCommitStats {
  /** Checkpoint writes started. */
  readonly writes: number;
  /** Changes committed (each commit() call that resolved). */
  readonly committed: number;
  /** Changes rolled back because their write failed. */
  readonly rolledBack: number;
}

export interface GroupCommitOptions {
  /** Starts a write when none is in flight: default at once; the daemon passes setImmediate. */
  readonly defer?: (start: () => void) => void;
}

export class GroupCommitter {
  readonly #checkpoint: Checkpoint;
  readonly #snapshot: () => CheckpointData;
  readonly #defer: ((start: () => void) => void) | undefined;
  #next: Waiter[] = [];
  #inFlight: Promise<void> | undefined;
  #writes = 0;
  #committed = 0;
  #rolledBack = 0;

  /** snapshot() is called when a write starts, so it covers every change committed before. */
  constructor(checkpoint: Checkpoint, snapshot: () => CheckpointData, options: GroupCommitOptions = {}) {
    this.#checkpoint = checkpoint;
    this.#snapshot = snapshot;
    this.#defer = options.defer;
  }

  /**
   * Resolves once a write covering the caller's (already applied, in-memory) change is durable.
   * On failure, undo runs before the promise rejects and before any later write starts.
   */
  commit(undo?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#next.push({ undo, resolve, reject });
      if (this.#inFlight !== undefined) return;
      const defer = this.#defer;
      this.#inFlight = defer === undefined ? this.#drain() : new Promise<void>((done) => defer(() => void this.#drain().then(done)));
    });
  }

  /** Resolves when nothing is pending (errors are reported to the committers, not here). */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  get stats(): GroupCommitStats {
    return { writes: this.#writes, committed: this.#committed, rolledBack: this.#rolledBack };
  }

  async #drain(): Promise<void> {
    while (this.#next.length > 0) {
      const batch = this.#next;
      this.#next = [];
      await this.#writeBatch(batch);
    }
    this.#inFlight = undefined;
  }

  async #writeBatch(batch: readonly Waiter[]): Promise<void> {
    this.#writes++;
    let failure: { error: unknown } | undefined;
    try {
      await this.#checkpoint.save(this.#snapshot());
    } catch (error: unknown) {
      failure = { error };
    }
    if (failure === undefined) {
      this.#committed += batch.length;
      for (const w of batch) w.resolve();
      return;
    }
    // Newest first: a later change may depend on an earlier one (e.g. the reuse of a released IP).
    for (let i = batch.length - 1; i >= 0; i--) {
      const w = batch[i] as Waiter;
      try {
        w.undo?.();
      } catch {
        // An undo that cannot apply leaves memory ahead of the file; the next write catches it up.
      }
      this.#rolledBack++;
    }
    for (const w of batch) w.reject(failure.error);
  }
}
