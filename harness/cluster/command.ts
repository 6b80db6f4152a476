// `vpc-cni-harness cluster up|down|status`: a multi-node cluster on this machine (docs/ARCHITECTURE.md,
// cluster mode). Exit codes: 0 done, 1 failed (what is left is named, with the command that removes
// it), 2 usage error (nothing started), 130 interrupted (after removing what was made).

import { Command, Option } from "commander";
import { parseDuration } from "../../common/duration.js";
import { HarnessError, errorMessage, isHarnessError } from "../../common/errors.js";
import { packageVersion } from "../../common/package-info.js";
import { clusterDown } from "./down.js";
import type { RawUpFlags } from "./options.js";
import { resolveStateDir, resolveUpFlags } from "./options.js";
import { RESTARTABLE, restartDaemon } from "./restart.js";
import type { RestartableRole } from "./restart.js";
import { StateFile } from "./state.js";
import { downCommand, processStatus } from "./status.js";
import { clusterUp, preflight } from "./up.js";

function usage(cmd: Command): Command {
  return cmd.version(packageVersion()).showHelpAfterError().exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

function fail(what: string, e: unknown): void {
  const details = isHarnessError(e) && e.details !== undefined ? `\n  ${e.details}` : "";
  process.stderr.write(`cluster ${what}: ${errorMessage(e)}${details}\n`);
}

/**
 * A subcommand's two steps: its flags checked first (a usage error: exit 2, nothing done), then the
 * work, whose result is the exit code (1 when it throws).
 */
async function checkThenRun<T>(what: string, check: () => T, work: (checked: T) => Promise<number>): Promise<void> {
  let checked: T;
  try {
    checked = check();
  } catch (e) {
    fail(what, e);
    process.exit(2);
  }
  try {
    process.exitCode = await work(checked);
  } catch (e) {
    fail(what, e);
    process.exitCode = 1;
  }
}

function upCommand(): Command {
  return usage(new Command("up"))
    .description("start a cluster on this machine: the API server, the controller and mock-ec2 on the host, each node a network namespace with its own containerd, mock-ipamd, CNI plugin and kubelet; the nodes share a bridge (the VPC)")
    .option("--nodes <n>", "number of nodes (1 to 8)", "3")
    .option("--kubeconfig <file>", "where to write the kubeconfig (default ./<name>.kubeconfig)")
    .option("--name <name>", "cluster name: node names, netns and links start with it (1 to 8 lower-case letters and digits)", "vch")
    .option("--state-dir <dir>", "where the cluster keeps its state, logs and node dirs (default /run/vpc-cni-harness/cluster/<name>)")
    .option("--vpc-cidr <cidr>", "the VPC's block (/16 to /18): primary subnet its first /19, branch subnet the second", "10.0.0.0/16")
    .option("--instance-type <type>", "every node's EC2 instance type (ENI, IP and branch-ENI limits)", "m5.large")
    .option("--provisioning-delay <duration>", "the controller's delay per branch ENI after its EC2 calls (its default when absent)")
    .option("--qps <n>", "mock-ec2's account-wide rate limit, calls per second (0: none)", "12")
    .option("--burst <n>", "mock-ec2's burst", "18")
    .option("--timeout <duration>", "how long each daemon and each node may take to be ready", "120s")
    .addOption(new Option("--keep-on-failure", "when up fails, leave what it made for a look (then run cluster down)"))
    .addHelpText("after", "\nNeeds root, Debian's containerd and runc, and a built tree (npm run build).\nup returns once every node is Ready; the cluster keeps running until `cluster down`.")
    .action(async (raw: RawUpFlags) => {
      let cfg;
      try {
        cfg = resolveUpFlags(raw);
      } catch (e) {
        fail("up", e);
        process.exit(2);
      }
      // The AWS SDK's Node-20 notice (docs/REFERENCE.md §9) is noise on a terminal.
      process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
      const abort = new AbortController();
      const onSignal = (): void => abort.abort(new Error("interrupted"));
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      // A refusal (not root, a missing tool, a cluster already there or left over) made nothing:
      // it must not fall into the clean-up below, which would remove the other cluster.
      try {
        await preflight({ ...cfg, progress: () => undefined, signal: abort.signal });
      } catch (e) {
        fail("up", e);
        process.exitCode = 1;
        return;
      }
      const started = Date.now();
      const progress = (line: string): void => void process.stdout.write(`+${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s  ${line}\n`);
      try {
        const s = await clusterUp({ ...cfg, progress, signal: abort.signal });
        progress(`cluster "${s.name}" is up: ${s.nodes.length} node(s) Ready`);
        process.stdout.write(`\n  kubectl --kubeconfig ${cfg.kubeconfig} get nodes -o wide\n  ${downCommand(cfg.layout.stateDir)}\n`);
        process.exitCode = 0;
      } catch (e) {
        fail("up", e);
        if (cfg.keepOnFailure) {
          process.stderr.write(`  left as it is; remove it with: ${downCommand(cfg.layout.stateDir)}\n`);
        } else {
          process.stderr.write("  removing what was made ...\n");
          const r = await clusterDown(cfg.layout.stateDir, { progress: (l) => void process.stderr.write(`  ${l}\n`) }).catch((x: unknown) => ({ found: true, problems: [errorMessage(x)] }));
          for (const p of r.problems) process.stderr.write(`  could not remove: ${p}\n`);
          if (r.problems.length > 0) process.stderr.write(`  then run: ${downCommand(cfg.layout.stateDir)}\n`);
        }
        process.exitCode = abort.signal.aborted ? 130 : 1;
      }
    });
}

function stateDirOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "cluster name", "vch")
    .option("--state-dir <dir>", "the cluster's state dir (default /run/vpc-cni-harness/cluster/<name>)");
}

function downCmd(): Command {
  return stateDirOptions(usage(new Command("down")))
    .description("remove a cluster: every process, network namespace, link, container and file `up` recorded, also after a crash")
    .action((raw: { name: string; stateDir?: string }) => checkThenRun("down", () => resolveStateDir(raw), async (dir) => {
      const r = await clusterDown(dir, { progress: (l) => void process.stdout.write(`${l}\n`) });
      if (!r.found) process.stdout.write(`no cluster state in ${dir}: nothing to remove\n`);
      for (const p of r.problems) process.stderr.write(`cluster down: could not remove: ${p}\n`);
      if (r.problems.length > 0) process.stderr.write(`the state file stays in ${dir}; run again: ${downCommand(dir)}\n`);
      return r.problems.length === 0 ? 0 : 1;
    }));
}

function statusCmd(): Command {
  return stateDirOptions(usage(new Command("status")))
    .description("show a cluster's nodes and whether each recorded process still runs")
    .action((raw: { name: string; stateDir?: string }) => checkThenRun("status", () => resolveStateDir(raw), async (dir) => {
      const s = await StateFile.read(dir);
      if (s === undefined) {
        process.stdout.write(`no cluster state in ${dir}\n`);
        return 1;
      }
      process.stdout.write(`cluster "${s.name}" (${s.phase}), VPC ${s.vpcCidr}, API server ${s.apiServer ?? "-"}, kubeconfig ${s.kubeconfig.path}\n`);
      for (const n of s.nodes) process.stdout.write(`  ${n.name}  ${n.instanceId ?? "-"}  ${n.primaryIp ?? "-"}  netns ${n.netns}\n`);
      const procs = await processStatus(s);
      for (const p of procs) process.stdout.write(`  ${p.alive ? "running" : "GONE   "}  ${p.role}${p.node === undefined ? "" : ` (${p.node})`}  pid ${p.pid}\n`);
      return procs.every((p) => p.alive) && s.phase === "ready" ? 0 : 1;
    }));
}

function restartCmd(): Command {
  return stateDirOptions(usage(new Command("restart")))
    .description("start one of the cluster's daemons again, with the command line it was started with (after a crash, or to see a restart): mock-ec2, controller, or a node's containerd, ipamd or kubelet")
    .argument("<role>", `one of ${RESTARTABLE.join(", ")}`)
    .option("--node <name>", "the node, for containerd, ipamd and kubelet")
    .option("--timeout <duration>", "how long it may take to be ready", "120s")
    .action((role: string, raw: { name: string; stateDir?: string; node?: string; timeout: string }) => checkThenRun("restart", () => {
      const dir = resolveStateDir(raw);
      const timeoutMs = parseDuration(raw.timeout, "--timeout");
      if (!(RESTARTABLE as readonly string[]).includes(role)) throw new HarnessError("invalid-argument", `${role}: not a daemon that restarts (${RESTARTABLE.join(", ")}; the API server keeps the cluster in memory)`);
      return { dir, timeoutMs };
    }, async ({ dir, timeoutMs }) => {
      const r = await restartDaemon(dir, role as RestartableRole, raw.node, { timeoutMs });
      process.stdout.write(`${role}${r.node === undefined ? "" : ` of ${r.node}`} running again (pid ${r.pid}); log ${r.log}\n`);
      return 0;
    }));
}

export function clusterCommand(): Command {
  return usage(new Command("cluster"))
    .description("a multi-node cluster on this machine (up, down, status, restart)")
    .addCommand(upCommand())
    .addCommand(downCmd())
    .addCommand(statusCmd())
    .addCommand(restartCmd());
}
