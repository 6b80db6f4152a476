// The `vpc-cni-harness scenario` command group (run / list / validate), registered by the CLI.

import { Command } from "commander";

export function scenarioCommand(): Command {
  const cmd = new Command("scenario").description("run declarative scenarios (real or simulated time) and check their outcome");
  cmd
    .command("run")
    .argument("<file>", "scenario file (YAML or JSON)")
    .option("--simulated", "simulated time: fake clock, in-process sandbox runtime (scales to thousands of pods)")
    .option("--timeline <file>", "write the timeline picture (.svg or .html)")
    .option("--json", "print machine-readable events, one JSON object per line")
    .action(() => {
      throw new Error("scenario run: not implemented yet");
    });
  cmd.command("list").description("list the shipped scenarios");
  cmd.command("validate").argument("<file>", "scenario file to validate");
  return cmd;
}
