// `vpc-cni-harness demo --serve-api 127.0.0.1:0 --hold`: the run's cluster served to kubectl (the
// machine's /usr/bin/kubectl, a third-party client) while the demo runs. The demo names the API and
// its kubeconfig and says how to watch; kubectl's watch sees the SGP pod run; `get pods -o json`
// has both pods Running with their addresses and the SGP pod's annotation; `describe pod` shows the
// real sequence in order. Ctrl-C then ends the held run: exit 0, the API and its kubeconfig gone.
// Every wait is on an event (an output line, kubectl's watch), never on the clock. The default 5 s
// provisioning delay: with 1 s, the failed sandbox's teardown (containerd DELs it before the kubelet
// records FailedCreatePodSandBox) can end after ResourceAllocated on a loaded machine.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { kubectlPath, needKubectl } from "../../helpers/apiserver.js";
import { REPO_ROOT } from "../../helpers/daemon.js";
import { exitAfterOutput } from "../../helpers/process.js";
import { kubectlWatch } from "../../helpers/kubectl-watch.js";
import { describeIf } from "../../helpers/prereq.js";

const CLI = join(REPO_ROOT, "dist", "cmd", "vpc-cni-harness.js");
type Line = Record<string, unknown>;

describeIf(needKubectl(), "vpc-cni-harness demo --serve-api", () => {
  const lines: Line[] = [];
  let child: ReturnType<typeof spawn>;
  let exited: Promise<number | null>;
  let kubeconfig = "";
  let url = "";
  const kubectl = async (...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const r = await execa(kubectlPath() ?? "kubectl", ["--kubeconfig", kubeconfig, ...args], { reject: false });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const info = (): string[] => lines.filter((l) => l.kind === "info").map((l) => String(l.text));

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, "demo", "--serve-api", "127.0.0.1:0", "--hold", "--json", "--timeout", "120s"], { stdio: ["ignore", "pipe", "pipe"] });
    exited = exitAfterOutput(child).then((e) => e.code);
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => void (stderr += d.toString()));
    // The hold line: every pod runs and the API still serves.
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (l) => {
        try {
          lines.push(JSON.parse(l) as Line);
        } catch {
          return;
        }
        if (String(lines.at(-1)?.text ?? "").startsWith("--hold:")) resolve();
      });
      void exited.then((code) => reject(new Error(`the demo ended (${String(code)}) before holding; stderr: ${stderr}; info: ${info().join(" | ")}`)));
    });
    const api = info().find((t) => t.startsWith("Kubernetes API of this run: ")) ?? "";
    url = /: (https:\/\/\S+) /.exec(api)?.[1] ?? "";
    kubeconfig = /\(kubeconfig (\S+),/.exec(api)?.[1] ?? "";
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
  });

  it("names the API, its kubeconfig and the kubectl command to watch with", () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(kubeconfig)).toBe(true);
    expect(info()).toContain(`watch it: kubectl --kubeconfig ${kubeconfig} get pods -A -w    (then: kubectl --kubeconfig ${kubeconfig} describe pod -n sgp-demo <pod>)`);
  });

  it("kubectl get pods -w sees the SGP pod running; -o json has both pods Running, bound, addressed, the SGP one annotated", async () => {
    const watch = kubectlWatch(kubeconfig, ["get", "pod", "-n", "sgp-demo", "sgp-pod-1", "-w", "-o", String.raw`jsonpath={.status.phase}{"\n"}`], (l) => l === "Running");
    expect(await watch.line).toBe("Running");
    const r = await kubectl("get", "pods", "-A", "-o", "json");
    expect(r.exitCode, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { kind: string; items: { metadata: { namespace: string; name: string; annotations?: Record<string, string> }; spec: { nodeName?: string }; status: { phase: string; podIP?: string; containerStatuses?: { name: string; ready: boolean }[] } }[] };
    expect(list.kind).toBe("List");
    const byName = new Map(list.items.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    for (const name of ["sgp-demo/sgp-pod-1", "default/plain-pod"]) {
      expect(byName.get(name)?.spec.nodeName).toBe("demo-node");
      expect(byName.get(name)?.status.phase).toBe("Running");
      expect(byName.get(name)?.status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(byName.get(name)?.status.containerStatuses).toEqual([expect.objectContaining({ name: "app", ready: true })]);
    }
    const ann = JSON.parse(byName.get("sgp-demo/sgp-pod-1")?.metadata.annotations?.["vpc.amazonaws.com/pod-eni"] ?? "[]") as { eniId: string; privateIp: string }[];
    expect(ann[0]?.eniId).toMatch(/^eni-/);
    expect(byName.get("sgp-demo/sgp-pod-1")?.status.podIP).toBe(ann[0]?.privateIp);
    expect(byName.get("default/plain-pod")?.metadata.annotations?.["vpc.amazonaws.com/pod-eni"]).toBeUndefined();
  });

  it("kubectl describe pod shows Scheduled, SecurityGroupRequested, FailedCreatePodSandBox, ResourceAllocated, Started in that order", async () => {
    const r = await kubectl("describe", "pod", "-n", "sgp-demo", "sgp-pod-1");
    expect(r.exitCode, r.stderr).toBe(0);
    const described = r.stdout;
    const reasons = described.slice(described.indexOf("\nEvents:")).split("\n").slice(3).map((l) => l.trim().split(/\s+/)[1] ?? "");
    const wanted = ["Scheduled", "SecurityGroupRequested", "FailedCreatePodSandBox", "ResourceAllocated", "Started"];
    expect(reasons.filter((x) => wanted.includes(x))).toEqual(wanted);
    expect(described).toContain("Successfully assigned sgp-demo/sgp-pod-1 to demo-node");
    expect(described).toContain("Pod will get the following Security Groups [sg-0a1b2c3d4e5f60708]");
    expect(described).toContain('failed to setup network for sandbox');
    expect(described).toMatch(/Allocated \[\{"eniId":"eni-/);
    expect(described).toMatch(/vpc\.amazonaws\.com\/pod-eni: +1/);
  });

  it("Ctrl-C ends the held run as a success: exit 0, the API and its kubeconfig gone", async () => {
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(lines.find((l) => l.kind === "summary")).toMatchObject({ ok: true });
    expect(existsSync(kubeconfig)).toBe(false);
    // Nothing listens on the API's port any more (the kubeconfig that had its token is gone too).
    const refused = await new Promise<string>((res) => {
      const sock = connect(Number(new URL(url).port), "127.0.0.1");
      sock.once("connect", () => (sock.destroy(), res("connected")));
      sock.once("error", (e: NodeJS.ErrnoException) => res(e.code ?? String(e)));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
