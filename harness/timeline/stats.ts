// Pure aggregate figures over many pods: cumulative running count, in-flight provisioning, failed
// attempts per time bucket and the time-to-running distribution, for the 1000-pod picture.

import type { PodTimeline } from "./types.js";

export interface StepPoint {
  t: number;
  value: number;
}

/** A step function from +1/-1 changes (sorted by time; ties: -1 first so a handover is not a peak). */
export function stepSeries(changes: readonly { t: number; d: number }[]): StepPoint[] {
  const sorted = [...changes].sort((a, b) => a.t - b.t || a.d - b.d);
  const out: StepPoint[] = [];
  let v = 0;
  for (const c of sorted) {
    v += c.d;
    const last = out[out.length - 1];
    if (last !== undefined && last.t === c.t) last.value = v;
    else out.push({ t: c.t, value: v });
  }
  return out;
}

export function runningSeries(pods: readonly PodTimeline[], runStart: number): StepPoint[] {
  return stepSeries(pods.flatMap((p) => (p.runningAt === undefined ? [] : [{ t: p.runningAt - runStart, d: 1 }])));
}

export function provisioningSeries(pods: readonly PodTimeline[], runStart: number, runEnd: number): StepPoint[] {
  return stepSeries(
    pods.flatMap((p) =>
      p.provisioning === undefined
        ? []
        : [{ t: p.provisioning.start - runStart, d: 1 }, { t: (p.provisioning.end ?? runEnd) - runStart, d: -1 }],
    ),
  );
}

export interface FailureBucket {
  start: number;
  transient: number;
  real: number;
}

export function failureBuckets(pods: readonly PodTimeline[], runStart: number, spanMs: number, n: number): FailureBucket[] {
  const width = Math.max(spanMs, 1) / n;
  const buckets: FailureBucket[] = Array.from({ length: n }, (_, i) => ({ start: i * width, transient: 0, real: 0 }));
  for (const p of pods) {
    for (const a of p.attempts) {
      if (a.outcome !== "failed") continue;
      const b = buckets[Math.min(n - 1, Math.max(0, Math.floor(((a.end ?? a.start) - runStart) / width)))] as FailureBucket;
      if (a.classification === "transient-expected") b.transient++;
      else b.real++;
    }
  }
  return buckets;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function timesToRunning(pods: readonly PodTimeline[]): number[] {
  return pods.flatMap((p) => (p.runningAt === undefined ? [] : [p.runningAt - p.createdAt])).sort((a, b) => a - b);
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export function distribution(sorted: readonly number[]): Distribution {
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Counts per bucket of width `width` starting at 0. */
export function histogram(sorted: readonly number[], width: number, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const v of sorted) counts[Math.min(n - 1, Math.floor(v / width))]! += 1;
  return counts;
}
