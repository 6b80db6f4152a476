// The two backends of one node, for bench/cluster-mode.ts. Both exec the built plugin through the
// libcni-like runtime (no root: fake netns paths, `dataplane: none`), so only the path between
// the actors differs:
// - memory: mock-ipamd in memory mode (its own store, controller and EC2 model in its process);
//   the kubelet loop (this process) reaches pods and events through its control API (gRPC), as the
//   demo does.
// - kube: the embedded API server (in this process, over HTTPS, with its scheduler and a counter
//   of every resource request), mock-ec2, mock-vpc-resource-controller and mock-ipamd --cluster
//   kube as their own processes, the kubelet loop (this process) on client-node's informers.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeconfigYaml, makeServingCert, startApiServer, writeKubeconfig } from "../../apiserver/index.js";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import type { KubeCluster } from "../../cluster/client/kube/index.js";
import { buildPod, buildSgp } from "../../cluster/k8s/index.js";
import { createObjectStore } from "../../cluster/store/index.js";
import { systemClock } from "../../common/clock.js";
import { startCniKubelet } from "../../harness/demo/kubelet.js";
import { writeNetworkSetup } from "../../harness/demo/network.js";
import type { KubeletObservation } from "../../runtime/index.js";
import { startScheduler, storePort } from "../../scheduler/index.js";
import { startDaemon } from "../../test/helpers/daemon.js";
import { launchInstance, PLUGIN, startControllerProcess, startKubeNode } from "../../test/helpers/kube-node.js";
import { startMockEc2 } from "../../test/helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../../test/helpers/mock-ec2.js";

const NODE = "bench-node";
const SG = "sg-0123456789abcdef0";

export interface Stack {
  backend: "memory" | "kube";
  /** Creates an SGP pod (bound to the node by the backend's scheduler). */
  createSgpPod(name: string): Promise<void>;
  deletePod(name: string): Promise<void>;
  /** When the controller recorded ResourceAllocated for each pod (right after its annotation write), ms. */
  allocatedAt(): Promise<Map<string, number>>;
  /** Resource requests the API server answered so far (kube only). */
  apiRequests(): number;
  /** Tokened (rate-limited) EC2 calls so far, and the account bucket (kube only: mock-ec2's call log). */
  ec2(): Promise<{ tokened: number; qps: number; burst: number } | undefined>;
  stop(): Promise<void>;
}

export interface StackSpec {
  instanceType: string;
  provisioningDelay: string;
  observe: (o: KubeletObservation, at: number) => void;
  onProblem?: (text: string) => void;
}

export async function memoryStack(spec: StackSpec): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "bench-memory-"));
  const d = await startDaemon({ args: ["--node-name", NODE, "--instance-type", spec.instanceType, "--provisioning-delay", spec.provisioningDelay, "--sgp-namespace", "default", "--log-level", "warn"] });
  const net = await writeNetworkSetup(join(dir, "cni"), PLUGIN, d.address, false);
  const { shutdown } = await startCniKubelet({
    control: d.control, net, nodeName: NODE, root: false, fakeNetnsDir: join(dir, "netns"),
    onProblem: spec.onProblem ?? (() => undefined), observe: (o) => spec.observe(o, Date.now()),
  });
  return {
    backend: "memory",
    async createSgpPod(name) {
      await d.control.CreatePod({ namespace: "default", name, labels: { app: "sgp" }, schedule: true }, { timeoutMs: 10_000 });
    },
    async deletePod(name) {
      await d.control.DeletePod({ namespace: "default", name }, { timeoutMs: 10_000 });
    },
    async allocatedAt() {
      const { events } = await d.control.ListEvents({}, { timeoutMs: 10_000 });
      return new Map(events.filter((e) => e.reason === "ResourceAllocated").map((e) => [e.involved_object?.name ?? "", Number(e.first_timestamp_ms)]));
    },
    apiRequests: () => 0,
    ec2: async () => undefined,
    async stop() {
      await shutdown(false);
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function kubeStack(spec: StackSpec): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "bench-kube-"));
  const ec2: StartedMockEc2 = await startMockEc2();
  await launchInstance(ec2.endpoint, NODE, spec.instanceType);
  const clock = systemClock;
  const store = createObjectStore({ clock });
  const tls = makeServingCert(["127.0.0.1"]);
  const token = randomBytes(32).toString("base64url");
  let requests = 0;
  const server = await startApiServer({ store, host: "127.0.0.1", port: 0, token, tls, clock, authorize: () => (requests++, true) });
  const scheduler = startScheduler(storePort(store, clock), { clock });
  const kubeconfig = join(dir, "kubeconfig");
  writeKubeconfig(kubeconfig, kubeconfigYaml(server.url, tls.caPem, token));
  const controller = await startControllerProcess(kubeconfig, ec2.endpoint, ["--provisioning-delay", spec.provisioningDelay, "--log-level", "warn"]);
  const cluster: KubeCluster = createKubeCluster({ kubeconfig, clock });
  await cluster.sgps.create(buildSgp({ namespace: "default", name: "sgp", podSelector: { matchLabels: { app: "sgp" } }, securityGroupIds: [SG] }));
  const node = await startKubeNode({
    dir, nodeName: NODE, instanceType: spec.instanceType, ec2Endpoint: ec2.endpoint, kubeletCluster: cluster, ipamdKubeconfig: kubeconfig,
    ipamdArgs: ["--log-level", "warn"], observe: (o) => spec.observe(o, Date.now()),
  });
  return {
    backend: "kube",
    async createSgpPod(name) {
      await cluster.pods.create(buildPod({ namespace: "default", name, labels: { app: "sgp" } }));
    },
    async deletePod(name) {
      await cluster.pods.delete({ namespace: "default", name });
    },
    async allocatedAt() {
      const { items } = await cluster.events.list({ namespace: "default" });
      return new Map(items.filter((e) => e.reason === "ResourceAllocated").map((e) => [e.involvedObject.name, e.firstTimestamp]));
    },
    apiRequests: () => requests,
    async ec2() {
      const [log, limits] = await Promise.all([ec2.harness.calls(0), ec2.harness.limits()]);
      return { tokened: log.calls.filter((c) => c.tokened).length, qps: limits.qps, burst: limits.burst };
    },
    async stop() {
      await node.stop();
      await controller.stop();
      scheduler.stop();
      await server.close();
      await ec2.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
