#!/usr/bin/env node
// mock-vpc-resource-controller: parses the flags once (exit 2 on a usage error), starts the
// controller on the Kubernetes API, and turns SIGTERM/SIGINT into a clean stop (exit 0).

import { buildCommand, parseArgs } from "../controller/process/flags.js";
import { readFlags, runDaemon } from "./daemon.js";

async function main(): Promise<void> {
  const config = readFlags("mock-vpc-resource-controller", () => parseArgs(process.argv.slice(2), buildCommand().exitOverride()));
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Loaded only now: --help and usage errors answer without loading client-node and the SDK.
  const [{ startControllerProcess }, { createLogger }] = await Promise.all([import("../controller/process/start.js"), import("../common/log.js")]);
  const log = createLogger("mock-vpc-resource-controller", config.logLevel);
  await runDaemon({ name: "mock-vpc-resource-controller", log, start: () => startControllerProcess(config, log), shutdown: (c, signal) => c.shutdown(signal) });
}

void main();
