// The `vpc-cni-harness demo` command (commander): options, Ctrl-C handling, exit code.

import { Command } from "commander";
import { errorMessage } from "../../common/errors.js";
import { timelinePathProblem } from "../timeline/index.js";
import { parseDemoOptions } from "./options.js";
import type { RawDemoOptions } from "./options.js";
import { runComparison } from "./compare.js";
import { runDemo } from "./run.js";

export function demoCommand(): Command {
  return new Command("demo")
    .description("play the EKS Security-Groups-for-Pods sequence: an SGP pod fails its first sandbox (branch ENI not ready), is retried and runs; an ordinary pod runs at once")
    .option("--provisioning-delay <duration>", "how long the fake VPC resource controller takes per branch ENI after its EC2 calls", "5s")
    .option("--instance-type <type>", "node instance type (branch-ENI limit: m5.large 9, m5.xlarge 18, ...)", "m5.large")
    .option("--pods <n>", "number of pods matching the SecurityGroupPolicy (one ordinary pod is added)", "1")
    .option("--wait-for-branch-eni <duration>", "ipamd waits up to this long for the branch ENI instead of failing the first ADD (0: like the real ipamd)", "0")
    .option("--timeline <file>", "also draw the run as a picture (.svg or .html)")
    .option("--json", "machine-readable output: one JSON object per line (events, CNI calls, ENIs, summary)")
    .option("--keep", "do not clean up: no CNI DEL, so the pods' netns, host veths, routes and rules stay, with the temp dir (conflist, plugin log, ipamd state)")
    .option("--compare", "run twice, ipamd failing the first ADD and ipamd waiting (--wait-for-branch-eni, default 30s), and compare SGP pod start times and warnings")
    .option("--namespace <ns>", "namespace of the SecurityGroupPolicy and its pods", "sgp-demo")
    .option("--timeout <duration>", "give up when the pods are not running after this long", "90s")
    .addHelpText("after", "\nAs root, pods get real network namespaces (see `ip netns`); otherwise nothing on the host changes.\nExit status: 0 when the sequence happened as expected, 1 otherwise, 130 when interrupted.")
    .action(async (raw: RawDemoOptions) => {
      let options;
      try {
        options = parseDemoOptions(raw);
      } catch (e) {
        process.stderr.write(`demo: ${errorMessage(e)}\n`);
        process.exitCode = 2;
        return;
      }
      const problem = options.timelineFile === undefined ? "" : await timelinePathProblem(options.timelineFile);
      if (problem !== "") {
        process.stderr.write(`demo: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      const abort = new AbortController();
      // First signal: stop waiting and clean up (DEL, netns, daemon). Second: leave at once.
      const onSignal = (): void => {
        if (!abort.signal.aborted) return abort.abort(new Error("interrupted"));
        process.stderr.write("demo: interrupted again, exiting without finishing the cleanup\n");
        process.exit(130);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        const io = { stdout: process.stdout, stderr: process.stderr, signal: abort.signal };
        process.exitCode = options.compare ? await runComparison(options, io, runDemo) : (await runDemo(options, io)).code;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
