// Real-time scenario runs: mock-ipamd as a child process (its fake controller + EC2 inside), the
// kubelet loop exec'ing the built plugin binary through the libcni-like runtime, pods created and
// faults set over the control API on the wall clock. One node and a handful of pods only.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../../common/clock.js";
import { HarnessError, errorMessage } from "../../../common/errors.js";
import { controlClient } from "../../../ipamd/server/control-client.js";
import type { ControlClient } from "../../../ipamd/server/control-client.js";
import type { Kubelet } from "../../../runtime/kubelet/index.js";
import { isRoot } from "../../../runtime/netns.js";
import { eventFromWire, podFromWire, watchEvents } from "../../demo/cluster-client.js";
import { hostLinkPrefix, startDaemon } from "../../demo/daemon.js";
import { startCniKubelet } from "../../demo/kubelet.js";
import { writeNetworkSetup } from "../../demo/network.js";
import { artefacts } from "../../demo/paths.js";
import { AttemptLog, buildTimeline } from "../../timeline/build.js";
import { checkExpectations } from "../check.js";
import type { RunHooks, RunResult } from "../result.js";
import type { Scenario } from "../schema.js";
import { summarize } from "../summary.js";
import { daemonConfig, realTimeObstacles } from "./config.js";
import { playScript } from "./script.js";

const CALL = { timeoutMs: 5_000 };

interface Ctx {
  s: Scenario;
  hooks: RunHooks;
  root: boolean;
  cleanups: (() => Promise<unknown>)[];
  notes: string[];
  problems: string[];
}

export async function runRealTime(s: Scenario, hooks: RunHooks = {}): Promise<RunResult> {
  const obstacles = realTimeObstacles(s);
  if (obstacles.length > 0) throw new HarnessError("invalid-argument", `scenario ${s.name} cannot run in real time:\n  ${obstacles.join("\n  ")}`);
  const ctx: Ctx = { s, hooks, root: isRoot(), cleanups: [], notes: [], problems: [] };
  try {
    return await play(ctx);
  } finally {
    for (const fn of ctx.cleanups.reverse()) await fn().catch((e: unknown) => void ctx.problems.push(`cleanup: ${errorMessage(e)}`));
  }
}

async function play(ctx: Ctx): Promise<RunResult> {
  const { s } = ctx;
  const started = performance.now();
  const art = artefacts();
  const dir = await mkdtemp(join(tmpdir(), `vpc-cni-harness-scenario-${s.name}-`));
  ctx.cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const configFile = join(dir, "ipamd-config.json");
  await writeFile(configFile, JSON.stringify(daemonConfig(s), null, 2));
  const daemon = await startDaemon({
    daemonJs: art.daemonJs, stateDir: join(dir, "ipamd"), readyTimeoutMs: 30_000,
    args: ["--config", configFile, "--host-links", ctx.root ? "on" : "off", "--host-link-prefix", hostLinkPrefix(), "--introspection", "off", "--metrics", "off", "--log-level", "info"],
  });
  ctx.cleanups.push(() => daemon.stop());
  const control = controlClient(daemon.controlAddress);
  ctx.cleanups.push(async () => control.close());
  const node = await control.GetNode({}, CALL);
  ctx.notes.push(
    `real time: mock-ipamd (pid ${daemon.pid}) with its fake controller + EC2, the built plugin ${art.pluginBinary} exec'd through the libcni-like runtime`,
    "real time suits a handful of pods (every sandbox execs the plugin, timings follow this machine's load); use --simulated for scale",
    ctx.root ? "as root: real network namespaces, configured by the plugin with iproute2" : "not root: fake netns paths and the plugin's `dataplane: none` (nothing on this host changes)",
  );
  const attempts = new AttemptLog();
  const kubelet = await startKubelet(ctx, control, dir, daemon.address, node.name, attempts);
  const runStart = systemClock.now();
  ctx.hooks.onRunStart?.(runStart, () => systemClock.now());
  if (ctx.hooks.onEvent !== undefined) {
    const unwatch = watchEvents(control, ctx.hooks.onEvent, (t) => void ctx.problems.push(t));
    ctx.cleanups.push(async () => unwatch());
  }
  const script = playScript(s, control, runStart, (t) => void ctx.problems.push(t));
  ctx.cleanups.push(async () => script.cancel());
  const settled = await waitSettled(ctx, kubelet, script.remaining, runStart);
  const runEnd = systemClock.now();
  const events = (await control.ListEvents({}, CALL)).events.map(eventFromWire);
  const pods = (await control.ListPods({}, CALL)).pods.map(podFromWire);
  await teardown(control, kubelet);
  const timeline = buildTimeline({ title: `scenario ${s.name}`, mode: "real", runStart, runEnd, pods, events, attempts });
  const summary = summarize(timeline);
  if (!settled) ctx.notes.push(`the run went on to its limit (+${s.limit / 1000}s) or was interrupted before every pod ran`);
  return {
    scenario: s.name, mode: "real", timeline, summary, differences: checkExpectations(timeline, summary, s.expect),
    notes: ctx.notes, problems: ctx.problems, settled, wallMs: performance.now() - started, ec2Calls: 0,
  };
}

async function startKubelet(ctx: Ctx, control: ControlClient, dir: string, address: string, nodeName: string, attempts: AttemptLog): Promise<Kubelet> {
  const net = await writeNetworkSetup(dir, artefacts().pluginBinary, address, ctx.root);
  const { kubelet, shutdown } = await startCniKubelet({
    control, net, nodeName, root: ctx.root, fakeNetnsDir: join(dir, "netns"),
    onProblem: (t) => void ctx.problems.push(t),
    observe: (o) => {
      attempts.observe(o);
      ctx.hooks.onObservation?.(o);
    },
  });
  ctx.cleanups.push(() => shutdown(false));
  return kubelet;
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

/** Deletes the pods (kubelet DELs and removes each netns), then stops whatever is left. */
async function teardown(control: ControlClient, kubelet: Kubelet): Promise<void> {
  for (const st of kubelet.state()) await control.DeletePod({ namespace: st.pod.namespace, name: st.pod.name, uid: "" }, CALL).catch(() => undefined);
  const deadline = systemClock.now() + 20_000;
  while (kubelet.state().length > 0 && systemClock.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await kubelet.idle();
  await kubelet.teardownAll();
}
