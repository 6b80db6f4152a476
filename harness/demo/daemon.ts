// Runs mock-ipamd as a child process on a temp socket and state dir (flags per
// docs/ARCHITECTURE.md), waits for its "ready" line, and stops it with SIGTERM (SIGKILL past a deadline).

import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HarnessError } from "../../common/errors.js";

export interface DaemonSpec {
  daemonJs: string;
  stateDir: string;
  args: readonly string[];
  readyTimeoutMs: number;
  /** Every JSON log line of the daemon, as it arrives. */
  onLog?: (line: Record<string, unknown>) => void;
  /** Right after the spawn, before anything else is awaited (to record the pid for a cleanup). */
  onSpawn?: (pid: number) => Promise<void>;
}

export interface RunningDaemon {
  address: string;
  /** The control API's own socket (from the ready line; README, Security). */
  controlAddress: string;
  pid: number;
  logs: Record<string, unknown>[];
  /** The "ready" log line: actual addresses (`grpc`, `introspection`, `metrics`). */
  ready: Record<string, unknown>;
  stop(): Promise<number | null>;
}

export async function startDaemon(spec: DaemonSpec): Promise<RunningDaemon> {
  const socket = join(spec.stateDir, "ipamd.sock");
  const args = [spec.daemonJs, "--listen", `unix://${socket}`, "--state-dir", spec.stateDir, ...spec.args];
  // Its own process group: a terminal's Ctrl-C reaches only the demo, which then DELs the pods
  // while ipamd is still up and stops the daemon last.
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  // Detached children outlive a process.exit(); take the daemon down with us then.
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((res) =>
    child.once("exit", (code) => {
      process.off("exit", killOnExit);
      res(code);
    }),
  );
  if (child.pid !== undefined) await spec.onSpawn?.(child.pid);
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  let ready: Record<string, unknown> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HarnessError("deadline", `mock-ipamd not ready after ${spec.readyTimeoutMs} ms`, { details: stderr })), spec.readyTimeoutMs);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logs.push(rec);
        spec.onLog?.(rec);
        if (rec.msg === "ready") {
          ready = rec;
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new HarnessError("unavailable", `mock-ipamd exited with ${String(code)} before it was ready: ${stderr.trim()}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const controlAddress = typeof ready.control === "string" ? ready.control : `unix://${join(spec.stateDir, "control.sock")}`;
  return { address: `unix://${socket}`, controlAddress, pid: child.pid ?? 0, logs, ready, stop };
}

/**
 * A host-link name prefix of our own (<= 7 chars: "<prefix>trunk99p" must fit IFNAMSIZ): a daemon
 * removes links with its prefix that it does not own, so two daemons sharing one would cut each
 * other's trunk link (seen as "no host link has ifindex N" in the plugin's ADD). Random, so a
 * cleanup by a run's recorded prefix touches that run's links only.
 */
export function hostLinkPrefix(): string {
  return `h${randomInt(36 ** 5).toString(36).padStart(5, "0")}-`;
}
