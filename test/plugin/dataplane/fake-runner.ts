// A hand-written BatchRunner for unit tests: records every batch and answers like iproute2 would,
// failing the lines a test names with the message iproute2 prints.
import type { BatchOptions, BatchResult, BatchRunner } from "../../../plugin/dataplane/batch.js";

export interface RecordedBatch {
  lines: string[];
  opts: BatchOptions;
}

export interface FakeRunner {
  run: BatchRunner;
  batches: RecordedBatch[];
}

/** `fail(line)` returns an error message for lines that must fail, else undefined. */
export function fakeRunner(fail: (line: string) => string | undefined = () => undefined, stdout = ""): FakeRunner {
  const batches: RecordedBatch[] = [];
  const run: BatchRunner = async (lines, opts) => {
    batches.push({ lines: [...lines], opts });
    const failures: BatchResult["failures"] = [];
    for (const [i, line] of lines.entries()) {
      const msg = fail(line);
      if (msg === undefined) continue;
      failures.push({ line: i + 1, message: msg });
      if (opts.force !== true) break; // without -force iproute2 stops at the first failure
    }
    return { exitCode: failures.length > 0 ? 1 : 0, stdout, failures };
  };
  return { run, batches };
}
