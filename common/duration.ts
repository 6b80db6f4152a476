// Parses Go-style durations ("1.5s", "250ms", "2m", "1h30m") into milliseconds, as kubelet and
// ipamd flags spell them.

import { HarnessError } from "./errors.js";

/** The longest a timer can wait (clock.ts, which imports nothing): what a parsed deadline is clamped to. */
export { MAX_TIMER_MS } from "./clock.js";

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

export function parseDuration(text: string, what = "duration"): number {
  const s = text.trim();
  if (s === "0") return 0;
  if (s === "") throw new HarnessError("invalid-config", `${what}: empty duration`);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (m === null || m.index !== start) {
      throw new HarnessError("invalid-config", `${what}: "${text}" is not a duration (examples: 1.5s, 250ms, 2m)`);
    }
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${s}s`;
}
