#!/usr/bin/env node
// mock-ipamd: parses flags and the config file once, starts the daemon, and turns SIGTERM/SIGINT
// into a clean shutdown (checkpoint flushed, host links removed, exit 0).

import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { errorMessage, isHarnessError } from "../common/errors.js";
import { packageVersion } from "../common/package-info.js";
import { buildCommand, resolveConfig } from "../ipamd/config/index.js";
import type { Flags, IpamdConfig } from "../ipamd/config/index.js";

function readConfig(argv: string[]): IpamdConfig {
  const cmd = buildCommand().version(packageVersion()).exitOverride();
  try {
    cmd.parse(argv, { from: "user" });
  } catch (e) {
    // --help and --version print and exit 0; bad flags have been printed by commander.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    throw e;
  }
  return resolveConfig(cmd.opts<Flags>());
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
  let config: IpamdConfig;
  try {
    config = readConfig(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`mock-ipamd: ${errorMessage(e)}\n`);
    process.exit(2);
  }
  // Loaded only now, so --help and configuration errors answer without loading gRPC and the rest.
  const [{ startDaemon }, { createLogger }] = await Promise.all([import("../ipamd/daemon.js"), import("../ipamd/log.js")]);
  const log = createLogger(config.logLevel);
  process.on("unhandledRejection", (e) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "unhandled rejection"));
  // The handlers go in before start-up: a SIGTERM that arrives while host links are being made
  // must still end in a clean shutdown. Without them Node dies mid-way (links left behind), or,
  // while execa's signal-exit handler is installed for an `ip` child, the signal is swallowed and
  // the daemon keeps running. A second signal takes the default action (exit at once).
  const stop = (signal: NodeJS.Signals): void => {
    started
      .then((daemon) => daemon.shutdown(signal))
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: errorMessage(e) }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  stopWithNpm(stop);
  // Signal listeners run in a later turn than this one, so `started` is set by then; startDaemon
  // logs (synchronously) before its first await, so the handlers must already be in place.
  const started = startDaemon({ config, log });
  try {
    await started;
  } catch (e) {
    const details = isHarnessError(e) ? e.details : undefined;
    log.fatal({ err: errorMessage(e), details }, "cannot start");
    process.stderr.write(`mock-ipamd: cannot start: ${errorMessage(e)}${details === undefined ? "" : ` (${details})`}\n`);
    process.exit(1);
  }
}

void main();
