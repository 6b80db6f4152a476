// Runs `ip -batch -` (optionally inside a netns through nsenter) with a deadline, and parses which
// batch lines failed: iproute2 prints the error, then "Command failed -:<line>" for each failure.
import { tokenProblem, type NetnsPath } from "../../common/boundary/index.js";
import { render, type Op } from "./ops.js";

export interface BatchOptions {
  /** Netns path to enter (nsenter --net=PATH); absent: the plugin's own (host) netns. */
  netns?: string;
  /** `-force`: keep going after a failed line (teardown); otherwise iproute2 stops at the first. */
  force?: boolean;
  /** `-j`: JSON output, one array per `show` line. */
  json?: boolean;
}

export interface BatchFailure {
  /** 1-based line number in the batch. */
  line: number;
  message: string;
}

export interface BatchResult {
  exitCode: number;
  stdout: string;
  failures: BatchFailure[];
}

/** The process boundary of the dataplane: tests substitute a fake that records the lines. */
export type BatchRunner = (lines: readonly string[], opts: BatchOptions, signal: AbortSignal) => Promise<BatchResult>;

/**
 * What carries out the plan's operations: iproute2 (batchOpRunner) or rtnetlink (netlink/).
 * Semantics of `ip -batch`: without force it stops at the first failure; failures name the
 * 1-based index of their op, and a failure before any op ran has index 0.
 */
export type OpRunner = (ops: readonly Op[], opts: { netns?: NetnsPath; force?: boolean }, signal: AbortSignal) => Promise<BatchResult>;

/** Operations as `ip -batch` lines (render), through a BatchRunner. */
export function batchOpRunner(run: BatchRunner): OpRunner {
  return (ops, opts, signal) => run(ops.map(render), opts, signal);
}

export interface ExecPaths {
  ipPath: string;
  nsenterPath: string;
}

/** Why `lines` cannot be handed to `ip -batch` (a word outside the safe alphabet), or undefined. */
export function batchProblem(lines: readonly string[]): string | undefined {
  for (const [i, line] of lines.entries()) {
    for (const word of line.split(" ")) {
      const p = tokenProblem(word);
      if (p !== undefined) return `line ${i + 1}, word ${p}`;
    }
  }
  return undefined;
}

/**
 * The second wall behind the typed plan (issue #10): a runner that refuses, before anything starts,
 * any batch with a word holding whitespace, `#`, `\`, a quote or a control character (or an empty
 * word, i.e. a value that was missing). A refusal is a bug in a plan builder, never user error.
 */
export function guardBatch(run: BatchRunner): BatchRunner {
  return (lines, opts, signal) => {
    const problem = runProblem(lines, opts.netns);
    if (problem !== undefined) return Promise.reject(new Error(`refusing to run ip -batch: ${problem}`));
    return run(lines, opts, signal);
  };
}

/** The same wall for any OpRunner (netlink too): every op, rendered, must pass the batch check. */
export function guardOps(run: OpRunner): OpRunner {
  return (ops, opts, signal) => {
    const problem = runProblem(ops.map(render), opts.netns);
    if (problem !== undefined) return Promise.reject(new Error(`refusing to run the dataplane's operations: ${problem}`));
    return run(ops, opts, signal);
  };
}

/** The one check both walls make: every word of the lines, and the netns path when there is one. */
function runProblem(lines: readonly string[], netns: string | undefined): string | undefined {
  return batchProblem(lines) ?? (netns === undefined ? undefined : tokenProblem(netns));
}

const FAILED_RE = /^Command failed (?:-|\S+):(\d+)$/;

/** Assigns the error lines printed before each "Command failed -:N" to line N. */
export function parseBatchStderr(stderr: string): BatchFailure[] {
  const failures: BatchFailure[] = [];
  let pending: string[] = [];
  for (const raw of stderr.split("\n")) {
    const text = raw.trim();
    if (text === "") continue;
    const m = FAILED_RE.exec(text);
    if (m === null) {
      pending.push(text);
      continue;
    }
    failures.push({ line: Number(m[1]), message: pending.join("; ") || "failed" });
    pending = [];
  }
  // Errors before iproute2 could run any line (bad netns, missing binary) have no line number.
  if (pending.length > 0) failures.push({ line: 0, message: pending.join("; ") });
  return failures;
}

/** iproute2's own netns dir: `ip -n NAME` enters /run/netns/NAME without a second exec. */
const NAMED_NETNS_RE = /^(?:\/var)?\/run\/netns\/([^/]+)$/;

export function argvFor(paths: ExecPaths, opts: BatchOptions): { file: string; args: string[] } {
  const ipArgs = [...(opts.force === true ? ["-force"] : []), ...(opts.json === true ? ["-j"] : []), "-batch", "-"];
  if (opts.netns === undefined) return { file: paths.ipPath, args: ipArgs };
  // containerd and `ip netns add` put netns files in /run/netns (/var/run is a link to /run): one
  // exec instead of two. Any other path (/proc/<pid>/ns/net, a bind mount elsewhere) needs nsenter.
  const named = NAMED_NETNS_RE.exec(opts.netns);
  if (named !== null) return { file: paths.ipPath, args: ["-n", named[1] as string, ...ipArgs] };
  return { file: paths.nsenterPath, args: [`--net=${opts.netns}`, "--", paths.ipPath, ...ipArgs] };
}

/**
 * The runner under Node: execa, one process per batch, argument arrays only (no shell), killed on
 * abort. Imported on first use so the compiled plugin (which uses Bun.spawn) never loads it.
 */
export function execaBatchRunner(paths: ExecPaths): BatchRunner {
  return async (lines, opts, signal) => {
    const { execa } = await import("execa");
    const { file, args } = argvFor(paths, opts);
    const r = await execa(file, args, {
      input: lines.join("\n") + "\n",
      reject: false,
      cancelSignal: signal,
      forceKillAfterDelay: 1000,
      stripFinalNewline: false,
      env: { LC_ALL: "C" },
      extendEnv: true,
    });
    if (r.isCanceled) throw signal.reason ?? new Error("ip batch aborted");
    if (r.failed && r.exitCode === undefined) throw new Error(`cannot run ${file}: ${r.shortMessage}`);
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), failures: parseBatchStderr(String(r.stderr)) };
  };
}
