// The datastore with durability: assign/release change memory synchronously (so concurrent
// handlers never get one IP twice), then await a group-committed checkpoint write; a failed write
// rolls the change back and the caller gets the error (docs/REFERENCE.md §4). Operations on the same
// key are serialized, so a repeated ADD waits for the first one's write and gets the same IP.

import type { Checkpoint, CheckpointAllocation, CheckpointData } from "../checkpoint/index.js";
import { CHECKPOINT_VERSION, GroupCommitter } from "../checkpoint/index.js";
import type { GroupCommitOptions, GroupCommitStats } from "../checkpoint/index.js";
import type { Datastore, RestoreReport } from "./datastore.js";
import type { Assignment, Lease, LeaseKey, PodMetadata } from "./types.js";
import { leaseKeyString } from "./types.js";

export class DurableDatastore {
  readonly datastore: Datastore;
  readonly checkpoint: Checkpoint;
  readonly #committer: GroupCommitter;
  /** The last operation per key (settled or not): the next one on that key waits for it. */
  readonly #tails = new Map<string, Promise<unknown>>();

  /** options.defer: when a write starts (group-commit.ts); the daemon writes once per event-loop turn. */
  constructor(datastore: Datastore, checkpoint: Checkpoint, options: GroupCommitOptions = {}) {
    this.datastore = datastore;
    this.checkpoint = checkpoint;
    this.#committer = new GroupCommitter(checkpoint, () => snapshot(datastore), options);
  }

  /**
   * Loads the checkpoint and puts every lease back (call after adding the ENIs known at start).
   * A corrupt or foreign-version file throws: the daemon must refuse to start, not discard leases.
   */
  async restore(): Promise<RestoreReport> {
    const data = await this.checkpoint.load();
    if (data === undefined) return { restored: 0, unbacked: [] };
    return this.datastore.restore(
      data.allocations.map((a) => ({
        key: { networkName: a.networkName, containerID: a.containerID, ifName: a.ifName },
        ip: a.ipv4,
        allocatedAt: a.allocationTimestampMs,
        metadata: {
          k8sPodNamespace: a.metadata.k8sPodNamespace ?? "",
          k8sPodName: a.metadata.k8sPodName ?? "",
          interfacesCount: a.metadata.interfacesCount ?? 1,
        },
      })),
    );
  }

  /**
   * The key's lease, durable when this resolves; exhaustion throws the real error text.
   * signal (the RPC's deadline): aborted before the assign ran, nothing is assigned; aborted while
   * the write is pending, the caller gets the abort reason at once and the lease stays (made
   * durable, or rolled back if the write fails), as a real ipamd's lease outlives a timed-out
   * client until its DEL.
   */
  assign(key: LeaseKey, metadata: PodMetadata, signal?: AbortSignal): Promise<Assignment> {
    return this.#serialize(key, signal, async () => {
      const assignment = this.datastore.assign(key, metadata);
      if (!assignment.created) return assignment;
      await this.#committer.commit(() => this.datastore.rollbackAssign(assignment.lease));
      return assignment;
    });
  }

  /** Ends the key's lease, durably; an unknown key throws `datastore: unknown pod`. signal: as assign. */
  release(key: LeaseKey, signal?: AbortSignal): Promise<Lease> {
    return this.#serialize(key, signal, () => this.#release(key));
  }

  /**
   * As release, but an unknown key resolves undefined instead of throwing: what DelNetwork wants,
   * and the common case there (every DEL of a branch-ENI pod or of a failed sandbox), where
   * building the error, stack trace included, cost more than the release itself.
   */
  releaseIfHeld(key: LeaseKey, signal?: AbortSignal): Promise<Lease | undefined> {
    return this.#serialize(key, signal, async () => (this.datastore.lookup(key) === undefined ? undefined : this.#release(key)));
  }

  async #release(key: LeaseKey): Promise<Lease> {
    // The IP stays out of use until the release is durable: were it reused and this write then
    // failed, the rollback could not give it back to this key.
    const lease = this.datastore.beginRelease(key);
    await this.#committer.commit(() => this.datastore.rollbackRelease(lease));
    this.datastore.commitRelease(lease);
    return lease;
  }

  /** Writes the current state (e.g. at shutdown) and waits for every pending write. */
  async flush(): Promise<void> {
    await this.#committer.commit();
    await this.#committer.flush();
  }

  get commitStats(): GroupCommitStats {
    return this.#committer.stats;
  }

  #serialize<T>(key: LeaseKey, signal: AbortSignal | undefined, op: () => Promise<T>): Promise<T> {
    const id = leaseKeyString(key);
    const before = this.#tails.get(id);
    const guarded = async (): Promise<T> => {
      signal?.throwIfAborted();
      return op();
    };
    // Synchronous fast path when the key is idle: assign happens in this very turn, in call order.
    const run = before === undefined ? guarded() : before.then(guarded, guarded);
    // The tail is the operation itself, not the caller's race below: the next operation on this
    // key must wait for the write even if this caller gave up.
    this.#tails.set(id, run);
    const clear = (): void => {
      if (this.#tails.get(id) === run) this.#tails.delete(id);
    };
    run.then(clear, clear);
    return signal === undefined ? run : raceAbort(run, signal);
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.race([p, Promise.reject(signal.reason as unknown)]);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/**
 * Each lease's checkpoint entry, made once: leases are immutable, so the entry (and the encoder's
 * text for it, keyed by the entry) is reused by every later write while the lease lives.
 */
const entries = new WeakMap<Lease, CheckpointAllocation>();

function entryOf(l: Lease): CheckpointAllocation {
  let e = entries.get(l);
  if (e === undefined) {
    e = Object.freeze({
      networkName: l.key.networkName,
      containerID: l.key.containerID,
      ifName: l.key.ifName,
      ipv4: l.ip,
      allocationTimestampMs: l.allocatedAt,
      metadata: Object.freeze({
        k8sPodNamespace: l.metadata.k8sPodNamespace,
        k8sPodName: l.metadata.k8sPodName,
        interfacesCount: l.metadata.interfacesCount,
      }),
    });
    entries.set(l, e);
  }
  return e;
}

/** The datastore's leases in the checkpoint's shape, oldest first. */
export function snapshot(datastore: Datastore): CheckpointData {
  const allocations = datastore.leases().sort((a, b) => a.allocatedAt - b.allocatedAt).map(entryOf);
  return { version: CHECKPOINT_VERSION, allocations };
}
