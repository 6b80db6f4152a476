// The `vpc-cni-harness scenario` command group (run / list / validate), registered by the CLI.
// Exit codes: 0 passed / valid, 1 expectations differed / invalid file, 2 could not run, 130 interrupted.

import { Command, Option } from "commander";
import { parseDuration } from "../../common/duration.js";
import { formatDuration } from "../../common/duration.js";
import { errorMessage, isHarnessError } from "../../common/errors.js";
import { handleInterrupts } from "../cleanup/signals.js";
import { choosePrinter, plainPrinter } from "../output/printers.js";
import type { Printer } from "../output/types.js";
import { timelinePathProblem, writeTimeline } from "../timeline/write.js";
import { loadScenario } from "./parse.js";
import { formatResult, jsonResult, progressText } from "./print.js";
import type { RunHooks, RunResult } from "./result.js";
import { runScenario } from "./run.js";
import { realTimeObstacles } from "./real/config.js";
import { effectiveExpect } from "./schema.js";
import type { Scenario } from "./schema.js";
import { listShipped, resolveScenarioFile } from "./shipped.js";

export interface RunFlags {
  simulated?: boolean;
  real?: boolean;
  timeline?: string;
  json?: boolean;
  events?: boolean;
  waitForBranchEni?: string;
}

/** Live event lines only for small runs (or --events); --json always streams them. */
const LIVE_EVENT_PODS = 20;
const PLAIN_PROGRESS_EVERY_MS = 2000;

export function chooseMode(s: Scenario, flags: RunFlags): { mode: "real" | "simulated"; note: string | undefined } {
  if (flags.simulated === true) return { mode: "simulated", note: undefined };
  const modes = s.modes ?? [];
  if (flags.real === true) return { mode: "real", note: modes.length === 0 || modes.includes("real") ? undefined : `scenario ${s.name} is meant for simulated time; running it in real time anyway (--real)` };
  const mode = modes[0] ?? "simulated";
  if (mode === "real") return { mode, note: undefined };
  const obstacles = realTimeObstacles(s);
  const why = obstacles.length === 0 ? "" : `; it cannot run in real time: ${obstacles.join("; ")}`;
  if (modes.length === 0) return { mode, note: `scenario ${s.name} names no modes: simulated time${obstacles.length === 0 ? " (--real runs it with the real daemon and plugin binary)" : why}` };
  return { mode, note: modes.includes("real") ? undefined : `scenario ${s.name} runs in simulated time (its modes: ${modes.join(", ")})${obstacles.length === 0 ? "; --real runs it with the real daemon and plugin binary" : why}` };
}

/** Prints events and progress; the printer is made once the run knows its time origin. */
function hooksFor(s: Scenario, flags: RunFlags, mode: "real" | "simulated"): RunHooks & { close(): void } {
  const pods = s.pods.reduce((n, p) => n + p.count, 0);
  const live = flags.json === true || flags.events === true || pods <= LIVE_EVENT_PODS;
  const tty = process.stdout.isTTY === true && flags.json !== true;
  let printer: Printer | undefined;
  let lastPlain = 0;
  return {
    onRunStart: (runStart, now) => {
      // Plain progress lines carry the run's own clock (simulated time in simulated runs).
      printer = flags.json === true || tty ? choosePrinter({ json: flags.json === true, stream: process.stdout }, runStart) : plainPrinter(process.stdout, runStart, now);
    },
    ...(live ? { onEvent: (e) => printer?.record({ kind: "event", at: e.lastTimestamp, event: e }) } : {}),
    onProgress: (p) => {
      if (!tty && Date.now() - lastPlain < PLAIN_PROGRESS_EVERY_MS) return;
      lastPlain = Date.now();
      // --json: progress is one more kind of line; otherwise a status line (TTY) or a plain line.
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ kind: "progress", mode, ...p })}\n`);
      else printer?.status(progressText(p, mode));
    },
    close: () => printer?.close(),
  };
}

/** The scenario as this run will play it: file, --wait-for-branch-eni, and the expectations for those settings. */
async function prepare(file: string, flags: RunFlags): Promise<{ scenario: Scenario; notes: string[] }> {
  let scenario = await loadScenario(resolveScenarioFile(file));
  if (flags.waitForBranchEni !== undefined) {
    scenario = { ...scenario, ipamd: { ...scenario.ipamd, waitForBranchEni: parseDuration(flags.waitForBranchEni, "--wait-for-branch-eni") } };
  }
  const { expect, applied } = effectiveExpect(scenario);
  const notes = applied.map((i) => `expectations for ipamd waiting ${formatDuration(scenario.ipamd.waitForBranchEni)} for the branch ENI (expectIf[${i}])`);
  return { scenario: { ...scenario, expect }, notes };
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  let scenario: Scenario;
  let notes: string[];
  try {
    ({ scenario, notes } = await prepare(file, flags));
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n`);
    return 2;
  }
  // A long run must not end in a stack trace: check the picture's name and directory before starting.
  const problem = flags.timeline === undefined ? "" : await timelinePathProblem(flags.timeline);
  if (problem !== "") {
    process.stderr.write(`${problem}\n`);
    return 2;
  }
  const { mode, note } = chooseMode(scenario, flags);
  if (flags.json !== true) for (const n of [...(note === undefined ? [] : [note]), ...notes]) process.stdout.write(`note: ${n}\n`);
  const hooks = hooksFor(scenario, flags, mode);
  // Ctrl-C / SIGTERM stop waiting; the run then cleans up (daemon, netns, temp dirs) and reports.
  // A second one makes the cleanup skip the pods' graceful teardown; the process never exits
  // half-way through it (harness/cleanup/signals.ts).
  const interrupts = handleInterrupts("scenario");
  let result: RunResult;
  try {
    result = await runScenario(scenario, mode, {
      ...hooks, signal: interrupts.stop, hurry: interrupts.hurry, onRun: interrupts.setRun,
      command: `vpc-cni-harness ${process.argv.slice(2).join(" ")}`,
    });
  } catch (e) {
    hooks.close();
    process.stderr.write(`scenario ${scenario.name} (${mode}): ${errorMessage(e)}${isHarnessError(e) && e.details !== undefined ? `\n${e.details}` : ""}\n`);
    return interrupts.stop.aborted ? 130 : 2;
  } finally {
    interrupts.dispose();
  }
  hooks.close();
  // Stopped early: what it got to is reported, its expectations are not judged.
  if (interrupts.stop.aborted) result = { ...result, interrupted: true, differences: [] };
  if (flags.json === true) process.stdout.write(`${JSON.stringify(jsonResult(result))}\n`);
  else process.stdout.write(`${formatResult(result)}\n`);
  if (flags.timeline !== undefined) {
    try {
      await writeTimeline(flags.timeline, result.timeline);
    } catch (e) {
      process.stderr.write(`--timeline: could not write ${flags.timeline}: ${errorMessage(e)}\n`);
      return 2;
    }
    if (flags.json !== true) process.stdout.write(`timeline written to ${flags.timeline}\n`);
  }
  if (result.interrupted === true || interrupts.stop.aborted) return 130;
  return result.differences.length === 0 ? 0 : 1;
}

/** 0 valid, 1 invalid (every problem printed), 2 no such file or shipped scenario. */
export async function validateCommand(file: string): Promise<number> {
  let path: string;
  try {
    path = resolveScenarioFile(file);
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n`);
    return 2;
  }
  try {
    const s = await loadScenario(path);
    const modes = s.modes === undefined ? "no modes given (simulated by default)" : `modes ${s.modes.join("/")}`;
    const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
    process.stdout.write(`${file}: valid scenario "${s.name}" (${count(s.nodes.reduce((n, x) => n + x.count, 0), "node")}, ${count(s.pods.reduce((n, p) => n + p.count, 0), "pod")}, ${modes})\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n`);
    return isHarnessError(e) && e.kind === "not-found" ? 2 : 1;
  }
}

export function listCommand(): number {
  const list = listShipped();
  if (list.length === 0) {
    process.stderr.write("no shipped scenarios found (scenarios/ next to package.json)\n");
    return 1;
  }
  for (const s of list) {
    const what = s.error === undefined ? `${s.pods} pods, ${s.modes.join("/")}: ${s.description}` : `INVALID: ${s.error}`;
    process.stdout.write(`${s.name.padEnd(22)} ${what}\n    ${s.file}\n`);
  }
  return 0;
}

export function scenarioCommand(): Command {
  const cmd = new Command("scenario").description("run declarative scenarios (real or simulated time) and check their outcome");
  cmd
    .command("run")
    .description("run a scenario file (or a shipped scenario by name) and check its expectations")
    .argument("<file>", "scenario file (YAML or JSON), or the name of a shipped scenario")
    .addOption(new Option("--simulated", "simulated time: fake clock, in-process sandbox runtime (scales to thousands of pods)").conflicts("real"))
    .addOption(new Option("--real", "real time: the real mock-ipamd daemon and plugin binary (a handful of pods only)").conflicts("simulated"))
    .option("--timeline <file>", "write the timeline picture (.svg, or .html with legend and table)")
    .option("--json", "machine-readable output: one JSON object per line (events, progress, then the result)")
    .option("--events", "print every event as it happens, even for large scenarios")
    .option("--wait-for-branch-eni <duration>", "override the scenario's ipamd.waitForBranchEni (e.g. 0s vs 30s, to compare warnings and start times)")
    .addHelpText("after", "\nThe file format is described in scenarios/README.md.\nCtrl-C stops the run and cleans up; a second Ctrl-C cleans up without waiting for the pods' DEL.\nExit status: 0 every expectation held, 1 something differed (printed), 2 usage error or could not run, 130 interrupted.")
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
  cmd
    .command("list")
    .description("list the shipped scenarios")
    .action(() => {
      process.exitCode = listCommand();
    });
  cmd
    .command("validate")
    .description("check a scenario file without running it: every problem, with its line and column")
    .argument("<file>", "scenario file to validate (or a shipped scenario's name)")
    .addHelpText("after", "\nExit status: 0 valid, 1 invalid (each problem printed), 2 no such file.")
    .action(async (file: string) => {
      process.exitCode = await validateCommand(file);
    });
  return cmd;
}
