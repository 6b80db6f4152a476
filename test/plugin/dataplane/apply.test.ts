// applyHostSteps: exactly the completed steps are reported, so undo removes only what was made.
import { describe, expect, it } from "vitest";
import { applyHostSteps, isAlreadyGone } from "../../../plugin/dataplane/apply.js";
import type { PlanStep } from "../../../plugin/dataplane/plan.js";
import { fakeRunner } from "./fake-runner.js";

const steps: PlanStep[] = [
  { line: "link add a", undo: "link del a" },
  { line: "link set a up" },
  { line: "rule add r1", undo: "rule del r1", existsOk: true },
  { line: "rule add r2", undo: "rule del r2", existsOk: true },
];
const signal = new AbortController().signal;

describe("applyHostSteps", () => {
  it("runs everything in one batch when nothing fails", async () => {
    const f = fakeRunner();
    const out = await applyHostSteps(steps, f.run, signal);
    expect(out).toEqual({ done: steps });
    expect(f.batches).toHaveLength(1);
  });

  it("stops at a failure and lists only the steps before it", async () => {
    const f = fakeRunner((l) => (l === "link set a up" ? "RTNETLINK answers: Operation not permitted" : undefined));
    const out = await applyHostSteps(steps, f.run, signal);
    expect(out.done).toEqual([steps[0]]);
    expect(out.failure).toEqual({ line: "link set a up", message: "RTNETLINK answers: Operation not permitted" });
  });

  it("a rule that already exists is skipped (not ours) and the batch resumes after it", async () => {
    const f = fakeRunner((l) => (l === "rule add r1" ? "RTNETLINK answers: File exists" : undefined));
    const out = await applyHostSteps(steps, f.run, signal);
    expect(out.failure).toBeUndefined();
    expect(out.done).toEqual([steps[0], steps[1], steps[3]]);
    expect(f.batches.map((b) => b.lines)).toEqual([steps.map((s) => s.line), ["rule add r2"]]);
  });

  it("'File exists' on a link is a failure (the interface must not exist: CNI 1.0)", async () => {
    const f = fakeRunner((l) => (l === "link add a" ? "RTNETLINK answers: File exists" : undefined));
    const out = await applyHostSteps(steps, f.run, signal);
    expect(out.done).toEqual([]);
    expect(out.failure?.line).toBe("link add a");
  });

  it("a batch that never ran (no line number) did nothing", async () => {
    const run = async () => ({ exitCode: 1, stdout: "", failures: [{ line: 0, message: "cannot start" }] });
    const out = await applyHostSteps(steps, run, signal);
    expect(out).toEqual({ done: [], failure: { line: "link add a", message: "cannot start" } });
  });
});

describe("isAlreadyGone", () => {
  it.each([
    ['Cannot find device "eni1"', true],
    ["RTNETLINK answers: No such file or directory", true],
    ["RTNETLINK answers: Operation not permitted", false],
  ])("%s -> %s", (msg, gone) => expect(isAlreadyGone(msg)).toBe(gone));
});
