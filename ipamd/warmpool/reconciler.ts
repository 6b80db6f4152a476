// The warm pool loop: asks decide() what to do, attaches or frees an ENI through the EniAttacher
// (a deadline on every call), backs off exponentially after failures (EC2 throttling, faults), and
// runs again at once after a change (to converge), else every intervalMs like ipamd's pool monitor.

import type { Clock, TimerHandle } from "../../common/clock.js";
import { HarnessError, errorMessage } from "../../common/errors.js";
import type { Datastore } from "../datastore/index.js";
import type { InstanceLimits } from "../../common/limits.js";
import type { EniAttacher, WarmPoolHooks, WarmPoolLog } from "./attacher.js";
import type { WarmPoolConfig } from "./config.js";
import type { PoolDecision } from "./decide.js";
import { decide } from "./decide.js";
import { attachOne, detachOne } from "./steps.js";

export interface WarmPoolDeps {
  readonly datastore: Datastore;
  readonly attacher: EniAttacher;
  readonly clock: Clock;
  readonly limits: InstanceLimits;
  readonly config: WarmPoolConfig;
  /** ENABLE_POD_ENI: one ENI slot is the trunk's. */
  readonly podEniEnabled: boolean;
  /** Pool check period when nothing changes (ipamd's pool monitor: 5 s). */
  readonly intervalMs?: number;
  /** Deadline of each attach/detach call (default 30 s). */
  readonly callTimeoutMs?: number;
  /** Back-off after a failed call: initial, doubled per failure, capped (default 1 s .. 60 s). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly minEniLifetimeMs?: number;
  readonly hooks?: WarmPoolHooks;
  readonly log?: WarmPoolLog;
}

export type ReconcileOutcome =
  | { readonly result: "attached" | "detached"; readonly eniId: string; readonly decision: PoolDecision }
  | { readonly result: "none"; readonly decision: PoolDecision }
  | { readonly result: "failed"; readonly decision: PoolDecision; readonly error: string };

export interface WarmPoolStatus {
  readonly running: boolean;
  readonly consecutiveFailures: number;
  /** Clock time of the next scheduled pass, undefined when stopped. */
  readonly nextRunAt: number | undefined;
  readonly lastOutcome: ReconcileOutcome | undefined;
}

export const DEFAULT_POOL_INTERVAL_MS = 5_000;

export class WarmPoolReconciler {
  readonly #d: WarmPoolDeps;
  #stop = new AbortController();
  #timer: TimerHandle | undefined;
  #nextRunAt: number | undefined;
  #running: Promise<ReconcileOutcome> | undefined;
  #started = false;
  #failures = 0;
  #last: ReconcileOutcome | undefined;

  constructor(deps: WarmPoolDeps) {
    this.#d = deps;
  }

  /** One pass: decide, act, report. Concurrent calls share the pass in flight. */
  reconcileOnce(): Promise<ReconcileOutcome> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Starts the loop (first pass at once). */
  start(): void {
    if (this.#started) return;
    if (this.#stop.signal.aborted) this.#stop = new AbortController(); // started again after stop()
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops the loop and aborts a call in flight; resolves when the pass in flight has ended. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#nextRunAt = undefined;
    this.#stop.abort(new HarnessError("unavailable", "warm pool stopped"));
    await this.#running?.catch(() => undefined);
  }

  /** A hint that the pool may be low (e.g. an ADD found no IP): run soon unless backing off. */
  nudge(): void {
    if (!this.#started || this.#failures > 0 || this.#running !== undefined) return;
    this.#schedule(0);
  }

  status(): WarmPoolStatus {
    return { running: this.#started, consecutiveFailures: this.#failures, nextRunAt: this.#nextRunAt, lastOutcome: this.#last };
  }

  /** Decision only, for introspection. */
  decide(): PoolDecision {
    const ds = this.#d.datastore;
    return decide({
      stats: ds.stats(),
      enis: ds.enis(),
      limits: this.#d.limits,
      config: this.#d.config,
      podEniEnabled: this.#d.podEniEnabled,
      now: this.#d.clock.now(),
      ...(this.#d.minEniLifetimeMs === undefined ? {} : { minEniLifetimeMs: this.#d.minEniLifetimeMs }),
    });
  }

  async #pass(): Promise<ReconcileOutcome> {
    const decision = this.decide();
    let outcome: ReconcileOutcome;
    try {
      if (decision.action === "attach") {
        outcome = { result: "attached", eniId: await attachOne(this.#d, this.#stop.signal), decision };
      } else if (decision.action === "detach") {
        await detachOne(this.#d, decision.eniId, this.#stop.signal);
        outcome = { result: "detached", eniId: decision.eniId, decision };
      } else {
        outcome = { result: "none", decision };
      }
      this.#failures = 0;
    } catch (e: unknown) {
      this.#failures++;
      outcome = { result: "failed", decision, error: errorMessage(e) };
      this.#d.log?.warn({ decision, error: outcome.error, failures: this.#failures }, "warm pool: ENI change failed; backing off");
    }
    this.#last = outcome;
    return outcome;
  }

  #schedule(ms: number): void {
    this.#timer?.cancel();
    this.#nextRunAt = this.#d.clock.now() + ms;
    this.#timer = this.#d.clock.setTimer(ms, () => {
      this.#timer = undefined;
      void this.reconcileOnce().then((o) => {
        if (this.#started) this.#schedule(this.#delayAfter(o));
      });
    });
  }

  #delayAfter(o: ReconcileOutcome): number {
    if (o.result === "failed") {
      const initial = this.#d.backoffInitialMs ?? 1_000;
      const max = this.#d.backoffMaxMs ?? 60_000;
      return Math.min(max, initial * 2 ** (this.#failures - 1));
    }
    if (o.result === "attached" || o.result === "detached") return 0;
    return this.#d.intervalMs ?? DEFAULT_POOL_INTERVAL_MS;
  }
}
