// Cluster mode, each piece its own OS process: the embedded API server (with its scheduler), mock-ec2,
// mock-vpc-resource-controller (with its HTTPS webhook), mock-ipamd --cluster kube, and the built
// plugin exec'd through the runtime by the kubelet loop (this process, on the kube backend).
// The SGP pod's first ADD fails with the real text, the controller's annotation arrives, the kubelet
// retries because the pod changed (not on its back-off), and kubectl describe shows the real
// sequence; then the controller is killed (-9) while five pods provision and restarted: every pod
// runs, each branch ENI belongs to exactly one pod, and none is leaked.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createKubeCluster } from "../../cluster/client/kube/index.js";
import type { KubeCluster } from "../../cluster/client/kube/index.js";
import { buildPod, buildSgp } from "../../cluster/k8s/index.js";
import { createEc2Client } from "../../common/ec2/client.js";
import type { Ec2Client } from "../../common/ec2/client.js";
import type { KubeletObservation, SandboxCall } from "../../runtime/index.js";
import { needKubectl, startApiServerProcess } from "../helpers/apiserver.js";
import type { StartedApiServer } from "../helpers/apiserver.js";
import { startControllerProcess, startKubeNode } from "../helpers/kube-node.js";
import type { KubeNode } from "../helpers/kube-node.js";
import { startMockEc2 } from "../helpers/mock-ec2.js";
import type { StartedMockEc2 } from "../helpers/mock-ec2.js";
import { describeIf } from "../helpers/prereq.js";
import type { ReadyProcess } from "../helpers/process.js";
import { eventually } from "../helpers/wait.js";

const NODE = "node-1";
const SG = "sg-0123456789abcdef0";
const ANNOTATION = "vpc.amazonaws.com/pod-eni";
/** How often a test polls EC2: every call, the test's too, takes a token of the account's one 12 QPS bucket. */
const EC2_POLL_MS = 250;

describeIf(needKubectl(), "cluster mode: API server, mock-ec2, controller, mock-ipamd and the plugin as processes", () => {
  let dir: string;
  let ec2: StartedMockEc2;
  let launcher: Ec2Client;
  let api: StartedApiServer;
  let cluster: KubeCluster;
  let controller: ReadyProcess;
  let node: KubeNode;
  const observed: KubeletObservation[] = [];
  const calls: SandboxCall[] = [];

  const startController = (delay: string): Promise<ReadyProcess> =>
    startControllerProcess(api.kubeconfig, ec2.endpoint, ["--provisioning-delay", delay, "--cooldown", "30s", "--delete-pass-interval", "1s", "--resync", "10s"]);
  const running = (name: string): boolean => observed.some((o) => o.kind === "running" && o.pod.name === name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cluster-mode-"));
    ec2 = await startMockEc2();
    launcher = createEc2Client({ endpoint: ec2.endpoint, accessKeyId: "launcher" });
    // EC2 runs the node's instance (the Name tag is how ipamd and the controller find it).
    await launcher.runInstances({ instanceType: "m5.large", tags: { Name: NODE } });
    api = await startApiServerProcess();
    cluster = createKubeCluster({ kubeconfig: api.kubeconfig });
    controller = await startController("5s");
    await cluster.sgps.create(buildSgp({ namespace: "default", name: "sgp", podSelector: { matchLabels: { app: "sgp" } }, securityGroupIds: [SG] }));
    // The kubelet registers the Node; mock-ipamd waits for it, then asks for its trunk.
    node = await startKubeNode({
      dir, nodeName: NODE, ec2Endpoint: ec2.endpoint, kubeletCluster: cluster, ipamdKubeconfig: api.kubeconfig,
      observe: (o) => void observed.push(o), onCall: (c) => void calls.push(c),
    });
  });

  afterAll(async () => {
    await node?.stop();
    await controller?.stop();
    launcher?.destroy();
    await api?.stop();
    await ec2?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("joins the node through the handshake: CNINode feature, trunk ENI, has-trunk label, pod-eni capacity", async () => {
    const node = await cluster.nodes.get({ namespace: "", name: NODE });
    expect(node?.labels["vpc.amazonaws.com/has-trunk-attached"]).toBe("true");
    expect(node?.capacity["vpc.amazonaws.com/pod-eni"]).toBe("9");
    expect((await cluster.cniNodes.get({ namespace: "", name: NODE }))?.features.map((f) => f.name)).toEqual(["SecurityGroupsForPods"]);
    const [instance] = await launcher.describeInstances({ filters: [{ name: "tag:Name", values: [NODE] }] });
    const enis = await launcher.describeNetworkInterfaces({ filters: [{ name: "attachment.instance-id", values: [instance?.instanceId ?? ""] }] });
    expect(enis.filter((e) => e.interfaceType === "trunk")).toHaveLength(1);
  });

  it("an SGP pod: the first ADD fails with the real text, the annotation arrives, the pod update wakes the retry, kubectl describe shows the sequence", async () => {
    await cluster.pods.create(buildPod({ namespace: "default", name: "web", labels: { app: "sgp" } }));
    await eventually("web to run", () => running("web"), 60_000);
    const adds = calls.filter((c) => c.pod.name === "web" && c.verb === "ADD" && c.ifName === "eth0");
    expect(adds[0]?.ok).toBe(false);
    expect(adds[0]?.error).toContain('plugin type="mock-vpc-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container');
    expect(adds.at(-1)?.ok).toBe(true);
    // The annotation, read back with kubectl as a third-party client.
    const got = await api.kubectl(["get", "pod", "web", "-o", String.raw`jsonpath={.metadata.annotations.vpc\.amazonaws\.com/pod-eni}`]);
    const ann = JSON.parse(got.stdout) as { eniId: string; vlanId: number }[];
    expect(ann[0]?.eniId).toMatch(/^eni-/);
    expect(ann[0]?.vlanId).toBeGreaterThan(0);
    // Why the retry came: the pod changed (the annotation PATCH), not the 10-15 s back-off.
    const mine = observed.filter((o) => o.pod.name === "web");
    const firstEnd = mine.findIndex((o) => o.kind === "attempt-end" && !o.ok);
    const retry = mine.slice(firstEnd + 1).find((o) => o.kind === "retry-now");
    expect(retry).toMatchObject({ kind: "retry-now", reason: "pod-changed" });
    // The kubelet and the controller post their Events through recorders, on their own after the
    // status and the annotation (as client-go's broadcaster does): wait until all are stored.
    const wanted = ["Scheduled", "SecurityGroupRequested", "FailedCreatePodSandBox", "ResourceAllocated", "Started"];
    await eventually("web's events", async () => {
      const stored = (await cluster.events.list({ namespace: "default" })).items.filter((e) => e.involvedObject.name === "web").map((e) => e.reason);
      return wanted.every((r) => stored.includes(r));
    }, 60_000, 200);
    const described = (await api.kubectl(["describe", "pod", "web"])).stdout;
    // The Events table's Reason column, in kubectl's order (by lastTimestamp).
    const reasons = described.slice(described.indexOf("\nEvents:")).split("\n").slice(3).map((l) => l.trim().split(/\s+/)[1] ?? "");
    expect(reasons.filter((r) => wanted.includes(r))).toEqual(wanted);
    expect(described).toContain(`Successfully assigned default/web to ${NODE}`);
    expect(described).toContain(`Pod will get the following Security Groups [${SG}]`);
    expect(described).toContain("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox");
    expect(described).toContain(`Allocated [{"eniId":"${ann[0]?.eniId ?? ""}"`);
    expect(described).toMatch(/default-scheduler|vpc-resource-controller/);
    expect(described).toContain("Started container app");
  });

  it("kill -9 the controller while 5 SGP pods provision, restart it: every pod runs, each branch ENI is one pod's, none leaked", async () => {
    const names = ["k1", "k2", "k3", "k4", "k5"];
    const trunk = (await launcher.describeNetworkInterfaces({ filters: [{ name: "interface-type", values: ["trunk"] }] }))[0]?.eniId ?? "";
    const associated = async (): Promise<string[]> => (await launcher.describeTrunkInterfaceAssociations({ trunkEniId: trunk })).map((a) => a.branchEniId);
    const before = (await associated()).length;
    for (const n of names) await cluster.pods.create(buildPod({ namespace: "default", name: n, labels: { app: "sgp" } }));
    // Every branch ENI made and associated, none annotated yet: the 5 s provisioning delay runs.
    await eventually("5 more branch ENIs on the trunk", async () => (await associated()).length >= before + 5, 30_000, EC2_POLL_MS);
    const annotatedNow = (await cluster.pods.list({ namespace: "default" })).items.filter((p) => names.includes(p.name) && p.annotations[ANNOTATION] !== undefined);
    expect(annotatedNow).toEqual([]);
    expect(await controller.stop("SIGKILL")).toBe(null);
    controller = await startController("300ms");
    await eventually("the five pods to run", () => names.every(running), 90_000);
    const owners = async (): Promise<Map<string, string>> => {
      const m = new Map<string, string>();
      for (const p of (await cluster.pods.list({ namespace: "default" })).items) {
        const v = p.annotations[ANNOTATION];
        if (v === undefined) continue;
        const eni = (JSON.parse(v) as { eniId: string }[])[0]?.eniId ?? "";
        expect(m.has(eni), `${eni} annotated on two pods`).toBe(false);
        m.set(eni, p.name);
      }
      return m;
    };
    // The ENIs made before the kill and never annotated are deleted (front of the delete queue).
    await eventually("EC2's branch ENIs to be exactly the annotated ones", async () => {
      const live = (await associated()).sort();
      return JSON.stringify(live) === JSON.stringify([...(await owners()).keys()].sort());
    }, 60_000, EC2_POLL_MS);
    const m = await owners();
    expect([...m.values()].sort()).toEqual(["k1", "k2", "k3", "k4", "k5", "web"]);
  });

  it("20 SGP pods on the m5.large (9 branch ENIs), each deleted before the next: every one gets a branch ENI once the 30 s cooldown frees one, none stays failed", async () => {
    const trunk = (await launcher.describeNetworkInterfaces({ filters: [{ name: "interface-type", values: ["trunk"] }] }))[0]?.eniId ?? "";
    let most = 0;
    const sample = async (): Promise<void> => {
      most = Math.max(most, (await launcher.describeTrunkInterfaceAssociations({ trunkEniId: trunk })).length);
    };
    const gone = async (name: string): Promise<boolean> => (await cluster.pods.get({ namespace: "default", name })) === undefined;
    for (const n of ["web", "k1", "k2", "k3", "k4", "k5"]) await cluster.pods.delete({ namespace: "default", name: n });
    const names = Array.from({ length: 20 }, (_, i) => `d${i + 1}`);
    for (const n of names) {
      await cluster.pods.create(buildPod({ namespace: "default", name: n, labels: { app: "sgp" } }));
      await eventually(`${n} to run`, async () => (await sample(), running(n)), 120_000, EC2_POLL_MS);
      await cluster.pods.delete({ namespace: "default", name: n });
      await eventually(`${n} to be gone`, () => gone(n), 30_000);
    }
    // The node's limit held throughout (in use + cooling + in flight <= 9), and some pods waited for the cooldown.
    expect(most).toBeLessThanOrEqual(9);
    const waited = names.filter((n) => observed.some((o) => o.kind === "attempt-end" && o.pod.name === n && !o.ok));
    expect(waited.length).toBeGreaterThan(0);
    expect(names.every(running)).toBe(true);
  }, 400_000);
});
