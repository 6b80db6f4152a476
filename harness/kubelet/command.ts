// `vpc-cni-harness kubelet`: one node's kubelet in cluster mode (run.ts). JSON log lines on stdout,
// one with "msg":"ready". SIGTERM/SIGINT: stop the loop (sandboxes stay, as when kubelet stops),
// exit 0. Exit 1 when it cannot start, 2 for usage errors.

import { Command } from "commander";
import { errorMessage } from "../../common/errors.js";
import { instanceLimits } from "../../common/limits.js";
import { packageVersion } from "../../common/package-info.js";
import type { Log } from "./run.js";

interface RawFlags {
  kubeconfig?: string;
  nodeName?: string;
  cri?: string;
  instanceType: string;
  providerId?: string;
  internalIp?: string;
  ipamdControl?: string;
}

const log: Log = (level, msg, fields) => void process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), name: "kubelet", ...fields, msg })}\n`);

export function kubeletCommand(): Command {
  return new Command("kubelet")
    .description("a node's kubelet in cluster mode: registers the Node, runs the pods bound to it through containerd's CRI (which execs the CNI plugin), writes their status and events")
    .option("--kubeconfig <file>", "kubeconfig of the API server (default: the in-cluster service account)")
    .option("--node-name <name>", "this node's name (required)")
    .option("--cri <address>", "containerd's CRI socket, unix:///path (required)")
    .option("--instance-type <type>", "the node's instance type label (its pods capacity follows)", "m5.large")
    .option("--provider-id <id>", "spec.providerID, e.g. aws:///us-west-2a/i-0123456789abcdef0")
    .option("--internal-ip <ip>", "the node's InternalIP address (its pods' hostIP)")
    .option("--ipamd-control <address>", "the node's mock-ipamd control socket, unix:///path: each minute its leases are reconciled with containerd's live sandboxes (containerd sends no CNI GC)")
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (f: RawFlags) => {
      const problem = f.nodeName === undefined ? "--node-name is required" : f.cri === undefined ? "--cri is required" : !/^unix:\/\/\//.test(f.cri) ? `--cri ${f.cri}: a unix:///path address`
        : f.ipamdControl !== undefined && !/^unix:\/\/\/./.test(f.ipamdControl) ? `--ipamd-control ${f.ipamdControl}: a unix:///path address` : instanceProblem(f.instanceType);
      if (problem !== undefined) {
        process.stderr.write(`kubelet: ${problem}\n`);
        process.exit(2);
      }
      const { runKubelet } = await import("./run.js");
      try {
        const running = await runKubelet({
          kubeconfig: f.kubeconfig, nodeName: f.nodeName as string, criSocket: (f.cri as string).slice("unix://".length), instanceType: f.instanceType,
          providerId: f.providerId, internalIp: f.internalIp, ipamdControl: f.ipamdControl,
        }, log);
        const stop = (): void => {
          void running.stop().then(() => {
            log("info", "stopped");
            process.exit(0);
          });
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      } catch (e) {
        process.stderr.write(`kubelet: ${errorMessage(e)}\n`);
        process.exit(1);
      }
    });
}

function instanceProblem(t: string): string | undefined {
  try {
    instanceLimits(t);
    return undefined;
  } catch {
    return `--instance-type ${t}: not an instance type this harness knows`;
  }
}
