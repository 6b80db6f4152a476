// The mock-vpc-resource-controller command line: --help, --version, exit 2 for usage errors
// (decided before anything starts), a JSON ready line once it watches, its webhook registered with
// the API server, and a clean exit 0 on SIGTERM.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startApiServerProcess } from "../helpers/apiserver.js";
import { CONTROLLER_JS } from "../helpers/kube-node.js";
import { startReadyProcess } from "../helpers/process.js";

const run = (...args: string[]) => spawnSync(process.execPath, [CONTROLLER_JS, ...args], { encoding: "utf8", timeout: 20_000 });

describe("mock-vpc-resource-controller command line", () => {
  it("--help and --version answer and exit 0", () => {
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--kubeconfig <file>");
    expect(help.stdout).toContain("--webhook-listen <host:port>");
    expect(run("--version")).toMatchObject({ status: 0, stdout: "0.1.0\n" });
  });

  it("usage errors exit 2 with a message naming the flag", () => {
    const cases: [string[], string][] = [
      [["--bogus"], "unknown option '--bogus'"],
      [["--provisioning-delay", "soon"], "--provisioning-delay"],
      [["--ec2-endpoint", "localhost:4566"], "--ec2-endpoint"],
      [["--webhook-service", "kube-system/w"], "needs --webhook-listen"],
    ];
    for (const [args, msg] of cases) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });

  it("a kubeconfig that does not exist: exit 1 with the reason", () => {
    const r = run("--kubeconfig", "/nonexistent/kubeconfig");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("/nonexistent/kubeconfig");
  });

  it("ready once it watches, its webhook registered, exit 0 on SIGTERM", async () => {
    const api = await startApiServerProcess();
    try {
      const c = await startReadyProcess(CONTROLLER_JS, ["--kubeconfig", api.kubeconfig, "--webhook-listen", "127.0.0.1:0"], { name: "mock-vpc-resource-controller" });
      expect(c.ready).toMatchObject({ msg: "ready", ec2: "in-process" });
      expect(String(c.ready.webhook)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mutate-v1-pod$/);
      const got = await api.http("GET", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vpc-resource-mutating-webhook");
      expect(got.status).toBe(200);
      const cfg = got.json as unknown as { webhooks: { name: string; failurePolicy: string; clientConfig: { url: string; caBundle: string } }[] };
      expect(cfg.webhooks[0]).toMatchObject({ name: "mpod.vpc.k8s.aws", failurePolicy: "Ignore", clientConfig: { url: c.ready.webhook } });
      expect(Buffer.from(cfg.webhooks[0]?.clientConfig.caBundle ?? "", "base64").toString()).toContain("BEGIN CERTIFICATE");
      expect(await c.stop("SIGTERM")).toBe(0);
      expect(c.logs.at(-1)).toMatchObject({ msg: "stopped", reason: "SIGTERM" });
    } finally {
      await api.stop();
    }
  });
});
