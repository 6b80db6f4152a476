// branchProgress: the explanation that goes with a branch-ENI-not-ready failure's details.

import { describe, expect, it } from "vitest";
import type { ClusterEvent } from "../../../cluster/k8s/index.js";
import type { ProvisioningRecord } from "../../../controller/types.js";
import { branchProgress } from "../../../ipamd/server/progress.js";

const rec = (over: Partial<ProvisioningRecord>): ProvisioningRecord => ({
  namespace: "sgp", name: "web", uid: "u1", nodeName: "n", attempt: 1, queuedAt: 1000, startedAt: 1000, ec2DoneAt: undefined,
  endedAt: undefined, delayMs: 1500, outcome: "in-progress", eniId: "", vlanId: 0, error: "", ...over,
});

const capacityEvent = (at: number): ClusterEvent => ({
  type: "Warning", reason: "BranchAllocationFailed", message: "failed to allocate branch ENI to pod: at max capacity",
  involvedObject: { kind: "Pod", namespace: "sgp", name: "web", uid: "u1" }, source: "vpc-resource-controller",
  firstTimestamp: at, lastTimestamp: at, count: 1, classification: "transient-expected",
  attributes: { node: "n", limit: "9", requeueAfterMs: "60000" },
});

describe("branchProgress", () => {
  it("says when nothing is queued, when EC2 calls run, and when the annotation is due", () => {
    expect(branchProgress({ records: [], now: 0 }, { uid: "u1" })).toBe("the fake VPC resource controller has not queued it yet");
    expect(branchProgress({ records: [rec({})], now: 1100 }, { uid: "u1" }))
      .toBe("being provisioned by the fake VPC resource controller since 0.1 s (attempt 1: EC2 calls in progress for 0.1 s)");
    expect(branchProgress({ records: [rec({ ec2DoneAt: 1200 })], now: 2500 }, { uid: "u1" }))
      .toBe("being provisioned by the fake VPC resource controller since 1.5 s (attempt 1: EC2 calls done, annotation expected in 0.2 s)");
    expect(branchProgress({ records: [rec({ ec2DoneAt: 1150 })], now: 1500 }, { uid: "other" })).toBe("the fake VPC resource controller has not queued it yet");
  });

  it("names the whole job ahead when the pod is not queued yet and the delay is known", () => {
    expect(branchProgress({ records: [], now: 0, delay: { kind: "normal", meanMs: 3000, stddevMs: 500 } }, { uid: "u1" })).toBe(
      "the fake VPC resource controller has not queued it yet; then three EC2 calls and the provisioning delay (normal mean 3000ms sd 500ms, about 3.0 s)");
  });

  it("gives the expected remaining time from the delay config while the EC2 calls run", () => {
    const fixed = branchProgress({ records: [rec({})], now: 1200, delay: { kind: "fixed", fixedMs: 4000 } }, { uid: "u1" });
    expect(fixed).toContain("then the provisioning delay (fixed 4000ms), expected about 4.0 s more");
    const uniform = branchProgress({ records: [rec({})], now: 1200, delay: { kind: "uniform", minMs: 1000, maxMs: 3000 } }, { uid: "u1" });
    expect(uniform).toContain("expected about 2.0 s more");
  });

  it("reports the latest attempt and its failure", () => {
    const records = [rec({ outcome: "failed", error: "api error InternalError: boom", endedAt: 1200 }), rec({ attempt: 2, startedAt: 2000 })];
    expect(branchProgress({ records, now: 2500 }, { uid: "u1" })).toBe("being provisioned by the fake VPC resource controller since 1.5 s (attempt 2: EC2 calls in progress for 0.5 s)");
    expect(branchProgress({ records: records.slice(0, 1), now: 2500 }, { uid: "u1" }))
      .toBe("attempt 1 failed: api error InternalError: boom; the controller retries with back-off");
  });

  it("says the node is at capacity when the controller requeued the pod for that", () => {
    expect(branchProgress({ records: [], now: 11_000, events: [capacityEvent(10_000)] }, { uid: "u1" }))
      .toBe("the node is at its branch ENI capacity (limit 9): the fake VPC resource controller retries in 59.0 s");
    // A run that started after the capacity wait wins.
    expect(branchProgress({ records: [rec({ queuedAt: 10_000, startedAt: 70_000 })], now: 70_500, events: [capacityEvent(10_000)] }, { uid: "u1" }))
      .toContain("EC2 calls in progress for 0.5 s");
  });
});
