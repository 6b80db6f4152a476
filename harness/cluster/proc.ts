// Processes of a cluster: started detached (own session, output to a log file, a clean
// environment), identified by pid + start time (so a reused pid is never signalled), found by the
// network namespace they run in, and stopped by that identity only: never by a name pattern.

import { spawn } from "node:child_process";
import { open, readFile, readdir, readlink, stat } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { systemClock } from "../../common/clock.js";
import { HarnessError } from "../../common/errors.js";

export interface ProcessId {
  readonly pid: number;
  readonly startTime: number;
}

/** A process this harness started, with the command line it was started with (for a restart). */
export interface Spawned extends ProcessId {
  readonly argv: readonly string[];
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may hold spaces). */
export async function startTimeOf(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 is rest[19]. A zombie is as good as gone.
  if (rest[0] === "Z") return undefined;
  const v = Number(rest[19]);
  return Number.isInteger(v) ? v : undefined;
}

export async function isAlive(p: ProcessId): Promise<boolean> {
  return (await startTimeOf(p.pid)) === p.startTime;
}

/**
 * The environment of a daemon: no npm_* variables (mock-ipamd stops when the npm that started it
 * goes away; ours outlive `up` on purpose), nothing else inherited but the basics.
 */
export function daemonEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "LC_ALL", "TZ"];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  env["PATH"] ??= "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...extra };
}

/** Starts argv detached, stdout and stderr appended to `log`; resolves with its identity. */
export async function spawnDetached(argv: readonly string[], log: string, env: Record<string, string>): Promise<Spawned> {
  const out = await open(log, "a", 0o644);
  try {
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: ["ignore", out.fd, out.fd], env });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", (e) => reject(new HarnessError("unavailable", `cannot start ${argv[0]}: ${e.message}`)));
      child.once("spawn", () => resolve(child.pid as number));
    });
    child.unref();
    // The start time is readable as soon as the process exists.
    const startTime = await startTimeOf(pid);
    if (startTime === undefined) throw new HarnessError("unavailable", `${argv[0]} (pid ${pid}) exited at once; see ${log}`);
    return { pid, startTime, argv: [...argv] };
  } finally {
    await out.close();
  }
}

/**
 * Waits until a JSON line of `log` (from byte `from`) has "msg":"ready" and returns it; fails when
 * the process exits first or the deadline passes (naming the log).
 */
export async function waitReadyLine(log: string, from: number, p: ProcessId, what: string, o: { timeoutMs: number; clock?: Clock; signal?: AbortSignal }): Promise<Record<string, unknown>> {
  const clock = o.clock ?? systemClock;
  const until = clock.now() + o.timeoutMs;
  for (;;) {
    const text = (await readFile(log, "utf8").catch(() => "")).slice(from);
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        if (rec["msg"] === "ready") return rec;
      } catch {
        // a line being written
      }
    }
    if (!(await isAlive(p))) throw new HarnessError("unavailable", `${what} exited before it was ready; see ${log}`, { details: tail(text) });
    if (clock.now() > until) throw new HarnessError("deadline", `${what} not ready after ${o.timeoutMs / 1000} s; see ${log}`, { details: tail(text) });
    await clock.sleep(100, o.signal);
  }
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n").slice(-1500);
}

/** The byte size of a file (0 when absent): where to start reading a log for the next ready line. */
export async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => ({ size: 0 }))).size;
}

/** Sends SIGTERM (then SIGKILL after graceMs) to a recorded process, if it is still that process. */
export async function stopProcess(p: ProcessId, graceMs: number, clock: Clock = systemClock): Promise<"gone" | "stopped" | "killed"> {
  if (!(await isAlive(p))) return "gone";
  signal(p.pid, "SIGTERM");
  const until = clock.now() + graceMs;
  while (clock.now() < until) {
    if (!(await isAlive(p))) return "stopped";
    await clock.sleep(50);
  }
  if (await isAlive(p)) signal(p.pid, "SIGKILL");
  for (let i = 0; i < 100 && (await isAlive(p)); i++) await clock.sleep(50);
  return "killed";
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}

/** The inode of a network namespace file (/run/netns/<name>), or undefined when it is gone. */
export async function netnsInode(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.ino;
}

/** Every process whose network namespace is the one with this inode (the node's own processes). */
export async function processesInNetns(inode: number): Promise<ProcessId[]> {
  const out: ProcessId[] = [];
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const link = await readlink(`/proc/${e}/ns/net`).catch(() => "");
    if (link !== `net:[${inode}]`) continue;
    const startTime = await startTimeOf(Number(e));
    if (startTime !== undefined) out.push({ pid: Number(e), startTime });
  }
  return out;
}
