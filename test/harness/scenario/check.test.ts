// Expectation checking: counts, globs, run-level and per-pod expectations, and what the
// difference lines say.

import { describe, expect, it } from "vitest";
import { checkExpectations, countOk, describeCount, globToRegExp } from "../../../harness/scenario/check.js";
import { expectSchema } from "../../../harness/scenario/schema.js";
import { summarize } from "../../../harness/scenario/summary.js";
import { basicTimeline, crowdTimeline } from "../timeline/fixtures.js";

const expectation = (raw: unknown) => expectSchema.parse(raw);

describe("counts and globs", () => {
  it("matches exact counts and ranges", () => {
    expect(countOk(1, 1)).toBe(true);
    expect(countOk(2, 1)).toBe(false);
    expect(countOk(5, { min: 1 })).toBe(true);
    expect(countOk(0, { min: 1 })).toBe(false);
    expect(countOk(3, { min: 1, max: 2 })).toBe(false);
    expect(describeCount({ min: 1, max: 2 })).toBe("1..2");
    expect(describeCount({ max: 0 })).toBe("at most 0");
  });

  it("treats only * and ? as special in globs", () => {
    expect(globToRegExp("sgp-*").test("sgp-12")).toBe(true);
    expect(globToRegExp("sgp-?").test("sgp-12")).toBe(false);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
  });
});

describe("summarize", () => {
  it("counts failures by classification, events by reason and the last running time", () => {
    const s = summarize(basicTimeline());
    expect(s).toMatchObject({ pods: 2, running: 2, lastRunningAt: 3200, transientFailures: 1, realFailures: 0 });
    expect(s.events).toEqual({ Scheduled: 2, FailedCreatePodSandBox: 1, ResourceAllocated: 1, Started: 2 });
    expect(s.timeToRunning.max).toBe(2200);
  });
});

describe("checkExpectations", () => {
  const t = basicTimeline();
  const s = summarize(t);

  it("passes when every expectation holds", () => {
    const e = expectation({
      allRunning: true, allRunningBy: "5s", lastRunningAfter: "3s", lastRunningBefore: "4s", realFailures: 0, transientFailures: { min: 1 },
      events: { FailedCreatePodSandBox: 1 },
      pods: [
        { pods: "sgp-pod", running: true, runningBy: "3.5s", failures: "transient-expected", events: { FailedCreatePodSandBox: 1, Started: 1 } },
        { pods: "*-pod", matching: 2, running: true },
      ],
    });
    expect(checkExpectations(t, s, e)).toEqual([]);
  });

  it("names each expectation that differs and what happened", () => {
    const e = expectation({
      allRunningBy: "3s", lastRunningBefore: "2s", realFailures: { min: 1 },
      events: { BranchAllocationFailed: { min: 1 } },
      pods: [
        { pods: "sgp-pod", failures: "real", events: { FailedCreatePodSandBox: 0 } },
        { pods: "nothing-*" },
      ],
    });
    const diffs = checkExpectations(t, s, e);
    expect(diffs).toEqual([
      "expect.allRunningBy: expected all 2 pods running by +3.00s; 2 running, last at +3.20s",
      "expect.lastRunningBefore: last pod ran at +3.20s, expected before +2.00s",
      "expect.realFailures: expected at least 1, got 0",
      "expect.events.BranchAllocationFailed: expected at least 1, got 0",
      "expect.pods[0] default/sgp-pod: expected exactly 0 FailedCreatePodSandBox events, got 1",
      "expect.pods[0] default/sgp-pod: expected every failure real, 1 were transient-expected: failed to setup network",
      "expect.pods[1]: expected at least 1 pods matching default/nothing-*, found 0",
    ]);
  });

  it("caps the differences of one pod expectation over many pods", () => {
    const crowd = crowdTimeline(100);
    const diffs = checkExpectations(crowd, summarize(crowd), expectation({ pods: [{ pods: "sgp-*", namespace: "scale", runningBy: "1s" }] }));
    expect(diffs).toHaveLength(6);
    // Pod 0 runs after exactly 1 s (in time); the other 99 are late: 5 shown, 94 counted.
    expect(diffs[5]).toBe("expect.pods[0]: ... and 94 more differences");
  });
});
