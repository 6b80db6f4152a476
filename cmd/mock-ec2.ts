#!/usr/bin/env node
// mock-ec2: parses the flags once (exit 2 on a usage error), starts the fake EC2, and turns
// SIGTERM/SIGINT into a clean shutdown (listener closed, in-flight writes finished, exit 0).

import { CommanderError } from "commander";
import { errorMessage, isHarnessError } from "../common/errors.js";
import { buildCommand, parseArgs } from "../ec2/config.js";
import type { MockEc2Config } from "../ec2/config.js";

function readConfig(argv: string[]): MockEc2Config {
  try {
    return parseArgs(argv, buildCommand().exitOverride());
  } catch (e) {
    // --help and --version print and exit 0; bad flags have been printed by commander.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    process.stderr.write(`mock-ec2: ${errorMessage(e)}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  const [{ startMockEc2 }, { createLogger }] = await Promise.all([import("../ec2/start.js"), import("../ec2/log.js")]);
  const log = createLogger(config.logLevel);
  process.on("unhandledRejection", (e) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "unhandled rejection"));
  // Handlers first: a signal during start-up still ends in a clean exit. A second signal kills.
  const stop = (signal: NodeJS.Signals): void => {
    log.info({ signal }, "shutting down");
    started
      .then((ec2) => ec2.close())
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: errorMessage(e) }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const started = startMockEc2(config, { log });
  try {
    await started;
  } catch (e) {
    const details = isHarnessError(e) ? e.details : undefined;
    log.fatal({ err: errorMessage(e), details }, "cannot start");
    process.stderr.write(`mock-ec2: cannot start: ${errorMessage(e)}${details === undefined ? "" : ` (${details})`}\n`);
    process.exit(1);
  }
}

void main();
