// deploy/README.md's kind walkthrough on this machine, where kind cannot run: the embedded API
// server (`vpc-cni-harness api-server`) stands in for kind's, deploy/'s manifests are applied to it
// with kubectl, and the processes that kind would run from controller.yaml, mock-ec2.yaml and
// daemonset.yaml run here as processes with the manifests' own flags (the controller's
// --provisioning-delay and --cooldown, mock-ipamd --cluster kube; the init container's `instance`
// step is the EC2 launch below). The kubelet is the harness's kubelet loop exec'ing the built plugin
// (no containerd; fake netns paths unless root). Then kubectl runs a pod that matches
// sample-sgp.yaml and describes it. Prints every command and its real output.
// Usage: npx tsx scripts/deploy-walkthrough.ts   (after npm run build)

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createKubeCluster } from "../cluster/client/kube/index.js";
import { kubectlPath, startApiServerProcess } from "../test/helpers/apiserver.js";
import { launchInstance, startControllerProcess, startKubeNode } from "../test/helpers/kube-node.js";
import { startMockEc2 } from "../test/helpers/mock-ec2.js";

const NODE = "kind-worker";
const dir = mkdtempSync(join(tmpdir(), "deploy-walkthrough-"));
const api = await startApiServerProcess();
const ec2 = await startMockEc2();
const kubectl = async (...args: string[]): Promise<string> => {
  const shown = args.map((a) => (/[\s{}\\]/.test(a) ? `'${a}'` : a)).join(" ");
  const r = await execa(kubectlPath() ?? "kubectl", args, { env: { KUBECONFIG: api.kubeconfig }, reject: false, all: true });
  process.stdout.write(`$ kubectl ${shown}\n${String(r.all)}\n\n`);
  return String(r.stdout);
};
try {
  await kubectl("apply", "-f", "deploy/crds.yaml", "-f", "deploy/rbac.yaml", "-f", "deploy/controller.yaml", "-f", "deploy/mock-ec2.yaml", "-f", "deploy/daemonset.yaml", "-f", "deploy/sample-sgp.yaml");
  await launchInstance(ec2.endpoint, NODE, "m5.large");
  const controller = await startControllerProcess(api.kubeconfig, ec2.endpoint, ["--webhook-config-name", "vpc-resource-mutating-webhook", "--provisioning-delay", "1.5s", "--cooldown", "60s"]);
  const node = await startKubeNode({
    dir, nodeName: NODE, instanceType: "m5.large", ec2Endpoint: ec2.endpoint,
    kubeletCluster: createKubeCluster({ kubeconfig: api.kubeconfig }), ipamdKubeconfig: api.kubeconfig,
  });
  try {
    await kubectl("get", "nodes", "-L", "node.kubernetes.io/instance-type,vpc.amazonaws.com/has-trunk-attached");
    await kubectl("get", "cnd");
    await kubectl("get", "sgp");
    await kubectl("run", "web", "--image=busybox", "--labels=app=web", "--", "sleep", "3600");
    await kubectl("wait", "--for=condition=Ready", "pod/web", "--timeout=120s");
    await kubectl("get", "pod", "web", "-o", "wide");
    await kubectl("describe", "pod", "web");
  } finally {
    await node.stop();
    await controller.stop();
  }
} finally {
  await api.stop();
  await ec2.stop();
  rmSync(dir, { recursive: true, force: true });
}
