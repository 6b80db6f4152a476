#!/usr/bin/env node
// The vpc-cni-harness CLI: demo and scenarios (commander; `--help` on every command).

import { Command } from "commander";
import { apiServerCommand } from "../apiserver/command.js";
import { clusterCommand } from "../harness/cluster/command.js";
import { instanceCommand } from "../harness/cluster/instance-command.js";
import { demoCommand } from "../harness/demo/index.js";
import { kubeletCommand } from "../harness/kubelet/command.js";
import { scenarioCommand } from "../harness/scenario/command.js";

const program = new Command("vpc-cni-harness")
  .description("reproduce the EKS Security-Groups-for-Pods fail-then-retry path on one Linux machine")
  .version("0.1.0")
  .showHelpAfterError();

program.addCommand(demoCommand());
program.addCommand(scenarioCommand());
program.addCommand(apiServerCommand());
program.addCommand(clusterCommand());
program.addCommand(kubeletCommand());
program.addCommand(instanceCommand());

await program.parseAsync(process.argv);
