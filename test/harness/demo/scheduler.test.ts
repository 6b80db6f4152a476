// The demo's scheduler: room by pods and vpc.amazonaws.com/pod-eni, kube-scheduler's FailedScheduling text.

import { describe, expect, it } from "vitest";
import { failedSchedulingMessage, misfit } from "../../../harness/demo/scheduler.js";

describe("demo scheduler", () => {
  it("finds no room for an SGP pod beyond the node's branch-ENI capacity, and none beyond max pods", () => {
    const m5large = { pods: "29", "vpc.amazonaws.com/pod-eni": "9" };
    expect(misfit(m5large, { pods: 9, podEni: 8 }, true)).toBe("");
    expect(misfit(m5large, { pods: 9, podEni: 9 }, true)).toBe("Insufficient vpc.amazonaws.com/pod-eni");
    expect(misfit(m5large, { pods: 9, podEni: 9 }, false)).toBe("");
    expect(misfit(m5large, { pods: 29, podEni: 0 }, false)).toBe("Too many pods");
  });
  it("words FailedScheduling as kube-scheduler's FitError with the preemption note (docs/REFERENCE.md §11)", () => {
    expect(failedSchedulingMessage(1, "Insufficient vpc.amazonaws.com/pod-eni")).toBe(
      "0/1 nodes are available: 1 Insufficient vpc.amazonaws.com/pod-eni. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });
});
