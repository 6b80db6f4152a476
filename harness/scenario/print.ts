// Human-readable result of a scenario run: summary figures, expectation differences, notes.

import { formatDuration } from "../../common/duration.js";
import type { RunProgress, RunResult } from "./result.js";

const d = (ms: number | undefined): string => (ms === undefined ? "-" : formatDuration(ms));

export function progressText(p: RunProgress, mode: "real" | "simulated"): string {
  const clock = mode === "simulated" ? "simulated" : "elapsed";
  return `${clock} +${d(p.at)}: ${p.created}/${p.planned} pods created, ${p.running} running, ${p.failures} failed sandboxes`;
}

function sinceFirst(s: RunResult["summary"]): string {
  if (s.lastRunningAt === undefined || s.firstCreatedAt === undefined || s.firstCreatedAt === 0) return "";
  return `, ${d(s.lastRunningAt - s.firstCreatedAt)} after the first pod was created`;
}

export function formatResult(r: RunResult): string {
  const s = r.summary;
  const lines = [
    `scenario ${r.scenario} (${r.mode === "simulated" ? "simulated time" : "real time"})`,
    ...r.notes.map((n) => `  note: ${n}`),
    `  pods running: ${s.running}/${s.pods}; last running at +${d(s.lastRunningAt)}${sinceFirst(s)} (run length ${d(s.durationMs)})`,
    `  time to running: p50 ${d(s.timeToRunning.p50)}, p90 ${d(s.timeToRunning.p90)}, p99 ${d(s.timeToRunning.p99)}, max ${d(s.timeToRunning.max)}`,
    `  failed sandboxes: ${s.transientFailures} transient-expected (branch ENI not ready yet), ${s.realFailures} real`,
    `  events: ${Object.entries(s.events).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`,
  ];
  if (r.ec2Calls > 0) lines.push(`  EC2 calls: ${r.ec2Calls}`);
  lines.push(`  wall time: ${d(r.wallMs)}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  if (r.interrupted === true) lines.push("expectations: not checked: the run was interrupted (Ctrl-C or SIGTERM)");
  else if (r.differences.length === 0) lines.push("expectations: all met");
  else lines.push(`expectations: ${r.differences.length} difference${r.differences.length === 1 ? "" : "s"}`, ...r.differences.map((x) => `  - ${x}`));
  return lines.join("\n");
}

/** The result as one JSON object (timeline left out: it is what --timeline writes). */
export function jsonResult(r: RunResult): Record<string, unknown> {
  return {
    kind: "result",
    scenario: r.scenario,
    mode: r.mode,
    passed: r.interrupted !== true && r.differences.length === 0,
    interrupted: r.interrupted === true,
    summary: r.summary,
    differences: r.differences,
    notes: r.notes,
    problems: r.problems,
    settled: r.settled,
    wallMs: Math.round(r.wallMs),
    ec2Calls: r.ec2Calls,
  };
}
