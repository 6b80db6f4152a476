// The simulated-time run: builds the in-process world, plays the scenario on the FakeClock until
// everything settled or the limit, then builds the timeline and checks the expectations.

import { performance } from "node:perf_hooks";
import { clusterEvent } from "../../../cluster/k8s/index.js";
import { buildTimeline } from "../../timeline/build.js";
import { checkExpectations } from "../check.js";
import { expandPods } from "../expand.js";
import type { RunHooks, RunResult } from "../result.js";
import type { Scenario } from "../schema.js";
import { summarize } from "../summary.js";
import { scheduleScenario } from "./script.js";
import type { Script } from "./script.js";
import { createSimWorld, SIM_ADD_MS, SIM_DEL_MS } from "./world.js";
import type { SimWorld } from "./world.js";

export const SIM_NOTES = [
  "simulated time: one fake clock drives the real cluster store, fake VPC resource controller + EC2, ipamd backend + datastore and kubelet loop, in-process",
  `sandboxes run in-process: RunPodSandbox calls ipamd's AddNetwork/DelNetwork directly (each taking ${SIM_ADD_MS}/${SIM_DEL_MS} ms of simulated time) instead of exec'ing the plugin; no network namespaces, no gRPC`,
];

const PROGRESS_EVERY_MS = 250;

async function drive(s: Scenario, w: SimWorld, script: Script, planned: number, hooks: RunHooks): Promise<boolean> {
  let lastReport = performance.now();
  let steps = 0;
  const settled = (): boolean => script.remaining() === 0 && w.notRunning.size === 0 && w.scheduler.pendingCount() === 0;
  for (;;) {
    if (settled()) return true;
    const next = w.clock.nextAt();
    if (next === undefined || next > s.limit || hooks.signal?.aborted === true) return false;
    await w.clock.advanceTo(next);
    if (++steps % 64 === 0 && hooks.onProgress !== undefined && performance.now() - lastReport > PROGRESS_EVERY_MS) {
      lastReport = performance.now();
      hooks.onProgress({ at: w.clock.now(), created: w.pods.size, running: w.attempts.runningCount(), planned, failures: w.attempts.failedCount() });
    }
  }
}

/** Lets in-flight work finish without waiting on timers that will never fire. */
async function shutdown(w: SimWorld): Promise<void> {
  const stopping = w.stop();
  await w.clock.advance(5_000);
  await Promise.race([stopping, new Promise((r) => setTimeout(r, 100))]);
}

export async function runSimulated(s: Scenario, hooks: RunHooks = {}): Promise<RunResult> {
  const started = performance.now();
  const w = createSimWorld(s, hooks.onObservation);
  hooks.onRunStart?.(0, () => w.clock.now());
  const onEvent = hooks.onEvent;
  if (onEvent !== undefined) w.events.on((type, e) => type !== "DELETED" && onEvent(clusterEvent(e)));
  const script = scheduleScenario(s, w);
  const planned = expandPods(s).length;
  const settled = await drive(s, w, script, planned, hooks);
  const runEnd = w.clock.now();
  const timeline = buildTimeline({
    title: `scenario ${s.name}`,
    mode: "simulated",
    runStart: 0,
    runEnd,
    pods: [...w.pods.values()],
    events: w.events.list().map(clusterEvent),
    attempts: w.attempts,
    provisioning: w.controller.provisioningRecords(),
  });
  const ec2Calls = w.controller.ec2CallLog().length;
  await shutdown(w);
  const summary = summarize(timeline);
  const differences = checkExpectations(timeline, summary, s.expect);
  const notes = [...SIM_NOTES];
  if (!settled) notes.push(`the run went on to its limit (+${s.limit / 1000}s): ${w.notRunning.size} pods not running, ${w.scheduler.pendingCount()} unscheduled`);
  return { scenario: s.name, mode: "simulated", timeline, summary, differences, notes, problems: script.problems, settled, wallMs: performance.now() - started, ec2Calls };
}
