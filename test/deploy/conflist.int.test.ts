// The conflist deploy/daemonset.yaml ships, run for real: containerd loads it and RunPodSandbox
// works with it (only the socket and log paths are pointed at this run's temp dirs).
import { afterAll, beforeAll, expect, it } from "vitest";
import { join } from "node:path";
import { podSandboxConfig } from "../../cri/index.js";
import { stackUnavailable, startStack } from "../containerd/stack.js";
import type { Stack } from "../containerd/stack.js";
import { daemonSetParts, loadDocs } from "./parts.js";
import { describeIf } from "../helpers/prereq.js";

const unavailable = stackUnavailable();

describeIf(unavailable, `deploy/ conflist under containerd (${unavailable ?? "root, built"})`, () => {
  let stack: Stack;

  beforeAll(async () => {
    const { conflist } = daemonSetParts(await loadDocs());
    stack = await startStack({
      conflist: (dir, ipamdAddress) => ({
        ...conflist,
        plugins: conflist.plugins.map((p) => (p["type"] === "mock-vpc-cni" ? { ...p, ipamdAddress, pluginLogFile: join(dir, "plugin.log") } : p)),
      }),
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("runs a pod with the shipped conflist and removes it", async () => {
    const id = await stack.env.cri.runPodSandbox(podSandboxConfig({ namespace: "default", name: "deployed", uid: "uid-deployed" }));
    const status = (await stack.env.cri.podSandboxStatus(id)).status;
    expect(status?.state).toBe("SANDBOX_READY");
    expect((await stack.daemon.control.ListLeases({})).leases.map((l) => l.ipv4)).toEqual([status?.network?.ip]);
    await stack.env.cri.stopPodSandbox(id);
    await stack.env.cri.removePodSandbox(id);
    expect((await stack.daemon.control.ListLeases({})).leases).toEqual([]);
  });
});
