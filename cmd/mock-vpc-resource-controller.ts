#!/usr/bin/env node
// mock-vpc-resource-controller: parses the flags once (exit 2 on a usage error), starts the
// controller on the Kubernetes API, and turns SIGTERM/SIGINT into a clean stop (exit 0).

import { CommanderError } from "commander";
import { errorMessage, isHarnessError } from "../common/errors.js";
import { buildCommand, parseArgs } from "../controller/process/flags.js";
import type { ControllerProcessConfig } from "../controller/process/flags.js";

function readConfig(argv: string[]): ControllerProcessConfig {
  try {
    return parseArgs(argv, buildCommand().exitOverride());
  } catch (e) {
    // --help and --version print and exit 0; bad flags have been printed by commander.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    process.stderr.write(`mock-vpc-resource-controller: ${errorMessage(e)}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Loaded only now: --help and usage errors answer without loading client-node and the SDK.
  const [{ startControllerProcess }, { createLogger }] = await Promise.all([import("../controller/process/start.js"), import("../common/log.js")]);
  const log = createLogger("mock-vpc-resource-controller", config.logLevel);
  process.on("unhandledRejection", (e) => log.error({ err: e instanceof Error ? e.stack : String(e) }, "unhandled rejection"));
  // Handlers first: a signal during start-up still ends in a clean exit. A second signal kills.
  const stop = (signal: NodeJS.Signals): void => {
    started
      .then((c) => c.shutdown(signal))
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: errorMessage(e) }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const started = startControllerProcess(config, log);
  try {
    await started;
  } catch (e) {
    const details = isHarnessError(e) ? e.details : undefined;
    log.fatal({ err: errorMessage(e), details }, "cannot start");
    process.stderr.write(`mock-vpc-resource-controller: cannot start: ${errorMessage(e)}${details === undefined ? "" : ` (${details})`}\n`);
    process.exit(1);
  }
}

void main();
