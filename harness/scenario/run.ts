// Runs a scenario in the chosen mode: simulated time in-process, or real time against the real
// daemon and plugin binary.

import type { RunHooks, RunResult } from "./result.js";
import type { Scenario } from "./schema.js";
import { runRealTime } from "./real/run.js";
import { runSimulated } from "./sim/run.js";

export async function runScenario(s: Scenario, mode: "real" | "simulated", hooks: RunHooks = {}): Promise<RunResult> {
  return mode === "simulated" ? runSimulated(s, hooks) : runRealTime(s, hooks);
}
