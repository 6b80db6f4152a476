// The kubelet loop's SandboxRuntime over CRI, against a hand-written CriClient fake: a sandbox
// whose status cannot be read is stopped and removed before the failure goes back to the loop.

import { describe, expect, it } from "vitest";
import type { PodObject } from "../../cluster/k8s/index.js";
import { createCriSandboxRuntime } from "../../cri/index.js";
import type { CriClient } from "../../cri/index.js";

const POD: PodObject = {
  namespace: "default", name: "web", uid: "uid-web", labels: {}, annotations: {}, limits: {}, requests: {},
  serviceAccount: "default", nodeName: "node-1", createdAt: 0, scheduledAt: 0, deletedAt: undefined, deletionGracePeriodSeconds: undefined, containers: ["app"], hostNetwork: false, phase: "", resourceVersion: "1",
};

/** The CriClient calls createCriSandboxRuntime makes, recorded; podSandboxStatus fails on demand. */
function fakeCri(statusFails: boolean): { cri: CriClient; calls: string[] } {
  const calls: string[] = [];
  const fake = {
    runPodSandbox: async () => (calls.push("run"), "sb-1"),
    podSandboxStatus: async (id: string) => {
      calls.push(`status ${id}`);
      if (statusFails) throw new Error("CRI podSandboxStatus: connection reset");
      return { status: { network: { ip: "10.0.0.5", additionalIps: [] } }, info: {} };
    },
    stopPodSandbox: async (id: string) => void calls.push(`stop ${id}`),
    removePodSandbox: async (id: string) => void calls.push(`remove ${id}`),
  };
  return { cri: fake as unknown as CriClient, calls };
}

describe("createCriSandboxRuntime", () => {
  it("returns containerd's sandbox id and the pod IP", async () => {
    const { cri, calls } = fakeCri(false);
    const out = await createCriSandboxRuntime({ cri }).runPodSandbox(POD, { sandboxId: "ignored", attempt: 1 }, new AbortController().signal);
    expect(out).toEqual({ ok: true, sandbox: { sandboxId: "sb-1", netns: "", ips: ["10.0.0.5"] } });
    expect(calls).toEqual(["run", "status sb-1"]);
  });

  it("stops and removes a sandbox whose status cannot be read, then fails (the loop retries with a new one)", async () => {
    const { cri, calls } = fakeCri(true);
    const run = createCriSandboxRuntime({ cri }).runPodSandbox(POD, { sandboxId: "ignored", attempt: 1 }, new AbortController().signal);
    await expect(run).rejects.toThrow("connection reset");
    expect(calls).toEqual(["run", "status sb-1", "stop sb-1", "remove sb-1"]);
  });
});
