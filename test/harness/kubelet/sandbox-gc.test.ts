// kubelet's sandbox GC choice (harness/kubelet/sandbox-gc.ts): NOTREADY sandboxes go unless they are
// the newest of a pod still on the node; READY ones always stay.
import { describe, expect, it } from "vitest";
import { sandboxesToEvict } from "../../../harness/kubelet/sandbox-gc.js";
import type { PodSandbox } from "../../../cri/index.js";

const sb = (id: string, uid: string, state: PodSandbox["state"], createdAt: number): PodSandbox => ({
  id, metadata: { name: `p-${uid}`, uid, namespace: "default" }, state, createdAt, labels: {}, annotations: {}, runtimeHandler: "",
});

describe("sandboxesToEvict", () => {
  it("removes a failed sandbox once the pod has a newer one, and every not-ready sandbox of a pod that is gone", () => {
    const all = [
      sb("failed-then-ran", "a", "SANDBOX_NOTREADY", 1), sb("running", "a", "SANDBOX_READY", 2),
      sb("newest-failed", "b", "SANDBOX_NOTREADY", 5), sb("older-failed", "b", "SANDBOX_NOTREADY", 3),
      sb("gone-pod", "c", "SANDBOX_NOTREADY", 4), sb("gone-but-ready", "c2", "SANDBOX_READY", 4),
    ];
    expect(sandboxesToEvict(all, new Set(["a", "b"])).map((s) => s.id).sort()).toEqual(["failed-then-ran", "gone-pod", "older-failed"]);
  });

  it("keeps everything when nothing is not ready", () => {
    expect(sandboxesToEvict([sb("x", "a", "SANDBOX_READY", 1)], new Set())).toEqual([]);
  });
});
