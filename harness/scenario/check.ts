// Checks a run against the scenario's expectations; returns one line per difference, naming the
// expectation ("expect.pods[0] default/sgp-1: ...") and what happened instead. Pure.

import type { ClusterEvent } from "../../cluster/k8s/index.js";
import { formatDuration } from "../../common/duration.js";
import type { PodTimeline, TimelineData } from "../timeline/types.js";
import type { CountExpectation, PodExpectation, ScenarioExpect } from "./schema.js";
import type { RunSummary } from "./summary.js";

export function countOk(actual: number, want: CountExpectation): boolean {
  if (typeof want === "number") return actual === want;
  return (want.min === undefined || actual >= want.min) && (want.max === undefined || actual <= want.max);
}

export function describeCount(want: CountExpectation): string {
  if (typeof want === "number") return `exactly ${want}`;
  if (want.min !== undefined && want.max !== undefined) return `${want.min}..${want.max}`;
  if (want.min !== undefined) return `at least ${want.min}`;
  return want.max === undefined ? "any number" : `at most ${want.max}`;
}

/** "sgp-*" style globs: only '*' and '?' are special. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

const ms = (v: number): string => formatDuration(v);

function eventCount(events: readonly ClusterEvent[], reason: string): number {
  return events.filter((e) => e.reason === reason).reduce((n, e) => n + e.count, 0);
}

function checkPod(p: PodTimeline, want: PodExpectation, where: string, runStart: number): string[] {
  const out: string[] = [];
  const id = `${where} ${p.namespace}/${p.name}`;
  const running = p.runningAt !== undefined;
  if (want.running !== undefined && running !== want.running) out.push(`${id}: expected ${want.running ? "running" : "not running"}, was ${running ? "running" : "not running"}`);
  if (want.runningBy !== undefined && (p.runningAt === undefined || p.runningAt - runStart > want.runningBy)) {
    out.push(`${id}: expected running by +${ms(want.runningBy)}, ${p.runningAt === undefined ? "never ran" : `ran at +${ms(p.runningAt - runStart)}`}`);
  }
  for (const [reason, count] of Object.entries(want.events)) {
    const n = eventCount(p.events, reason);
    if (!countOk(n, count)) out.push(`${id}: expected ${describeCount(count)} ${reason} events, got ${n}`);
  }
  if (want.failures !== undefined) {
    const wrong = p.attempts.filter((a) => a.outcome === "failed" && a.classification !== want.failures);
    if (wrong.length > 0) out.push(`${id}: expected every failure ${want.failures}, ${wrong.length} were ${wrong[0]?.classification || "unclassified"}: ${wrong[0]?.message ?? ""}`);
  }
  return out;
}

function checkPods(t: TimelineData, wants: readonly PodExpectation[]): string[] {
  return wants.flatMap((want, i) => {
    const where = `expect.pods[${i}]`;
    const re = globToRegExp(want.pods);
    const matched = t.pods.filter((p) => p.namespace === want.namespace && re.test(p.name));
    const out: string[] = [];
    const matching = want.matching ?? { min: 1 };
    if (!countOk(matched.length, matching)) out.push(`${where}: expected ${describeCount(matching)} pods matching ${want.namespace}/${want.pods}, found ${matched.length}`);
    for (const p of matched) out.push(...checkPod(p, want, where, t.runStart));
    // A thousand identical differences help nobody: keep the first few and count the rest.
    return out.length > 5 ? [...out.slice(0, 5), `${where}: ... and ${out.length - 5} more differences`] : out;
  });
}

function checkRun(s: RunSummary, e: ScenarioExpect): string[] {
  const out: string[] = [];
  const last = s.lastRunningAt;
  if (e.allRunning === true && s.running !== s.pods) out.push(`expect.allRunning: ${s.running} of ${s.pods} pods running`);
  if (e.allRunningBy !== undefined && (s.running !== s.pods || last === undefined || last > e.allRunningBy)) {
    out.push(`expect.allRunningBy: expected all ${s.pods} pods running by +${ms(e.allRunningBy)}; ${s.running} running${last === undefined ? "" : `, last at +${ms(last)}`}`);
  }
  if (e.lastRunningBefore !== undefined && (last === undefined || last >= e.lastRunningBefore)) {
    out.push(`expect.lastRunningBefore: last pod ran at ${last === undefined ? "(none ran)" : `+${ms(last)}`}, expected before +${ms(e.lastRunningBefore)}`);
  }
  if (e.lastRunningAfter !== undefined && (last === undefined || last <= e.lastRunningAfter)) {
    out.push(`expect.lastRunningAfter: last pod ran at ${last === undefined ? "(none ran)" : `+${ms(last)}`}, expected after +${ms(e.lastRunningAfter)}`);
  }
  if (e.realFailures !== undefined && !countOk(s.realFailures, e.realFailures)) out.push(`expect.realFailures: expected ${describeCount(e.realFailures)}, got ${s.realFailures}`);
  if (e.transientFailures !== undefined && !countOk(s.transientFailures, e.transientFailures)) {
    out.push(`expect.transientFailures: expected ${describeCount(e.transientFailures)}, got ${s.transientFailures}`);
  }
  for (const [reason, count] of Object.entries(e.events)) {
    const n = s.events[reason] ?? 0;
    if (!countOk(n, count)) out.push(`expect.events.${reason}: expected ${describeCount(count)}, got ${n}`);
  }
  return out;
}

export function checkExpectations(t: TimelineData, s: RunSummary, e: ScenarioExpect): string[] {
  return [...checkRun(s, e), ...checkPods(t, e.pods)];
}
