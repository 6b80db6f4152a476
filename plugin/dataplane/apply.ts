// Runs a host plan batch by batch and tells exactly which steps were done, so a failed setup
// undoes only what it made (the success flag + deferred release of containernetworking's bridge.go).
import type { OpRunner } from "./batch.js";
import { render } from "./ops.js";
import type { PlanStep } from "./plan.js";

export interface ApplyOutcome {
  /** Steps this run completed (steps that found their rule already there are not listed). */
  done: PlanStep[];
  /** The step that failed (as an `ip` line) and the kernel's message; absent on success. */
  failure?: { line: string; message: string };
}

const EXISTS_RE = /File exists/i;

/**
 * Without -force iproute2 stops at the first failing line and reports its number, so every line
 * before it is done. A `rule add` that finds its rule already there (existsOk) is skipped and the
 * batch resumes after it; the rule is not ours to undo.
 */
export async function applyHostSteps(
  steps: readonly PlanStep[],
  run: OpRunner,
  signal: AbortSignal,
): Promise<ApplyOutcome> {
  const done: PlanStep[] = [];
  let rest = steps;
  while (rest.length > 0) {
    const r = await run(
      rest.map((s) => s.op),
      {},
      signal,
    );
    if (r.exitCode === 0) return { done: [...done, ...rest] };
    const f = r.failures.find((x) => x.line > 0);
    // No line number: iproute2 never ran a line (it could not start); nothing was done.
    if (f === undefined || f.line > rest.length) {
      const message = r.failures.map((x) => x.message).join("; ") || `exit code ${r.exitCode}`;
      return { done, failure: { line: rest[0] === undefined ? "" : render(rest[0].op), message } };
    }
    const failed = rest[f.line - 1] as PlanStep;
    done.push(...rest.slice(0, f.line - 1));
    if (!(failed.existsOk === true && EXISTS_RE.test(f.message))) {
      return { done, failure: { line: render(failed.op), message: f.message } };
    }
    rest = rest.slice(f.line);
  }
  return { done };
}

const GONE_RE = /Cannot find device|does not exist|No such file or directory|No such process|No such device/i;

/** Teardown answers that only say the thing is already gone (DEL must succeed then). */
export function isAlreadyGone(message: string): boolean {
  return GONE_RE.test(message);
}
