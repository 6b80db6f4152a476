#!/usr/bin/env node
// mock-ec2: parses the flags once (exit 2 on a usage error), starts the fake EC2, and turns
// SIGTERM/SIGINT into a clean shutdown (listener closed, in-flight writes finished, exit 0).

import { buildCommand, parseArgs } from "../ec2/config.js";
import { readFlags, runDaemon } from "./daemon.js";

async function main(): Promise<void> {
  const config = readFlags("mock-ec2", () => parseArgs(process.argv.slice(2), buildCommand().exitOverride()));
  const [{ startMockEc2 }, { createLogger }] = await Promise.all([import("../ec2/start.js"), import("../common/log.js")]);
  const log = createLogger("mock-ec2", config.logLevel);
  await runDaemon({
    name: "mock-ec2",
    log,
    start: () => startMockEc2(config, { log }),
    shutdown: async (ec2, signal) => {
      log.info({ signal }, "shutting down");
      await ec2.close();
    },
  });
}

void main();
