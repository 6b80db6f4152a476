// branchProgress: the explanation that goes with a branch-ENI-not-ready failure.

import { describe, expect, it } from "vitest";
import type { ProvisioningRecord } from "../../../controller/types.js";
import { branchProgress } from "../../../ipamd/server/inspect.js";

const rec = (over: Partial<ProvisioningRecord>): ProvisioningRecord => ({
  namespace: "sgp", name: "web", uid: "u1", nodeName: "n", attempt: 1, queuedAt: 1000, startedAt: 1000, ec2DoneAt: undefined,
  endedAt: undefined, delayMs: 1500, outcome: "in-progress", eniId: "", vlanId: 0, error: "", ...over,
});

describe("branchProgress", () => {
  it("says when nothing is queued, when EC2 calls run, and when the annotation is due", () => {
    expect(branchProgress([], 0, { uid: "u1" })).toBe("the controller has not queued it yet");
    expect(branchProgress([rec({})], 1100, { uid: "u1" })).toBe("attempt 1: EC2 calls in progress for 100 ms");
    expect(branchProgress([rec({ ec2DoneAt: 1150 })], 1500, { uid: "u1" })).toBe("attempt 1: EC2 calls done, annotation expected in 1150 ms");
    expect(branchProgress([rec({ ec2DoneAt: 1150 })], 1500, { uid: "other" })).toBe("the controller has not queued it yet");
  });

  it("reports the latest attempt and its failure", () => {
    const records = [rec({ outcome: "failed", error: "api error InternalError: boom", endedAt: 1200 }), rec({ attempt: 2, startedAt: 2000 })];
    expect(branchProgress(records, 2500, { uid: "u1" })).toBe("attempt 2: EC2 calls in progress for 500 ms");
    expect(branchProgress(records.slice(0, 1), 2500, { uid: "u1" })).toBe("attempt 1 ended failed: api error InternalError: boom");
  });
});
