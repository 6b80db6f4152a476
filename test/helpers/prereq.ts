// Suites that need something of the machine (root, containerd, Go, a browser, kubectl) declare it
// here. Without it they skip and say why, except under CI (env CI set), where a missing
// prerequisite fails the run: CI is root on a clean clone and must run every test.
import { describe, it } from "vitest";

/** What is missing ("" or undefined when everything is there). */
export type Missing = string | undefined;

/** Joins the reasons of several checks: each is "" / undefined when met. */
export function missingOf(...checks: (Missing | false)[]): Missing {
  const reasons = checks.filter((c): c is string => typeof c === "string" && c !== "");
  return reasons.length === 0 ? undefined : reasons.join("; ");
}

export const isRoot = (): boolean => process.getuid?.() === 0;
export const needRoot = (): Missing => (isRoot() ? undefined : "root (network namespaces, links, containerd)");
export const underCi = (): boolean => (process.env.CI ?? "") !== "" && process.env.CI !== "false";

type Body = () => void;

type SuiteOptions = { timeout?: number };

/**
 * describe() when nothing is missing; else a skip naming what is missing, or a failure under CI.
 * Options go after the body, or (as vitest's describe takes them) between the name and the body.
 */
export function describeIf(missing: Missing, name: string, body: Body, options?: SuiteOptions): void;
export function describeIf(missing: Missing, name: string, options: SuiteOptions, body: Body): void;
export function describeIf(missing: Missing, name: string, a: Body | SuiteOptions, b?: Body | SuiteOptions): void {
  const body = (typeof a === "function" ? a : b) as Body;
  const options = (typeof a === "function" ? b : a) as SuiteOptions | undefined;
  if (missing === undefined || missing === "") {
    if (options === undefined) describe(name, body);
    else describe(name, options, body);
    return;
  }
  if (underCi()) {
    describe(name, () => {
      it("has its prerequisites", () => {
        throw new Error(`missing under CI: ${missing} (CI must run every test; install it in scripts/ensure-deps.sh)`);
      });
    });
    return;
  }
  describe.skip(`${name} [skipped: needs ${missing}]`, body);
}

/** The same for one test. */
export function itIf(missing: Missing, name: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (missing === undefined || missing === "") {
    it(name, fn, timeout);
    return;
  }
  if (underCi()) {
    it(name, () => {
      throw new Error(`missing under CI: ${missing}`);
    });
    return;
  }
  it.skip(`${name} [skipped: needs ${missing}]`, fn);
}

/** Inside a running test, for a prerequisite only the test itself can probe: skip, or fail under CI. */
export function skipUnlessCi(ctx: { skip: (note?: string) => void }, missing: string): void {
  if (underCi()) throw new Error(`missing under CI: ${missing}`);
  ctx.skip(missing);
}
