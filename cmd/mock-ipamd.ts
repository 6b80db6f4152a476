#!/usr/bin/env node
// mock-ipamd: parses flags and the config file once, starts the daemon, and turns SIGTERM/SIGINT
// into a clean shutdown (checkpoint flushed, host links removed, exit 0).

import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { packageVersion } from "../common/package-info.js";
import { buildCommand, resolveConfig } from "../ipamd/config/index.js";
import type { Flags, IpamdConfig } from "../ipamd/config/index.js";
import { readFlags, runDaemon } from "./daemon.js";

function readConfig(argv: string[]): IpamdConfig {
  const cmd = buildCommand().version(packageVersion()).exitOverride();
  cmd.parse(argv, { from: "user" });
  return resolveConfig(cmd.opts<Flags>());
}

/**
 * A long-running daemon's heap sized for memory rather than speed, before its modules load: V8's
 * defaults let the young generation grow to 32 MB and the old one to about three times the live
 * data, so RSS went past 170 MB in `npm run bench soak` with ~30 MB live. At run time V8 still
 * honours these two (a young generation that stays at its first 1 MB semi-spaces, smaller old-space
 * steps); --max-semi-space-size itself is read only at start-up. Flags given to node win.
 */
function sizeHeapForMemory(): void {
  const given = (name: string): boolean => process.execArgv.some((a) => a.replaceAll("_", "-").replace(/^--no-/, "--").startsWith(`--${name}`));
  if (!given("optimize-for-size")) setFlagsFromString("--optimize-for-size");
  if (!given("semi-space-growth-factor") && !given("max-semi-space-size")) setFlagsFromString("--semi-space-growth-factor=1");
}

/** The parent of `pid` (/proc/<pid>/stat field 4), or 0 when it cannot be read. */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Under `npx mock-ipamd …` npm runs the daemon through `sh -c`: `kill $!` after `npx mock-ipamd … &`
 * ends npm (and the shell), not the daemon, which would run on with its socket and host links. So
 * when npm started us (npm_lifecycle_event=npx), our parent or npm itself going away is a SIGTERM.
 */
function stopWithNpm(stop: (signal: NodeJS.Signals) => void): void {
  if (process.env.npm_lifecycle_event !== "npx") return;
  const parent = process.ppid;
  const npm = parentOf(parent);
  const timer = setInterval(() => {
    if (process.ppid === parent && (npm <= 1 || parentOf(parent) === npm)) return;
    clearInterval(timer);
    stop("SIGTERM");
  }, 500);
  timer.unref();
}

async function main(): Promise<void> {
  const config = readFlags("mock-ipamd", () => readConfig(process.argv.slice(2)));
  sizeHeapForMemory();
  // Loaded only now, so --help and configuration errors answer without loading gRPC and the rest.
  const [{ startDaemon }, { createLogger }] = await Promise.all([import("../ipamd/daemon.js"), import("../ipamd/log.js")]);
  const log = createLogger(config.logLevel);
  // The handlers go in before start-up: a SIGTERM that arrives while host links are being made
  // must still end in a clean shutdown. Without them Node dies mid-way (links left behind), or,
  // while execa's signal-exit handler is installed for an `ip` child, the signal is swallowed and
  // the daemon keeps running.
  await runDaemon({
    name: "mock-ipamd",
    log,
    start: () => startDaemon({ config, log }),
    shutdown: (daemon, signal) => daemon.shutdown(signal),
    stopAlsoOn: stopWithNpm,
  });
}

void main();
