// One node of cluster mode around any API server: EC2 runs the node's instance, the controller
// (its own process, on a kubeconfig of the caller's choice), the kubelet loop (in this process, on
// the seam, exec'ing the built plugin without root: fake netns paths), and mock-ipamd --cluster kube
// (its own process). For the tests and benchmarks that watch cluster mode from outside.

import { join } from "node:path";
import type { ClusterClient } from "../../cluster/client/index.js";
import { createEc2Client } from "../../common/ec2/client.js";
import { cniSandboxRuntime } from "../../harness/demo/kubelet.js";
import { writeNetworkSetup } from "../../harness/demo/network.js";
import { startClusterKubelet } from "../../runtime/index.js";
import type { ClusterKubelet, KubeletObservation, SandboxCall } from "../../runtime/index.js";
import { REPO_ROOT, startDaemon } from "./daemon.js";
import type { StartedDaemon } from "./daemon.js";
import { startReadyProcess } from "./process.js";
import type { ReadyProcess } from "./process.js";

export const CONTROLLER_JS = join(REPO_ROOT, "dist", "cmd", "mock-vpc-resource-controller.js");
export const PLUGIN = join(REPO_ROOT, "dist", "bin", "mock-vpc-cni");

/** mock-vpc-resource-controller on this kubeconfig and EC2, with its webhook on a free port. */
export function startControllerProcess(kubeconfig: string, ec2Endpoint: string, args: readonly string[] = []): Promise<ReadyProcess> {
  return startReadyProcess(CONTROLLER_JS, ["--kubeconfig", kubeconfig, "--ec2-endpoint", ec2Endpoint, "--webhook-listen", "127.0.0.1:0", ...args], { name: "mock-vpc-resource-controller" });
}

/** EC2's instance for a node, tagged Name=<node> as ipamd and the controller look it up. */
export async function launchInstance(ec2Endpoint: string, nodeName: string, instanceType = "m5.large"): Promise<void> {
  const ec2 = createEc2Client({ endpoint: ec2Endpoint, accessKeyId: "launcher" });
  try {
    await ec2.runInstances({ instanceType, tags: { Name: nodeName } });
  } finally {
    ec2.destroy();
  }
}

export interface KubeNodeSpec {
  dir: string;
  nodeName: string;
  instanceType?: string;
  ec2Endpoint: string;
  /** What the kubelet loop uses (on a real cluster: the node's own credentials). */
  kubeletCluster: ClusterClient;
  /** mock-ipamd's kubeconfig. */
  ipamdKubeconfig: string;
  ipamdArgs?: readonly string[];
  observe?: (o: KubeletObservation) => void;
  onCall?: (c: SandboxCall) => void;
}

export interface KubeNode {
  /** The running mock-ipamd (a new one after restartIpamd). */
  ipamd: StartedDaemon;
  kubelet: ClusterKubelet;
  /** SIGTERM, then the same command line on the same state dir (checkpoint, socket). */
  restartIpamd(): Promise<StartedDaemon>;
  /** Kubelet first (its sandboxes DEL through ipamd), then ipamd. */
  stop(): Promise<void>;
}

/** The kubelet registers the Node; mock-ipamd waits for it, then for its trunk (a controller must run). */
export async function startKubeNode(spec: KubeNodeSpec): Promise<KubeNode> {
  const stateDir = join(spec.dir, "ipamd");
  const net = await writeNetworkSetup(join(spec.dir, "cni"), PLUGIN, `unix://${join(stateDir, "ipamd.sock")}`, false);
  const runtime = await cniSandboxRuntime({ net, root: false, fakeNetnsDir: join(spec.dir, "netns"), ...(spec.onCall === undefined ? {} : { onCall: spec.onCall }) });
  const kubeletStarted = startClusterKubelet({
    cluster: spec.kubeletCluster, nodeName: spec.nodeName, instanceType: spec.instanceType ?? "m5.large", runtime,
    ...(spec.observe === undefined ? {} : { observe: spec.observe }),
  });
  const startIpamd = (): Promise<StartedDaemon> => startDaemon({
    stateDir, readyTimeoutMs: 60_000,
    args: ["--cluster", "kube", "--kubeconfig", spec.ipamdKubeconfig, "--node-name", spec.nodeName, "--ec2-endpoint", spec.ec2Endpoint, ...(spec.ipamdArgs ?? [])],
  });
  let ipamd: StartedDaemon;
  try {
    ipamd = await startIpamd();
  } catch (e) {
    await (await kubeletStarted).shutdown(true);
    throw e;
  }
  const kubelet = await kubeletStarted;
  const node: KubeNode = {
    ipamd, kubelet,
    async restartIpamd() {
      await node.ipamd.stop("SIGTERM", { keepState: true });
      node.ipamd = await startIpamd();
      return node.ipamd;
    },
    async stop() {
      await kubelet.shutdown();
      await node.ipamd.stop();
    },
  };
  return node;
}
