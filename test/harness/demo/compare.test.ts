// `demo --compare`: both modes run with the right options, figures and the table, exit status.

import { describe, expect, it } from "vitest";
import { figures, formatComparison, parseDemoOptions, runComparison } from "../../../harness/demo/index.js";
import type { DemoOptions } from "../../../harness/demo/index.js";
import type { RunSummary } from "../../../harness/output/index.js";

const summary = (ok: boolean, ttr: number[], failures: number): RunSummary => ({
  ok, ended: "completed", verdict: ok ? "the sequence happened as expected" : "UNEXPECTED", durationMs: 1, problems: [], warnings: failures * 2,
  pods: [
    ...ttr.map((t, i) => ({ pod: `sgp/p${i}`, branch: true, timeToRunningMs: t, attempts: 1 + failures, warnings: failures * 2, transientExpected: failures, real: 0 })),
    { pod: "default/plain", branch: false, timeToRunningMs: 100, attempts: 1, warnings: 0, transientExpected: 0, real: 0 },
  ],
});

function io() {
  let text = "";
  return { out: () => text, io: { stdout: { write: (s: string) => (text += s) }, stderr: { write: () => true }, signal: new AbortController().signal } };
}

describe("demo --compare", () => {
  it("runs without, then with the branch wait, and tabulates SGP pod start and warnings", async () => {
    const seen: DemoOptions[] = [];
    const t = io();
    const o = parseDemoOptions({ compare: true, provisioningDelay: "5s", timeline: "x.svg" });
    const code = await runComparison(o, t.io, async (opts) => {
      seen.push(opts);
      return opts.waitForBranchEniMs === 0 ? { code: 0, summary: summary(true, [6_000, 7_000], 1) } : { code: 0, summary: summary(true, [5_200, 5_400], 0) };
    });
    expect(code).toBe(0);
    expect(seen.map((s) => [s.waitForBranchEniMs, s.timelineFile])).toEqual([[0, undefined], [30_000, undefined]]);
    expect(t.out()).toContain("=== fail first ADD (real ipamd) ===");
    expect(t.out()).toMatch(/fail first ADD \(real ipamd\) +6\.500s +7\.000s +4 +2 +2 +yes/);
    expect(t.out()).toMatch(/ipamd waits up to 30s +5\.300s +5\.400s +2 +0 +0 +yes/);
  });

  it("exits 1 when a mode did not go as expected, and keeps an explicit wait", async () => {
    const seen: number[] = [];
    const o = parseDemoOptions({ compare: true, waitForBranchEni: "12s" });
    const code = await runComparison(o, io().io, async (opts) => {
      seen.push(opts.waitForBranchEniMs);
      return { code: opts.waitForBranchEniMs === 0 ? 0 : 1, summary: summary(opts.waitForBranchEniMs === 0, [1_000], 0) };
    });
    expect(seen).toEqual([0, 12_000]);
    expect(code).toBe(1);
  });

  it("figures of a failed run are empty, not invented", () => {
    expect(figures("m", undefined)).toEqual({ mode: "m", ok: false, meanMs: undefined, maxMs: undefined, sandboxAttempts: 0, failedSandboxes: 0, warnings: 0 });
    expect(formatComparison([figures("m", undefined)])).toMatch(/m +- +- +0 +0 +0 +NO/);
  });
});
