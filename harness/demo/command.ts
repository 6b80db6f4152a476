// The `vpc-cni-harness demo` command (commander): options, Ctrl-C handling, exit code.

import { Command } from "commander";
import { errorMessage } from "../../common/errors.js";
import { handleInterrupts } from "../cleanup/signals.js";
import { timelinePathProblem } from "../timeline/index.js";
import { parseDemoOptions } from "./options.js";
import type { RawDemoOptions } from "./options.js";
import { runComparison } from "./compare.js";
import { runDemo } from "./run.js";

/** Usage errors (exit 2), decided before anything starts. */
async function usageProblem(raw: RawDemoOptions): Promise<string> {
  try {
    const o = parseDemoOptions(raw);
    return o.timelineFile === undefined ? "" : await timelinePathProblem(o.timelineFile);
  } catch (e) {
    return errorMessage(e);
  }
}

export function demoCommand(): Command {
  return new Command("demo")
    .description("play the EKS Security-Groups-for-Pods sequence: an SGP pod fails its first sandbox (branch ENI not ready), is retried and runs; an ordinary pod runs at once")
    .option("--provisioning-delay <duration>", "how long the fake VPC resource controller takes per branch ENI after its EC2 calls", "5s")
    .option("--instance-type <type>", "node instance type (branch-ENI limit: m5.large 9, m5.xlarge 18, ...)", "m5.large")
    .option("--pods <n>", "number of pods matching the SecurityGroupPolicy (one ordinary pod is added); more than the node's branch-ENI limit stay Pending", "1")
    .option("--wait-for-branch-eni <duration>", "ipamd waits up to this long for the branch ENI instead of failing the first ADD (0: like the real ipamd)", "0")
    .option("--timeline <file>", "also draw the run as a picture (.svg or .html)")
    .option("--json", "machine-readable output: one JSON object per line (events, CNI calls, ENIs, summary)")
    .option("--keep", "do not clean up: no CNI DEL, so the pods' netns, routes and rules stay, with the temp dir; prints how to remove them (vpc-cni-harness cleanup RUN)")
    .option("--compare", "run twice, ipamd failing the first ADD and ipamd waiting (--wait-for-branch-eni, default 30s), and compare SGP pod start times and warnings")
    .option("--namespace <ns>", "namespace of the SecurityGroupPolicy and its pods", "sgp-demo")
    .option("--timeout <duration>", "give up when the pods are not running after this long", "90s")
    .addHelpText("after", "\nAs root, pods get real network namespaces (see `ip netns`); otherwise nothing on the host changes.\nCtrl-C stops the run and cleans up; a second Ctrl-C cleans up without waiting for the pods' DEL.\nExit status: 0 when the sequence happened as expected, 1 otherwise, 2 usage error, 130 when interrupted.")
    .action(async (raw: RawDemoOptions) => {
      const problem = await usageProblem(raw);
      if (problem !== "") {
        process.stderr.write(`demo: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      const options = parseDemoOptions(raw);
      const interrupts = handleInterrupts("demo");
      try {
        const io = {
          stdout: process.stdout, stderr: process.stderr, signal: interrupts.stop, hurry: interrupts.hurry,
          command: `vpc-cni-harness ${process.argv.slice(2).join(" ")}`, onRun: interrupts.setRun,
        };
        process.exitCode = options.compare ? await runComparison(options, io, runDemo) : (await runDemo(options, io)).code;
      } finally {
        interrupts.dispose();
      }
    });
}
