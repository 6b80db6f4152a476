// The time axis: maps run-relative milliseconds to x pixels and picks "nice" tick steps
// (1, 2, 5 x 10^k ms) so the axis reads well from a 2-second demo to a 10-minute scale run.

import { formatDuration } from "../../common/duration.js";

export interface TimeScale {
  /** Run-relative ms -> x pixel. */
  x(ms: number): number;
  /** Span in ms covered by the axis (>= 1). */
  spanMs: number;
  x0: number;
  x1: number;
  ticks: readonly Tick[];
}

export interface Tick {
  ms: number;
  x: number;
  label: string;
}

/** Steps a reader expects on a clock: 1-2-5 below a minute, then 1, 2, 5, 10, 15, 30 min, hours. */
const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
];

/** The smallest nice step giving at most maxTicks intervals over spanMs. */
export function niceStep(spanMs: number, maxTicks: number): number {
  const raw = Math.max(spanMs, 1) / Math.max(maxTicks, 1);
  for (const step of STEPS_MS) {
    if (step >= raw) return step;
  }
  return Math.ceil(raw / 3_600_000) * 3_600_000;
}

/** Short axis labels: 0, 500ms, 1.5s, 2m, 2m30s. */
export function tickLabel(ms: number): string {
  if (ms === 0) return "0";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return formatDuration(ms);
}

export function makeScale(spanMs: number, x0: number, x1: number, maxTicks = 10): TimeScale {
  const span = Math.max(spanMs, 1);
  const step = niceStep(span, maxTicks);
  // Round the span up to a whole step so the last tick sits on the axis end.
  const axisSpan = Math.ceil(span / step) * step;
  const x = (ms: number): number => x0 + (Math.min(Math.max(ms, 0), axisSpan) / axisSpan) * (x1 - x0);
  const ticks: Tick[] = [];
  for (let ms = 0; ms <= axisSpan + step / 2; ms += step) {
    ticks.push({ ms, x: x(ms), label: tickLabel(ms) });
  }
  return { x, spanMs: axisSpan, x0, x1, ticks };
}
