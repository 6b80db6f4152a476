// The account-wide token bucket as an observer checks it (docs/REFERENCE.md §9: 12 QPS, burst 18):
// from the times the fake EC2 admitted calls (its call log's `at`, tokened), whether any window
// saw more than the bucket allows, the bucket's level at a moment, and the earliest time the model
// admits the k-th call after it. Pure; used by the cluster tests and benchmarks.

export interface WindowCheck {
  /** Most calls above what the bucket allows, over every window [t_i, t_j]; <= 0 when the limit held. */
  readonly excess: number;
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** Admitted calls in any window [a, b] may be at most burst + qps × (b − a). */
export function worstWindow(times: readonly number[], qps: number, burst: number): WindowCheck {
  const t = [...times].sort((a, b) => a - b);
  let worst: WindowCheck = { excess: -burst, from: t[0] ?? 0, to: t[0] ?? 0, count: 0 };
  for (let i = 0; i < t.length; i++) {
    for (let j = i; j < t.length; j++) {
      const count = j - i + 1;
      const excess = count - (burst + (qps * ((t[j] as number) - (t[i] as number))) / 1000);
      if (excess > worst.excess) worst = { excess, from: t[i] as number, to: t[j] as number, count };
    }
  }
  return worst;
}

/** Tokens in a bucket that was full before the first call, right before `at` (calls at or after it not counted). */
export function levelAt(times: readonly number[], qps: number, burst: number, at: number): number {
  let level = burst;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t >= at) break;
    level = Math.min(burst, level + (Number.isFinite(last) ? (qps * (t - last)) / 1000 : burst)) - 1;
    last = t;
  }
  return Number.isFinite(last) ? Math.min(burst, level + (qps * (at - last)) / 1000) : burst;
}

/** With `level` tokens at t0, the earliest time (ms after t0) the k-th call (k >= 1) can be admitted. */
export function earliestAdmissionMs(k: number, level: number, qps: number): number {
  return Math.max(0, ((k - level) * 1000) / qps);
}
