// What the three daemon commands (mock-ipamd, mock-ec2, mock-vpc-resource-controller) share: the
// flags read once (--help and --version exit 0, a usage error exits 2 with one line), then the
// daemon started with SIGTERM/SIGINT already turned into a clean shutdown (exit 0; 1 if the
// shutdown fails). A second signal takes the default action: exit at once.

import { CommanderError } from "commander";
import type { Logger } from "../common/log.js";
import { errorMessage, isHarnessError } from "../common/errors.js";

/** The configuration `parse` makes of the flags, or the process ends (0 for --help/--version, 2 otherwise). */
export function readFlags<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    // Commander has printed its own message (or the help) already.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    process.stderr.write(`${name}: ${errorMessage(e)}\n`);
    process.exit(2);
  }
}

export interface DaemonRun<T> {
  name: string;
  log: Logger;
  /** Starts the daemon; it may log before its first await, so the handlers are in place first. */
  start: () => Promise<T>;
  shutdown: (daemon: T, signal: NodeJS.Signals) => Promise<void>;
  /** Other reasons to stop, besides SIGTERM and SIGINT (e.g. mock-ipamd's npm parent going away). */
  stopAlsoOn?: (stop: (signal: NodeJS.Signals) => void) => void;
}

/** Runs the daemon until a signal; a start-up failure is logged, printed in one line, and exits 1. */
export async function runDaemon<T>(o: DaemonRun<T>): Promise<void> {
  const { log } = o;
  process.on("unhandledRejection", (e) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "unhandled rejection"));
  // Without these handlers a SIGTERM during start-up kills Node half-way (host links, sockets and
  // state files left behind); with them it waits for the start, then shuts down cleanly.
  const stop = (signal: NodeJS.Signals): void => {
    started
      .then((daemon) => o.shutdown(daemon, signal))
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: errorMessage(e) }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  o.stopAlsoOn?.(stop);
  // Signal listeners run in a later turn than this one, so `started` is set before `stop` reads it.
  const started = o.start();
  try {
    await started;
  } catch (e) {
    const details = isHarnessError(e) ? e.details : undefined;
    log.fatal({ err: errorMessage(e), details }, "cannot start");
    process.stderr.write(`${o.name}: cannot start: ${errorMessage(e)}${details === undefined ? "" : ` (${details})`}\n`);
    process.exit(1);
  }
}
