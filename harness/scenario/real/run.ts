// Real-time scenario runs: mock-ipamd as a child process (its fake controller + EC2 inside), the
// kubelet loop exec'ing the built plugin binary through the libcni-like runtime, pods created and
// faults set over the control API on the wall clock. One node and a handful of pods only. The run
// is a recorded session (harness/demo/session.ts): it leaves the host as it was, also when
// interrupted.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { systemClock } from "../../../common/clock.js";
import { HarnessError, errorMessage } from "../../../common/errors.js";
import type { ControlClient } from "../../../ipamd/index.js";
import type { Kubelet } from "../../../runtime/index.js";
import { isRoot } from "../../../runtime/index.js";
import { eventFromWire, podFromWire, watchEvents } from "../../demo/cluster-client.js";
import { artefacts } from "../../demo/paths.js";
import { podStatusReporter, serveApiArgs, servedApiLines, servedApiOf } from "../../demo/serve.js";
import { closeSession, openSession, recordBranch } from "../../demo/session.js";
import type { SessionParts } from "../../demo/session.js";
import { AttemptLog, buildTimeline } from "../../timeline/build.js";
import { checkExpectations } from "../check.js";
import type { RunHooks, RunResult } from "../result.js";
import type { Scenario } from "../schema.js";
import { summarize } from "../summary.js";
import { daemonConfig, realTimeObstacles } from "./config.js";
import { playScript } from "./script.js";

const CALL = { timeoutMs: 5_000 };
const never = new AbortController().signal;

interface Ctx {
  s: Scenario;
  hooks: RunHooks;
  root: boolean;
  notes: string[];
  problems: string[];
}

export async function runRealTime(s: Scenario, hooks: RunHooks = {}): Promise<RunResult> {
  const obstacles = realTimeObstacles(s);
  if (obstacles.length > 0) throw new HarnessError("invalid-argument", `scenario ${s.name} cannot run in real time:\n  ${obstacles.join("\n  ")}`);
  const ctx: Ctx = { s, hooks, root: isRoot(), notes: [], problems: [] };
  const parts: SessionParts = {};
  try {
    const result = await play(ctx, parts);
    const report = await closeSession(parts, { keep: false, hurry: hooks.hurry ?? never });
    result.problems.push(...report.lines);
    return result;
  } catch (e) {
    const report = await closeSession(parts, { keep: false, hurry: hooks.hurry ?? never });
    if (report.lines.length === 0) throw e;
    throw new HarnessError("internal", errorMessage(e), { details: report.lines.join("\n"), cause: e });
  }
}

async function play(ctx: Ctx, parts: SessionParts): Promise<RunResult> {
  const { s } = ctx;
  const started = performance.now();
  const attempts = new AttemptLog();
  const status = podStatusReporter((t) => void ctx.problems.push(t));
  const session = await openSession({
    kind: "scenario", command: ctx.hooks.command ?? `vpc-cni-harness scenario run ${s.name} --real`, root: ctx.root,
    ...(ctx.hooks.hurry === undefined ? {} : { hurry: ctx.hooks.hurry }),
    daemonArgs: async (dir) => {
      const configFile = join(dir, "ipamd-config.json");
      await writeFile(configFile, JSON.stringify(daemonConfig(s), null, 2));
      return ["--config", configFile, "--introspection", "off", "--metrics", "off", "--log-level", "info", ...serveApiArgs(ctx.hooks.serveApi, dir)];
    },
    onDaemonLog: (line) => {
      const api = line.msg === "ready" ? servedApiOf(line) : undefined;
      if (api !== undefined) status.use(api);
    },
    onProblem: (t) => void ctx.problems.push(t),
    observe: (o) => {
      attempts.observe(o);
      status.observe(o);
      ctx.hooks.onObservation?.(o);
    },
  }, parts);
  ctx.hooks.onRun?.(session.id);
  const api = servedApiOf(session.daemon.ready);
  if (api !== undefined) ctx.hooks.onServedApi?.(servedApiLines(api, s.policies[0]?.namespace ?? "default"));
  ctx.notes.push(
    `real time: mock-ipamd (pid ${session.daemon.pid}) with its fake controller + EC2, the built plugin ${artefacts().pluginBinary} exec'd through the libcni-like runtime`,
    "real time suits a handful of pods (every sandbox execs the plugin, timings follow this machine's load); use --simulated for scale",
    ctx.root ? "as root: real network namespaces, configured by the plugin with iproute2" : "not root: fake netns paths and the plugin's `dataplane: none` (nothing on this host changes)",
  );
  const runStart = systemClock.now();
  ctx.hooks.onRunStart?.(runStart, () => systemClock.now());
  const unwatch = watchEvents(session.control, (e) => {
    ctx.hooks.onEvent?.(e);
    if (e.reason === "ResourceAllocated" && e.count === 1) void recordBranch(session.recorder, session.control, e.involvedObject).catch(() => undefined);
  }, (t) => void ctx.problems.push(t));
  const script = playScript(s, session.control, runStart, (t) => void ctx.problems.push(t));
  const settled = await waitSettled(ctx, session.kubelet, script.remaining, runStart);
  script.cancel();
  const runEnd = systemClock.now();
  const pods = (await session.control.ListPods({}, CALL)).pods.map(podFromWire);
  await status.flush();
  await teardown(session.control, session.kubelet, ctx.hooks.hurry ?? never);
  const hurry = ctx.hooks.hurry ?? never;
  await Promise.race([parts.shutdownKubelet?.(false), new Promise((r) => (hurry.aborted ? r(undefined) : hurry.addEventListener("abort", r, { once: true })))]);
  const events = (await session.control.ListEvents({}, CALL)).events.map(eventFromWire);
  unwatch();
  const timeline = buildTimeline({ title: `scenario ${s.name}`, mode: "real", runStart, runEnd, pods, events, attempts });
  const summary = summarize(timeline);
  const interrupted = ctx.hooks.signal?.aborted === true;
  if (interrupted) ctx.notes.push(`interrupted at +${((runEnd - runStart) / 1000).toFixed(1)}s: the expectations were not checked`);
  else if (!settled) ctx.notes.push(`the run went on to its limit (+${s.limit / 1000}s) before every pod ran`);
  return {
    scenario: s.name, mode: "real", timeline, summary, differences: interrupted ? [] : checkExpectations(timeline, summary, s.expect),
    notes: ctx.notes, problems: ctx.problems, settled, wallMs: performance.now() - started, ec2Calls: 0, interrupted,
  };
}

async function waitSettled(ctx: Ctx, kubelet: Kubelet, remaining: () => number, runStart: number): Promise<boolean> {
  const planned = ctx.s.pods.reduce((n, p) => n + p.count, 0);
  for (;;) {
    const at = systemClock.now() - runStart;
    const states = kubelet.state();
    const running = states.filter((x) => x.phase === "running").length;
    if (remaining() === 0 && states.every((x) => x.phase === "running")) return true;
    if (at > ctx.s.limit || ctx.hooks.signal?.aborted === true) return false;
    ctx.hooks.onProgress?.({ at, created: states.length, running, planned, failures: states.reduce((n, x) => n + x.failures, 0) });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deletes the pods (kubelet DELs and removes each netns) and waits for the kubelet to forget them; a second Ctrl-C stops the wait. */
async function teardown(control: ControlClient, kubelet: Kubelet, hurry: AbortSignal): Promise<void> {
  for (const st of kubelet.state()) {
    if (hurry.aborted) return;
    await control.DeletePod({ namespace: st.pod.namespace, name: st.pod.name, uid: "" }, CALL).catch(() => undefined);
  }
  const deadline = systemClock.now() + 20_000;
  while (kubelet.state().length > 0 && systemClock.now() < deadline && !hurry.aborted) await new Promise((r) => setTimeout(r, 100));
}
