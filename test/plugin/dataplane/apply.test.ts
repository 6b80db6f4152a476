// applyHostSteps: exactly the completed steps are reported, so undo removes only what was made.
import { describe, expect, it } from "vitest";
import type { IfName, Ipv4, TableId } from "../../../common/boundary/index.js";
import { applyHostSteps, isAlreadyGone } from "../../../plugin/dataplane/apply.js";
import { batchOpRunner } from "../../../plugin/dataplane/batch.js";
import type { Op } from "../../../plugin/dataplane/ops.js";
import type { PlanStep } from "../../../plugin/dataplane/plan.js";
import { fakeRunner } from "./fake-runner.js";

const a = "a" as IfName;
const rule = (verb: "add" | "del", ip: string): Op => ({ kind: "rule", verb, match: { to: ip as Ipv4 }, table: 254 as TableId, prio: 512 });
const steps: PlanStep[] = [
  { op: { kind: "sublink", name: a, parent: "lo" as IfName, mac: undefined, link: "macvlan" }, undo: { kind: "link-del", name: a } },
  { op: { kind: "link-up", name: a } },
  { op: rule("add", "10.0.0.1"), undo: rule("del", "10.0.0.1"), existsOk: true },
  { op: rule("add", "10.0.0.2"), undo: rule("del", "10.0.0.2"), existsOk: true },
];
const ADD_A = "link add link lo name a type macvlan mode bridge";
const signal = new AbortController().signal;
const ops = (f: ReturnType<typeof fakeRunner>) => batchOpRunner(f.run);

describe("applyHostSteps", () => {
  it("runs everything in one batch when nothing fails", async () => {
    const f = fakeRunner();
    const out = await applyHostSteps(steps, ops(f), signal);
    expect(out).toEqual({ done: steps });
    expect(f.batches).toHaveLength(1);
  });

  it("stops at a failure and lists only the steps before it", async () => {
    const f = fakeRunner((l) => (l === "link set a up" ? "RTNETLINK answers: Operation not permitted" : undefined));
    const out = await applyHostSteps(steps, ops(f), signal);
    expect(out.done).toEqual([steps[0]]);
    expect(out.failure).toEqual({ line: "link set a up", message: "RTNETLINK answers: Operation not permitted" });
  });

  it("a rule that already exists is skipped (not ours) and the batch resumes after it", async () => {
    const f = fakeRunner((l) => (l === "rule add to 10.0.0.1/32 lookup main prio 512" ? "RTNETLINK answers: File exists" : undefined));
    const out = await applyHostSteps(steps, ops(f), signal);
    expect(out.failure).toBeUndefined();
    expect(out.done).toEqual([steps[0], steps[1], steps[3]]);
    expect(f.batches.map((b) => b.lines)).toEqual([[ADD_A, "link set a up", "rule add to 10.0.0.1/32 lookup main prio 512", "rule add to 10.0.0.2/32 lookup main prio 512"], ["rule add to 10.0.0.2/32 lookup main prio 512"]]);
  });

  it("'File exists' on a link is a failure (the interface must not exist: CNI 1.0)", async () => {
    const f = fakeRunner((l) => (l === ADD_A ? "RTNETLINK answers: File exists" : undefined));
    const out = await applyHostSteps(steps, ops(f), signal);
    expect(out.done).toEqual([]);
    expect(out.failure?.line).toBe(ADD_A);
  });

  it("a batch that never ran (no line number) did nothing", async () => {
    const run = async () => ({ exitCode: 1, stdout: "", failures: [{ line: 0, message: "cannot start" }] });
    const out = await applyHostSteps(steps, run, signal);
    expect(out).toEqual({ done: [], failure: { line: ADD_A, message: "cannot start" } });
  });
});

describe("isAlreadyGone", () => {
  it.each([
    ['Cannot find device "eni1"', true],
    ["RTNETLINK answers: No such file or directory", true],
    ["RTNETLINK answers: Operation not permitted", false],
  ])("%s -> %s", (msg, gone) => expect(isAlreadyGone(msg)).toBe(gone));
});
