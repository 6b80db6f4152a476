// `demo --compare`: the same demo twice, ipamd failing the first ADD (the real behaviour) and ipamd
// waiting for the branch ENI, then a table of pod start times and warnings side by side.

import type { PodSummary, RunSummary, Sink } from "../output/index.js";
import type { DemoOptions } from "./options.js";
import type { DemoIo, DemoResult } from "./run.js";

export interface ModeFigures {
  mode: string;
  ok: boolean;
  /** SGP pods: time to running (ms), mean and max. */
  meanMs: number | undefined;
  maxMs: number | undefined;
  sandboxAttempts: number;
  failedSandboxes: number;
  warnings: number;
}

export function figures(mode: string, s: RunSummary | undefined): ModeFigures {
  const sgp: PodSummary[] = (s?.pods ?? []).filter((p) => p.branch);
  const times = sgp.map((p) => p.timeToRunningMs).filter((t): t is number => t !== undefined);
  return {
    mode,
    ok: s?.ok ?? false,
    meanMs: times.length === 0 ? undefined : times.reduce((a, b) => a + b, 0) / times.length,
    maxMs: times.length === 0 ? undefined : Math.max(...times),
    sandboxAttempts: sgp.reduce((n, p) => n + p.attempts, 0),
    failedSandboxes: sgp.reduce((n, p) => n + p.transientExpected + p.real, 0),
    warnings: s?.warnings ?? 0,
  };
}

const sec = (ms: number | undefined): string => (ms === undefined ? "-" : `${(ms / 1000).toFixed(3)}s`);

export function formatComparison(rows: readonly ModeFigures[]): string {
  const head = ["mode", "SGP pod start (mean)", "(max)", "sandbox attempts", "FailedCreatePodSandBox", "warnings", "as expected"];
  const body = rows.map((r) => [r.mode, sec(r.meanMs), sec(r.maxMs), String(r.sandboxAttempts), String(r.failedSandboxes), String(r.warnings), r.ok ? "yes" : "NO"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  return ["", "Comparison (SGP pods):", line(head), ...body.map(line)].join("\n");
}

/** Runs both modes one after the other; exit 0 only when both went as expected. */
export async function runComparison(o: DemoOptions, io: DemoIo, run: (o: DemoOptions, io: DemoIo) => Promise<DemoResult>): Promise<number> {
  const waitMs = o.waitForBranchEniMs > 0 ? o.waitForBranchEniMs : Math.max(30_000, o.provisioningDelayMs * 3);
  const modes: [string, DemoOptions][] = [
    ["fail first ADD (real ipamd)", { ...o, waitForBranchEniMs: 0, timelineFile: undefined }],
    [`ipamd waits up to ${waitMs / 1000}s`, { ...o, waitForBranchEniMs: waitMs, timelineFile: undefined }],
  ];
  const rows: ModeFigures[] = [];
  for (const [mode, opts] of modes) {
    if (io.signal.aborted) break;
    if (!o.json) io.stdout.write(`\n=== ${mode} ===\n`);
    const r = await run(opts, io);
    rows.push(figures(mode, r.summary));
    if (r.code === 130) return 130;
  }
  writeComparison(io.stdout, rows, o.json);
  return rows.length === modes.length && rows.every((r) => r.ok) ? 0 : 1;
}

function writeComparison(out: Sink, rows: readonly ModeFigures[], json: boolean): void {
  out.write(json ? `${JSON.stringify({ kind: "comparison", modes: rows })}\n` : `${formatComparison(rows)}\n`);
}
