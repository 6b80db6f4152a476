// The demo's status line says what the kubelet did in words, not in event codes.

import { describe, expect, it } from "vitest";
import { observationText } from "../../../harness/demo/run.js";

const pod = { namespace: "sgp-demo", name: "sgp-pod-1", uid: "u" };

describe("observationText", () => {
  it("words each kubelet step", () => {
    expect(observationText({ kind: "attempt-start", at: 0, pod, sandboxId: "s", attempt: 2 })).toBe("sgp-pod-1: sandbox 2 starting (CNI ADD)");
    expect(observationText({ kind: "retry-scheduled", at: 1_000, pod, dueAt: 12_500, reason: "backoff" })).toBe("sgp-pod-1: next sandbox in 11.5s, or as soon as the pod changes");
    expect(observationText({ kind: "retry-now", at: 0, pod, reason: "pod-changed" })).toBe("sgp-pod-1: retrying now (the pod changed)");
    expect(observationText({ kind: "running", at: 0, pod, sandboxId: "s" })).toBe("sgp-pod-1: running");
  });
});
