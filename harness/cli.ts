// The vpc-cni-harness program: its commands (demo, scenario, cleanup, api-server, cluster, kubelet, instance), and one rule for usage errors (exit 2, decided by
// commander before any action runs), so every command reports them the same way.

import { Command, CommanderError } from "commander";
import { apiServerCommand } from "../apiserver/index.js";
import { cleanupCommand } from "./cleanup/command.js";
import { clusterCommand } from "./cluster/command.js";
import { instanceCommand } from "./cluster/instance-command.js";
import { kubeletCommand } from "./kubelet/command.js";
import { demoCommand } from "./demo/index.js";
import { packageVersion } from "../common/package-info.js";
import { scenarioCommand } from "./scenario/command.js";

/** Exit status of a usage error: bad option, unknown command, missing argument, conflicting flags. */
export const USAGE_ERROR = 2;

/** exitOverride on every command: commander throws instead of exiting, and we pick the status. */
function strict(cmd: Command): Command {
  cmd.exitOverride().showHelpAfterError("(add --help for usage)");
  for (const sub of cmd.commands) strict(sub);
  return cmd;
}

export function buildProgram(): Command {
  const program = new Command("vpc-cni-harness")
    .description("reproduce the EKS Security-Groups-for-Pods fail-then-retry path on one Linux machine")
    .version(packageVersion())
    .addCommand(demoCommand())
    .addCommand(scenarioCommand())
    .addCommand(cleanupCommand())
    .addCommand(apiServerCommand())
    .addCommand(clusterCommand())
    .addCommand(kubeletCommand())
    .addCommand(instanceCommand());
  return strict(program);
}

/** Runs the program on argv (node, script, args...) and returns the exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (e) {
    // --help and --version end here with 0; every other commander error is a usage error.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USAGE_ERROR;
    throw e;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}
