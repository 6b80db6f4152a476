// mock-ipamd --serve-api: the daemon's embedded cluster (memory mode) read by kubectl as a
// third-party client while the daemon works: its Node and CNINode, a policy, a pod made through the
// control API getting the webhook's resources, its annotation and the controller's events. The
// kubeconfig is private and written before the ready line; the API goes away with the daemon.
import { statSync } from "node:fs";
import { execa } from "execa";
import { DAEMON_JS } from "../helpers/daemon.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kubectlPath, needKubectl } from "../helpers/apiserver.js";
import { startDaemon } from "../helpers/daemon.js";
import type { StartedDaemon } from "../helpers/daemon.js";
import { describeIf } from "../helpers/prereq.js";
import { kubectlWatch } from "../helpers/kubectl-watch.js";

describeIf(needKubectl(), "mock-ipamd --serve-api", () => {
  let d: StartedDaemon;
  let kubeconfig: string;
  const kubectl = async (...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const r = await execa(kubectlPath() ?? "kubectl", args, { env: { KUBECONFIG: kubeconfig }, reject: false, timeout: 30_000 });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };

  beforeAll(async () => {
    d = await startDaemon({ args: ["--serve-api", "127.0.0.1:0", "--sgp-namespace", "sgp", "--provisioning-delay", "500ms", "--node-name", "served-node"] });
    kubeconfig = String(d.logs.find((l) => l.msg === "ready")?.kubeconfig);
  });
  afterAll(async () => d?.stop());

  it("names the API and its kubeconfig in the ready line; the kubeconfig is the user's alone", () => {
    const ready = d.logs.find((l) => l.msg === "ready") ?? {};
    expect(ready.api).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kubeconfig).toBe(`${d.stateDir}/kubeconfig`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
  });

  it("shows the daemon's node, its CNINode and the config's policy", async () => {
    expect((await kubectl("get", "nodes", "-o", "name")).stdout).toBe("node/served-node");
    const node = JSON.parse((await kubectl("get", "node", "served-node", "-o", "json")).stdout) as { metadata: { labels: Record<string, string> }; status: { capacity: Record<string, string> } };
    expect(node.metadata.labels["vpc.amazonaws.com/has-trunk-attached"]).toBe("true");
    expect(node.status.capacity["vpc.amazonaws.com/pod-eni"]).toBe("9");
    expect((await kubectl("get", "cnd", "served-node", "-o", "jsonpath={.spec.features[*].name}")).stdout).toBe("SecurityGroupsForPods");
    expect((await kubectl("get", "sgp", "-n", "sgp", "-o", "name")).stdout).toBe("securitygrouppolicy.vpcresources.k8s.aws/sgp-namespace");
  });

  it("follows a pod made through the control API: the webhook's pod-eni, the annotation, the controller's events", async () => {
    const created = await d.control.CreatePod({ namespace: "sgp", name: "web", schedule: true });
    const pod = JSON.parse((await kubectl("get", "pod", "-n", "sgp", "web", "-o", "json")).stdout) as { metadata: { uid: string }; spec: { nodeName: string; containers: { resources: { limits: Record<string, string> } }[] } };
    expect(pod.metadata.uid).toBe(created.uid);
    expect(pod.spec.nodeName).toBe("served-node");
    expect(pod.spec.containers[0]?.resources.limits["vpc.amazonaws.com/pod-eni"]).toBe("1");
    // kubectl's own watch delivers the controller's annotation patch (no polling).
    const watch = kubectlWatch(kubeconfig, ["get", "pod", "-n", "sgp", "web", "-w", "-o", String.raw`jsonpath={.metadata.annotations.vpc\.amazonaws\.com/pod-eni}{"\n"}`], (l) => l.startsWith('[{"eniId":"eni-'));
    const annotation = JSON.parse(await watch.line) as { eniId: string; vlanId: number }[];
    expect(annotation[0]?.vlanId).toBeGreaterThan(0);
    const events = await kubectl("get", "events", "-n", "sgp", "--field-selector", "involvedObject.name=web", "-o", "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}");
    expect(events.stdout.split("\n")).toEqual(expect.arrayContaining(["SecurityGroupRequested", "ResourceAllocated"]));
  });

  it("is a usage error (exit 2, nothing started) with --cluster kube or a remote address", async () => {
    for (const extra of [["--cluster", "kube", "--node-name", "n", "--ec2-endpoint", "http://127.0.0.1:1"], ["--serve-api-kubeconfig", "/nonexistent/dir/k"]]) {
      const addr = extra[0] === "--cluster" ? "127.0.0.1:0" : "10.0.0.1:6443";
      const r = await execa(process.execPath, [DAEMON_JS, "--serve-api", addr, ...extra], { reject: false, timeout: 30_000 });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(extra[0] === "--cluster" ? /--serve-api needs --cluster memory/ : /needs --serve-api-allow-remote/);
      expect(r.stdout).toBe("");
    }
  });

  it("goes away with the daemon", async () => {
    expect(await d.stop("SIGTERM", { keepState: true })).toBe(0);
    const r = await kubectl("get", "pods", "--request-timeout", "5s");
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/refused/);
  });
});
