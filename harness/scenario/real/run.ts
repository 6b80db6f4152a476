// Real-time scenario runs (in progress).

import { HarnessError } from "../../../common/errors.js";
import type { RunHooks, RunResult } from "../result.js";
import type { Scenario } from "../schema.js";

export async function runRealTime(s: Scenario, _hooks: RunHooks): Promise<RunResult> {
  throw new HarnessError("unavailable", `scenario ${s.name}: real-time mode is not implemented yet; use --simulated`);
}
