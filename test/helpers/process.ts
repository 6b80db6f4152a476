// Starts one of the built commands as its own process and waits for its JSON "ready" line; stop()
// signals it (SIGTERM waits for a clean exit, SIGKILL is kill -9) and reaps it.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ReadyProcess {
  process: ChildProcess;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  ready: Record<string, unknown>;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ReadyProcessOptions {
  name: string;
  env?: Record<string, string> | undefined;
  readyTimeoutMs?: number | undefined;
  /** Flags for node itself, before the script (e.g. ["--cpu-prof"]). */
  nodeArgs?: readonly string[] | undefined;
  /** Keep parsing log lines after the ready line (default true; a benchmark may not want the cost). */
  keepLogs?: boolean | undefined;
}

/**
 * The child's exit code and signal once its output is read to the end: Node may emit "exit" before
 * the last data of the child's pipes; "close" follows when they are drained. A grandchild that keeps
 * a pipe open would hold "close" back, so after "exit" it is waited for at most `graceMs`.
 */
export function exitAfterOutput(child: ChildProcess, graceMs = 2_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      const done = (): void => resolve({ code, signal });
      const timer = setTimeout(done, graceMs);
      child.once("close", () => (clearTimeout(timer), done()));
    });
  });
}

export async function startReadyProcess(js: string, args: readonly string[], o: ReadyProcessOptions): Promise<ReadyProcess> {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), js, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = exitAfterOutput(child).then((e) => e.code);
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  const timeoutMs = o.readyTimeoutMs ?? 30_000;
  try {
    const ready = await new Promise<Record<string, unknown>>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`${o.name} not ready after ${timeoutMs} ms; stderr: ${stderr}; logs: ${JSON.stringify(logs.slice(-5))}`)), timeoutMs);
      let isReady = false;
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (isReady && o.keepLogs === false) return;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logs.push(rec);
        if (rec.msg === "ready") {
          isReady = true;
          clearTimeout(timer);
          res(rec);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        rej(new Error(`${o.name} exited with ${String(code)} before ready; stderr: ${stderr}; logs: ${JSON.stringify(logs.slice(-5))}`));
      });
    });
    return { process: child, logs, ready, stderr: () => stderr, stop };
  } catch (e) {
    await stop("SIGKILL");
    throw e;
  }
}
