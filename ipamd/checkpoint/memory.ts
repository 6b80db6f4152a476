// The in-memory twin of the file checkpoint, for tests and simulated time: it keeps a deep copy of
// what was saved, counts saves, and can be told to fail or to hold writes until released.

import { HarnessError } from "../../common/errors.js";
import type { Checkpoint, CheckpointData } from "./types.js";

export class MemoryCheckpoint implements Checkpoint {
  readonly description = "memory checkpoint";
  #data: CheckpointData | undefined;
  #saves = 0;
  #failures: Array<unknown> = [];
  #failAlways: unknown = undefined;
  #held: Array<() => void> | undefined;

  constructor(initial?: CheckpointData) {
    this.#data = initial === undefined ? undefined : copy(initial);
  }

  async load(): Promise<CheckpointData | undefined> {
    return this.#data === undefined ? undefined : copy(this.#data);
  }

  async save(data: CheckpointData): Promise<void> {
    const snapshot = copy(data);
    this.#saves++;
    if (this.#held !== undefined) await new Promise<void>((resolve) => this.#held?.push(resolve));
    const injected = this.#failures.shift() ?? this.#failAlways;
    if (injected !== undefined) throw injected;
    this.#data = snapshot;
  }

  /** What the last successful save stored. */
  get data(): CheckpointData | undefined {
    return this.#data === undefined ? undefined : copy(this.#data);
  }

  /** Saves attempted (each stands for one fsync of the file store). */
  get saves(): number {
    return this.#saves;
  }

  /** The next n saves fail with error (default: an injected I/O error). */
  failNext(n = 1, error: unknown = injectedError()): void {
    for (let i = 0; i < n; i++) this.#failures.push(error);
  }

  /** Every save fails until called again with undefined. */
  failAlways(error: unknown = injectedError()): void {
    this.#failAlways = error;
  }

  stopFailing(): void {
    this.#failAlways = undefined;
    this.#failures = [];
  }

  /** Saves wait until release() (to build up a burst behind an in-flight write). */
  hold(): void {
    this.#held ??= [];
  }

  /** Lets held saves finish; returns how many were waiting. */
  release(): number {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const go of held) go();
    return held.length;
  }
}

function copy(data: CheckpointData): CheckpointData {
  return structuredClone(data) as CheckpointData;
}

function injectedError(): HarnessError {
  return new HarnessError("unavailable", "memory checkpoint: injected write failure");
}
