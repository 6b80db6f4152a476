// Figures of a finished run, computed from its timeline: pods running, when the last one ran,
// failures by classification, event totals by reason, the time-to-running distribution.

import { distribution, timesToRunning } from "../timeline/stats.js";
import type { Distribution } from "../timeline/stats.js";
import type { TimelineData } from "../timeline/types.js";

export interface RunSummary {
  pods: number;
  running: number;
  /** Run-relative time the last pod ran (undefined when none ran). */
  lastRunningAt: number | undefined;
  /** Run-relative time the first pod was created (undefined without pods). */
  firstCreatedAt: number | undefined;
  /** Failed sandbox attempts, by classification. */
  transientFailures: number;
  realFailures: number;
  /** Total count per event reason (aggregated events counted with their count). */
  events: Record<string, number>;
  timeToRunning: Distribution;
  /** Run length (run-relative end). */
  durationMs: number;
}

export function summarize(t: TimelineData): RunSummary {
  let transient = 0;
  let real = 0;
  let last: number | undefined;
  const events: Record<string, number> = {};
  for (const p of t.pods) {
    for (const a of p.attempts) {
      if (a.outcome !== "failed") continue;
      if (a.classification === "transient-expected") transient++;
      else real++;
    }
    if (p.runningAt !== undefined) last = Math.max(last ?? 0, p.runningAt - t.runStart);
    for (const e of p.events) events[e.reason] = (events[e.reason] ?? 0) + e.count;
  }
  for (const e of t.clusterEvents) events[e.reason] = (events[e.reason] ?? 0) + e.count;
  return {
    pods: t.pods.length,
    running: t.pods.filter((p) => p.runningAt !== undefined && p.runningAt >= 0).length,
    lastRunningAt: last,
    firstCreatedAt: t.pods.length === 0 ? undefined : Math.min(...t.pods.map((p) => p.createdAt - t.runStart)),
    transientFailures: transient,
    realFailures: real,
    events,
    timeToRunning: distribution(timesToRunning(t.pods)),
    durationMs: t.runEnd - t.runStart,
  };
}
